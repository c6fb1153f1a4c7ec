#pragma once
// ai.caption: prices, hashtags, mentions, discount codes, calls to action,
// product mentions, a clean title and the language of a caption.

#include <linkhub/plugin.hpp>

namespace linkhub::ai {

class CaptionStep : public sdk::Step {
 public:
  static constexpr const char* name = "caption";
  static constexpr const char* description =
      "Extracts prices, hashtags, mentions, discount codes, calls to action, product mentions, a clean title and "
      "the language from a video caption.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::ai
