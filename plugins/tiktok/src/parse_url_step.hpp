#pragma once
// tiktok.parse_url: any public TikTok video or profile URL -> what it points
// at (kind "video": id, canonical URL, user; kind "profile": the handle).

#include <linkhub/plugin.hpp>

namespace linkhub::tiktok {

class ParseUrlStep : public sdk::Step {
 public:
  static constexpr const char* name = "parse_url";
  static constexpr const char* description =
      "Recognises a TikTok video URL in any public form and returns its id, canonical URL and user; short links "
      "(vm., vt., /t/) are marked needs_resolution. A profile link (https://www.tiktok.com/@handle, or @handle) "
      "gives kind \"profile\" and its username.";
  static constexpr bool pure = true;  // reads its input only: short links are marked, not fetched
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::tiktok
