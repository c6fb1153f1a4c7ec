// tiktok.list_videos, provider "ytdlp": `yt-dlp --flat-playlist -J` on the
// profile prints the playlist of its videos without visiting each one.
#include "text.hpp"
#include "video_list.hpp"
#include "video_record.hpp"
#include "ytdlp_info.hpp"
#include "ytdlp_run.hpp"

#include <filesystem>

namespace linkhub::tiktok {

using sdk::Json;

std::vector<ListedVideo> list_ytdlp(const ListRequest& request) {
  const std::string binary = find_ytdlp(request.config, request.who);
  const std::filesystem::path dir(request.ctx.artifact_dir());
  if (dir.empty()) {
    throw sdk::StepError(request.who + ": the host gave no artifact directory to write into");
  }
  const std::string& url = request.profile.url;
  const std::vector<std::string> argv = {
      binary, "--ignore-config", "--flat-playlist", "-J", "--playlist-end", std::to_string(request.limit), "--", url};
  const std::string stem = "yt-dlp-list-" + request.profile.user;
  const std::string log_path = (dir / (stem + ".log")).string();
  const std::filesystem::path json_path = dir / (stem + ".json");
  run_ytdlp(request.ctx, request.who, argv, url, log_path, request.timeout, json_path.string());

  std::error_code ec;
  if (std::filesystem::file_size(json_path, ec) == 0 || ec) {
    throw sdk::StepError(request.who + ": yt-dlp succeeded but printed nothing for " + url + " (log: " + log_path +
                         ")");
  }
  // Malformed or non-object JSON fails here, naming the file and the provider.
  const Json playlist = read_json_file(json_path, request.max_response_bytes, request.who + ": yt-dlp's answer");
  const auto entries = playlist.find("entries");
  if (entries == playlist.end() || !entries->is_array()) {
    throw sdk::StepError(request.who + ": yt-dlp printed JSON without an `entries` list for " + url + " (in '" +
                         json_path.string() + "')");
  }
  std::vector<ListedVideo> videos;
  size_t unreadable = 0;
  for (const Json& entry : *entries) {
    auto video = listed_video(request.profile, string_field(entry, "id"), string_field(entry, "url"),
                              string_field(entry, "uploader"));
    if (!video) {
      ++unreadable;
      continue;
    }
    video->caption = string_field(entry, "title");
    if (!video->caption || video->caption->empty()) {
      video->caption = string_field(entry, "description");
    }
    if (auto seconds = integer_field(entry, "timestamp")) {
      video->created_at = iso8601_from_unix(*seconds);
    } else if (auto date = string_field(entry, "upload_date")) {
      video->created_at = iso_date_from_yyyymmdd(*date);
    }
    videos.push_back(std::move(*video));
  }
  if (unreadable > 0) {
    request.ctx.warn(request.who + ": skipped " + std::to_string(unreadable) + " entries without a video id");
  }
  return videos;
}

}  // namespace linkhub::tiktok
