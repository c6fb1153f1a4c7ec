#pragma once
// tiktok.parse_url: any public TikTok video URL -> its id and canonical URL.

#include <linkhub/plugin.hpp>

namespace linkhub::tiktok {

class ParseUrlStep : public sdk::Step {
 public:
  static constexpr const char* name = "parse_url";
  static constexpr const char* description =
      "Recognises a TikTok video URL in any public form and returns its id, canonical URL and user; short links "
      "(vm., vt., /t/) are marked needs_resolution.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::tiktok
