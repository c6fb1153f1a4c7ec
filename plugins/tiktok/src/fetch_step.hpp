#pragma once
// tiktok.fetch: one video's metadata (and optionally its file) from a
// provider: oembed, apify, ytdlp or local.

#include <linkhub/plugin.hpp>

namespace linkhub::tiktok {

class FetchStep : public sdk::Step {
 public:
  static constexpr const char* name = "fetch";
  static constexpr const char* description =
      "Fetches a TikTok video's caption, author, hashtags, cover, counts and date (and the video file when asked) "
      "from oEmbed, Apify, yt-dlp or a local folder of .info.json files, in one output shape.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::tiktok
