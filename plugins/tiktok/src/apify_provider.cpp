// provider "apify": the clockworks/tiktok-scraper actor on Apify, run
// synchronously. Needs the secret APIFY_TOKEN; gives counts, duration, date
// and a download address for the video.
#include "apify_actor.hpp"
#include "http_client.hpp"
#include "providers.hpp"
#include "text.hpp"

#include <algorithm>
#include <filesystem>

namespace linkhub::tiktok {
namespace {

using sdk::Json;

constexpr const char* kWho = "tiktok.fetch (apify)";

std::vector<std::string> hashtag_names(const Json& item) {
  std::vector<std::string> names;
  auto it = item.find("hashtags");
  if (it == item.end() || !it->is_array()) {
    return names;
  }
  for (const Json& tag : *it) {
    auto name = tag.is_string() ? std::optional<std::string>(tag.get<std::string>()) : string_field(tag, "name");
    if (name && !name->empty() && std::find(names.begin(), names.end(), *name) == names.end()) {
      names.push_back(*name);
    }
  }
  return names;
}

}  // namespace

VideoRecord fetch_apify(const FetchRequest& request) {
  const ApifyRun run{request.ctx, kWho, request.setting("base_url", "apify_base_url", "https://api.apify.com"),
                     request.timeout, request.max_response_bytes};
  const Json items = run_apify_scraper(
      run, {{"postURLs", {request.link.url}}, {"resultsPerPage", 1}, {"shouldDownloadVideos", false}});
  if (items.empty()) {
    throw sdk::StepError(std::string(kWho) + ": the scraper found nothing at " + request.link.url +
                         " (removed or private video?)");
  }
  const Json& item = items.front();
  if (!item.is_object()) {
    throw sdk::StepError(std::string(kWho) + ": the first dataset item is not an object");
  }
  if (!item.contains("id") && !item.contains("text")) {
    const std::string why = string_field(item, "error").value_or(string_field(item, "errorDescription").value_or(""));
    throw sdk::StepError(std::string(kWho) + ": the scraper could not read " + request.link.url +
                         (why.empty() ? " (removed or private video?)" : ": " + excerpt(why)));
  }

  const Json& author = object_field(item, "authorMeta");
  const Json& meta = object_field(item, "videoMeta");
  VideoRecord record;
  record.provider = "apify";
  record.video_id = request.link.video_id;
  if (auto id = string_field(item, "id"); id && *id != record.video_id) {
    request.ctx.warn(std::string(kWho) + ": asked for video " + record.video_id + ", the scraper returned " +
                     excerpt(*id, 40));
  }
  std::string user = string_field(author, "name").value_or("");
  if (!is_valid_user(user)) {
    user = request.link.user;
  }
  record.url = canonical_video_url(user, record.video_id);
  record.author = string_field(author, "nickName");
  if (!record.author || record.author->empty()) {
    record.author = string_field(author, "name");
  }
  record.author_id = string_field(author, "id");
  record.description = string_field(item, "text").value_or("");
  record.hashtags = hashtag_names(item);
  if (record.hashtags.empty()) {
    record.hashtags = hashtags_from_text(record.description);
  }
  record.duration_s = number_field(meta, "duration");
  record.cover_url = string_field(meta, "coverUrl");
  if (!record.cover_url) {
    record.cover_url = string_field(meta, "originalCoverUrl");
  }
  record.stats.plays = integer_field(item, "playCount");
  record.stats.likes = integer_field(item, "diggCount");
  record.stats.shares = integer_field(item, "shareCount");
  record.stats.comments = integer_field(item, "commentCount");
  record.created_at = string_field(item, "createTimeISO");
  if (!record.created_at) {
    if (auto seconds = integer_field(item, "createTime")) {
      record.created_at = iso8601_from_unix(*seconds);
    }
  }

  if (request.download_video) {
    const auto address = string_field(meta, "downloadAddr");
    const std::string dir(request.ctx.artifact_dir());
    if (!address || address->empty()) {
      request.ctx.warn(std::string(kWho) + ": download_video is set but the scraper gave no download address");
    } else if (dir.empty()) {
      throw sdk::StepError(std::string(kWho) + ": download_video needs an artifact directory and the host gave none");
    } else {
      const std::string path = (std::filesystem::path(dir) / (record.video_id + ".mp4")).string();
      const HttpClient http(request.ctx, kWho, request.timeout, request.max_response_bytes,
                            {request.ctx.secret("APIFY_TOKEN").value_or("")});
      http.download(*address, path, request.max_video_bytes);
      record.video_path = path;
    }
  }
  return record;
}

}  // namespace linkhub::tiktok
