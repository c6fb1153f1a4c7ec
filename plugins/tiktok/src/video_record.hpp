#pragma once
// The one output shape of tiktok.fetch, whatever the provider.

#include <linkhub/plugin.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linkhub::tiktok {

struct VideoStats {
  std::optional<int64_t> plays, likes, shares, comments;
};

struct VideoRecord {
  std::string video_id;
  std::string url;                       // canonical https://www.tiktok.com/@user/video/id
  std::optional<std::string> author;     // display name
  std::optional<std::string> author_id;  // the provider's most stable id of the author
  std::string description;
  std::vector<std::string> hashtags;
  std::optional<double> duration_s;
  std::optional<std::string> cover_url;
  std::optional<std::string> video_path;  // a local file, when a video was fetched
  std::optional<std::string> cover_file;  // a local cover image the provider found (not an output)
  sdk::Json cover;                        // the cover stored as an artifact, or null
  VideoStats stats;
  std::optional<std::string> created_at;  // ISO 8601
  std::string provider;

  sdk::Json to_json() const;
};

sdk::Json video_record_schema();

// Lenient readers for provider payloads: a missing field, null or a value of
// another type gives nullopt, never an exception.
std::optional<std::string> string_field(const sdk::Json& object, const char* key);
std::optional<int64_t> integer_field(const sdk::Json& object, const char* key);
std::optional<double> number_field(const sdk::Json& object, const char* key);
const sdk::Json& object_field(const sdk::Json& object, const char* key);  // {} when absent

}  // namespace linkhub::tiktok
