#include "video_record.hpp"

#include <charconv>
#include <cmath>

namespace linkhub::tiktok {

using sdk::Json;

namespace {

template <class T>
Json or_null(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json count_schema(const char* what) {
  return {{"type", {"integer", "null"}}, {"description", what}};
}

}  // namespace

Json VideoRecord::to_json() const {
  Json duration = nullptr;
  if (duration_s) {
    // Whole seconds read better as integers; yt-dlp sometimes has fractions.
    const double whole = std::floor(*duration_s);
    duration = whole == *duration_s && std::fabs(whole) < 9e15 ? Json(static_cast<int64_t>(whole)) : Json(*duration_s);
  }
  return {{"video_id", video_id},
          {"url", url},
          {"author", or_null(author)},
          {"author_id", or_null(author_id)},
          {"description", description},
          {"hashtags", hashtags},
          {"duration_s", duration},
          {"cover_url", or_null(cover_url)},
          {"video_path", or_null(video_path)},
          {"cover", cover.is_object() ? cover : Json(nullptr)},
          {"stats",
           {{"plays", or_null(stats.plays)},
            {"likes", or_null(stats.likes)},
            {"shares", or_null(stats.shares)},
            {"comments", or_null(stats.comments)}}},
          {"created_at", or_null(created_at)},
          {"provider", provider}};
}

Json video_record_schema() {
  const Json nullable_string = {{"type", {"string", "null"}}};
  return {
      {"type", "object"},
      {"properties",
       {{"video_id", {{"type", "string"}, {"description", "TikTok video id (digits)"}}},
        {"url", {{"type", "string"}, {"description", "https://www.tiktok.com/@user/video/<id> (user may be empty)"}}},
        {"author", {{"type", {"string", "null"}}, {"description", "Author's display name"}}},
        {"author_id", {{"type", {"string", "null"}}, {"description", "The provider's id of the author"}}},
        {"description", {{"type", "string"}, {"description", "Caption"}}},
        {"hashtags", {{"type", "array"}, {"items", {{"type", "string"}}}, {"description", "Hashtags without '#'"}}},
        {"duration_s", {{"type", {"number", "null"}}, {"description", "Length in seconds"}}},
        {"cover_url", {{"type", {"string", "null"}}, {"description", "Cover image URL (often signed, expiring)"}}},
        {"video_path", {{"type", {"string", "null"}}, {"description", "Local video file, when one was fetched"}}},
        {"cover",
         {{"type", {"object", "null"}},
          {"properties",
           {{"hash", {{"type", "string"}}},
            {"path", {{"type", "string"}}},
            {"media_type", {{"type", "string"}}},
            {"bytes", {{"type", "integer"}}},
            {"source", {{"enum", {"url", "file"}}}}}},
          {"required", {"hash", "path", "media_type", "bytes"}},
          {"description",
           "The cover image stored as an artifact {hash, path, media_type, bytes, source}: fetched when there is "
           "no video (download_cover), else null"}}},
        {"stats",
         {{"type", "object"},
          {"properties",
           {{"plays", count_schema("Plays")},
            {"likes", count_schema("Likes")},
            {"shares", count_schema("Shares")},
            {"comments", count_schema("Comments")}}},
          {"description", "Counts; null when the provider does not know"}}},
        {"created_at", {{"type", {"string", "null"}}, {"description", "ISO 8601 time (or date) of posting"}}},
        {"provider", {{"type", "string"}, {"description", "oembed, apify, ytdlp or local"}}}}},
      {"required",
       {"video_id", "url", "author", "author_id", "description", "hashtags", "duration_s", "cover_url", "video_path",
        "cover", "stats", "created_at", "provider"}},
      {"additionalProperties", false}};
}

std::optional<std::string> string_field(const Json& object, const char* key) {
  if (!object.is_object()) {
    return std::nullopt;
  }
  auto it = object.find(key);
  if (it == object.end()) {
    return std::nullopt;
  }
  if (it->is_string()) {
    return it->get<std::string>();
  }
  if (it->is_number_integer()) {
    return it->dump();  // ids sometimes arrive as numbers
  }
  return std::nullopt;
}

std::optional<int64_t> integer_field(const Json& object, const char* key) {
  if (!object.is_object()) {
    return std::nullopt;
  }
  auto it = object.find(key);
  if (it == object.end()) {
    return std::nullopt;
  }
  if (it->is_number_integer()) {
    return it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)
               ? std::nullopt
               : std::optional<int64_t>(it->get<int64_t>());
  }
  if (it->is_number_float()) {
    const double d = it->get<double>();
    return std::isfinite(d) && std::fabs(d) < 9e18 ? std::optional<int64_t>(static_cast<int64_t>(d)) : std::nullopt;
  }
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    int64_t value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc() && end == s.data() + s.size() ? std::optional<int64_t>(value) : std::nullopt;
  }
  return std::nullopt;
}

std::optional<double> number_field(const Json& object, const char* key) {
  if (!object.is_object()) {
    return std::nullopt;
  }
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) {
    return std::nullopt;
  }
  const double d = it->get<double>();
  return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
}

const Json& object_field(const Json& object, const char* key) {
  static const Json empty = Json::object();
  if (!object.is_object()) {
    return empty;
  }
  auto it = object.find(key);
  return it != object.end() && it->is_object() ? *it : empty;
}

}  // namespace linkhub::tiktok
