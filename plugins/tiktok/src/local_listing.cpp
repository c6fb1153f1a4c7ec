// tiktok.list_videos, provider "local": every <name>.info.json in the folder
// whose `uploader` is the creator. Works offline, like tiktok.fetch's local.
#include "settings.hpp"
#include "text.hpp"
#include "video_list.hpp"
#include "video_record.hpp"
#include "ytdlp_info.hpp"

#include <algorithm>
#include <filesystem>

namespace linkhub::tiktok {

using sdk::Json;

namespace {

constexpr std::string_view kSuffix = ".info.json";

bool same_handle(std::string a, std::string b) {
  // TikTok handles are case-insensitive (and ASCII).
  const auto lower = [](std::string& s) {
    std::transform(s.begin(), s.end(), s.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; });
  };
  lower(a);
  lower(b);
  return a == b;
}

}  // namespace

std::vector<ListedVideo> list_local(const ListRequest& request) {
  const std::filesystem::path dir = local_folder(request.ctx, request.input, request.config, request.who);
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() > kSuffix.size() && name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0 &&
        it->is_regular_file(ec)) {
      files.push_back(it->path());
    }
  }
  if (ec) {
    throw sdk::StepError(request.who + ": cannot read the directory '" + dir.string() + "': " + ec.message());
  }
  std::sort(files.begin(), files.end());  // warnings in a stable order
  std::vector<ListedVideo> videos;
  for (const auto& file : files) {
    Json info;
    try {
      info = read_json_file(file, request.max_response_bytes, request.who);
    } catch (const sdk::StepError& e) {
      request.ctx.warn(std::string(e.what()) + "; skipped");  // one broken file does not hide the others
      continue;
    }
    // yt-dlp also writes an .info.json for a whole playlist (a profile): not a video.
    if (string_field(info, "_type").value_or("video") != "video" || info.contains("entries")) {
      continue;
    }
    const auto uploader = string_field(info, "uploader");
    if (!uploader || !same_handle(*uploader, request.profile.user)) {
      continue;
    }
    auto video = listed_video(request.profile, string_field(info, "id"), string_field(info, "webpage_url"), uploader);
    if (!video) {
      request.ctx.warn(request.who + ": '" + file.string() + "' has no video id; skipped");
      continue;
    }
    video->caption = string_field(info, "description");
    if (!video->caption || video->caption->empty()) {
      video->caption = string_field(info, "title");
    }
    if (auto seconds = integer_field(info, "timestamp")) {
      video->created_at = iso8601_from_unix(*seconds);
    }
    if (!video->created_at) {
      if (auto date = string_field(info, "upload_date")) {
        video->created_at = iso_date_from_yyyymmdd(*date);
      }
    }
    videos.push_back(std::move(*video));
  }
  return videos;
}

}  // namespace linkhub::tiktok
