#include "ytdlp_info.hpp"

#include "text.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

namespace linkhub::tiktok {

using sdk::Json;

namespace {

std::optional<std::string> first_nonempty(const Json& info, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (auto value = string_field(info, key); value && !value->empty()) {
      return value;
    }
  }
  return std::nullopt;
}

std::vector<std::string> tag_list(const Json& info) {
  std::vector<std::string> tags;
  auto it = info.find("tags");
  if (it == info.end() || !it->is_array()) {
    return tags;
  }
  for (const Json& tag : *it) {
    if (!tag.is_string()) {
      continue;
    }
    std::string name = tag.get<std::string>();
    if (!name.empty() && name.front() == '#') {
      name.erase(0, 1);
    }
    if (!name.empty() && std::find(tags.begin(), tags.end(), name) == tags.end()) {
      tags.push_back(std::move(name));
    }
  }
  return tags;
}

std::optional<std::string> thumbnail(const Json& info) {
  if (auto url = string_field(info, "thumbnail")) {
    return url;
  }
  // Without "thumbnail", yt-dlp's list is ordered worst to best.
  auto it = info.find("thumbnails");
  if (it != info.end() && it->is_array()) {
    for (auto t = it->rbegin(); t != it->rend(); ++t) {
      if (auto url = string_field(*t, "url")) {
        return url;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

VideoRecord record_from_ytdlp_info(const Json& info, const VideoLink& requested, const std::string& provider) {
  VideoRecord record;
  record.provider = provider;
  record.video_id = requested.video_id;
  if (auto id = string_field(info, "id"); record.video_id.empty() && id) {
    record.video_id = *id;
  }
  std::string user = string_field(info, "uploader").value_or("");
  if (!is_valid_user(user)) {
    user.clear();
    if (auto page = string_field(info, "webpage_url")) {
      if (auto parsed = parse_video_url(*page); parsed.link) {
        user = parsed.link->user;
      }
    }
  }
  if (user.empty()) {
    user = requested.user;
  }
  record.url = canonical_video_url(user, record.video_id);
  record.author = first_nonempty(info, {"channel", "creator", "uploader"});
  record.author_id = first_nonempty(info, {"uploader_id", "channel_id"});
  record.description = first_nonempty(info, {"description", "title"}).value_or("");
  record.hashtags = tag_list(info);
  if (record.hashtags.empty()) {
    record.hashtags = hashtags_from_text(record.description);
  }
  record.duration_s = number_field(info, "duration");
  record.cover_url = thumbnail(info);
  record.stats.plays = integer_field(info, "view_count");
  record.stats.likes = integer_field(info, "like_count");
  record.stats.shares = integer_field(info, "repost_count");
  record.stats.comments = integer_field(info, "comment_count");
  if (auto seconds = integer_field(info, "timestamp")) {
    record.created_at = iso8601_from_unix(*seconds);
  }
  if (!record.created_at) {
    if (auto date = string_field(info, "upload_date")) {
      record.created_at = iso_date_from_yyyymmdd(*date);
    }
  }
  return record;
}

Json read_json_file(const std::filesystem::path& file, size_t max_bytes, const std::string& who) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) {
    throw sdk::StepError(who + ": cannot read '" + file.string() + "': " + ec.message());
  }
  if (size > max_bytes) {
    throw sdk::StepError(who + ": '" + file.string() + "' is larger than max_response_bytes (" +
                         std::to_string(max_bytes) + " bytes)");
  }
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) {
    throw sdk::StepError(who + ": cannot read '" + file.string() + "'");
  }
  Json parsed = Json::parse(text.substr(0, max_bytes), nullptr, false);
  if (parsed.is_discarded()) {
    throw sdk::StepError(who + ": '" + file.string() + "' is not valid JSON: " + excerpt(text, 80));
  }
  if (!parsed.is_object()) {
    throw sdk::StepError(who + ": '" + file.string() + "' holds JSON that is not an object");
  }
  return parsed;
}

std::optional<std::filesystem::path> find_info_file(const std::filesystem::path& dir, const std::string& video_id) {
  std::error_code ec;
  const auto exact = dir / (video_id + ".info.json");
  if (std::filesystem::is_regular_file(exact, ec)) {
    return exact;
  }
  const std::string suffix = "[" + video_id + "].info.json";
  std::optional<std::filesystem::path> best;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
        it->is_regular_file(ec) && (!best || name < best->filename().string())) {
      best = it->path();
    }
  }
  return best;
}

std::optional<std::filesystem::path> video_beside(const std::filesystem::path& info_file, const Json& info) {
  std::string stem = info_file.filename().string();
  constexpr std::string_view kSuffix = ".info.json";
  if (stem.size() > kSuffix.size() && stem.compare(stem.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0) {
    stem.resize(stem.size() - kSuffix.size());
  }
  std::vector<std::string> extensions;
  if (auto ext = string_field(info, "ext"); ext && !ext->empty() && ext->find_first_of("/.") == std::string::npos) {
    extensions.push_back(*ext);
  }
  for (const char* ext : {"mp4", "webm", "mkv", "mov"}) {
    extensions.emplace_back(ext);
  }
  for (const std::string& ext : extensions) {
    const auto candidate = info_file.parent_path() / (stem + "." + ext);
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec)) {
      return candidate;
    }
  }
  return std::nullopt;
}

}  // namespace linkhub::tiktok
