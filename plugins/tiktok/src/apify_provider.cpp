// provider "apify": the clockworks/tiktok-scraper actor on Apify, run
// synchronously. Needs the secret APIFY_TOKEN; gives counts, duration, date
// and a download address for the video.
#include "http_client.hpp"
#include "providers.hpp"
#include "text.hpp"

#include <algorithm>
#include <filesystem>

namespace linkhub::tiktok {
namespace {

using sdk::Json;

constexpr const char* kWho = "tiktok.fetch (apify)";
constexpr const char* kActorPath = "/v2/acts/clockworks~tiktok-scraper/run-sync-get-dataset-items";

// Apify's error shape: {"error": {"type": ..., "message": ...}}.
std::string error_text(const std::string& body) {
  const Json parsed = Json::parse(body, nullptr, false);
  if (auto message = string_field(object_field(parsed, "error"), "message")) {
    return excerpt(*message);
  }
  return excerpt(body);
}

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
  const std::optional<std::string> token = request.ctx.secret("APIFY_TOKEN");
  if (!token || token->empty()) {
    throw sdk::StepError(std::string(kWho) + ": the secret APIFY_TOKEN is not set; the apify provider needs it");
  }
  std::string base = request.setting("base_url", "apify_base_url", "https://api.apify.com");
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  const HttpClient http(request.ctx, kWho, request.timeout, request.max_response_bytes, {*token});
  HttpRequest post;
  post.method = "POST";
  post.url = base + kActorPath + "?token=" + percent_encode(*token);
  post.headers = {"Content-Type: application/json", "Accept: application/json"};
  post.body = Json{{"postURLs", {request.link.url}}, {"resultsPerPage", 1}, {"shouldDownloadVideos", false}}.dump();
  const HttpResponse response = http.send(post);
  const std::string target = http.describe("POST", post.url);

  if (response.status == 401 || response.status == 403) {
    throw sdk::StepError(http.redact(std::string(kWho) + ": Apify refused the token (" + target + " answered " +
                                     std::to_string(response.status) + ": " + error_text(response.body) + ")"));
  }
  if (response.status == 408) {
    // The actor run outlived Apify's synchronous window: another try may finish in time.
    throw sdk::StepError(std::string(kWho) + ": " + target + " answered 408: the scraper run timed out", true);
  }
  if (response.status >= 400 && response.status < 500 && response.status != 429) {
    throw sdk::StepError(http.redact(std::string(kWho) + ": " + target + " answered " +
                                     std::to_string(response.status) + ": " + error_text(response.body)));
  }
  http.fail_on_status(response, target);

  const Json items = Json::parse(response.body, nullptr, false);
  if (items.is_discarded()) {
    throw sdk::StepError(http.redact(std::string(kWho) + ": " + target + " answered " +
                                     std::to_string(response.status) +
                                     " with malformed JSON: " + excerpt(response.body, 80)));
  }
  if (!items.is_array()) {
    throw sdk::StepError(std::string(kWho) + ": " + target + " answered JSON that is not a list of dataset items");
  }
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
      http.download(*address, path, request.max_video_bytes);
      record.video_path = path;
    }
  }
  return record;
}

}  // namespace linkhub::tiktok
