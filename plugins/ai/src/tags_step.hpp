#pragma once
// ai.tags: normalised tags and a Google product category for a product's
// hashtags and text.

#include <linkhub/plugin.hpp>

namespace linkhub::ai {

class TagsStep : public sdk::Step {
 public:
  static constexpr const char* name = "tags";
  static constexpr const char* description =
      "Normalised tags and the best Google product taxonomy category (with alternatives) for hashtags and text.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::ai
