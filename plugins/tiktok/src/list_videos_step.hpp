#pragma once
// tiktok.list_videos: a creator's recent videos, newest first, from apify,
// ytdlp or a local folder; with a limit and a since-id for incremental syncs.

#include <linkhub/plugin.hpp>

namespace linkhub::tiktok {

class ListVideosStep : public sdk::Step {
 public:
  static constexpr const char* name = "list_videos";
  static constexpr const char* description =
      "Lists a TikTok creator's recent videos (id, canonical URL, caption, date), newest first, from Apify, "
      "yt-dlp --flat-playlist or a local folder of .info.json files; stops before since_id.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::tiktok
