// provider "local": a directory of yt-dlp style <id>.info.json files beside
// their videos. Works offline; the bundled sample data uses it.
#include "cover_image.hpp"
#include "providers.hpp"
#include "settings.hpp"
#include "ytdlp_info.hpp"

#include <filesystem>

namespace linkhub::tiktok {

namespace {
constexpr const char* kWho = "tiktok.fetch (local)";
}

VideoRecord fetch_local(const FetchRequest& request) {
  const std::filesystem::path dir = local_folder(request.ctx, request.input, request.config, kWho);
  std::error_code ec;
  const std::string& id = request.link.video_id;
  const auto info_file = find_info_file(dir, id);
  if (!info_file) {
    throw sdk::StepError(std::string(kWho) + ": no entry for video " + id + " in '" + dir.string() + "' (looked for " +
                         id + ".info.json and \"* [" + id + "].info.json\")");
  }
  const sdk::Json info = read_json_file(*info_file, request.max_response_bytes, kWho);
  VideoRecord record = record_from_ytdlp_info(info, request.link, "local");
  if (auto video = video_beside(*info_file, info)) {
    const auto absolute = std::filesystem::absolute(*video, ec);
    record.video_path = ec ? video->string() : absolute.string();
  }
  // Offline: the cover is the file beside the info file; its URL is reported, never fetched.
  if (auto cover = cover_beside(*info_file)) {
    record.cover_file = cover->string();
  }
  return record;
}

}  // namespace linkhub::tiktok
