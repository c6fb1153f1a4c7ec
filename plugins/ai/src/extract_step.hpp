#pragma once
// ai.extract: a catalog entry from a caption (product name, brand, sizes,
// colours, materials, a description, optionally translated, sentiment and
// search keywords, each with a confidence), by the language model
// (backend llm) or, with low confidences, by the built-in extractors.

#include <linkhub/plugin.hpp>

namespace linkhub::ai {

class ExtractStep : public sdk::Step {
 public:
  static constexpr const char* name = "extract";
  static constexpr const char* description =
      "Extracts a catalog entry from a caption: product name, brand, sizes, colours, materials, a description "
      "(optionally translated), sentiment and search keywords, each with a confidence; by an OpenAI-compatible "
      "model (backend llm, validated structured output, cached) or the built-in extractors.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  // What the model must answer (the output without the backend's report).
  static sdk::Json answer_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::ai
