// provider "oembed": TikTok's public oEmbed endpoint. No key; gives the
// caption, author and cover, but no duration, counts, date or video file.
#include "http_client.hpp"
#include "providers.hpp"
#include "text.hpp"

namespace linkhub::tiktok {
namespace {

using sdk::Json;

constexpr const char* kWho = "tiktok.fetch (oembed)";

// The error text of an oEmbed error body: {"status_msg": ...},
// {"message": ...} or plain text.
std::string error_text(const std::string& body) {
  const Json parsed = Json::parse(body, nullptr, false);
  for (const char* key : {"status_msg", "message", "error"}) {
    if (auto text = string_field(parsed, key)) {
      return excerpt(*text);
    }
  }
  return excerpt(body);
}

[[noreturn]] void unavailable(const FetchRequest& request, const std::string& why) {
  throw sdk::StepError(std::string(kWho) + ": the video " + request.link.url +
                       " is unavailable (removed, private or never public): " + why);
}

// The handle in https://www.tiktok.com/@handle.
std::string handle_from_author_url(const std::string& author_url) {
  const size_t at = author_url.rfind("/@");
  if (at == std::string::npos) {
    return {};
  }
  std::string handle = author_url.substr(at + 2);
  handle = handle.substr(0, handle.find_first_of("/?#"));
  return is_valid_user(handle) ? handle : std::string();
}

}  // namespace

VideoRecord fetch_oembed(const FetchRequest& request) {
  std::string base = request.setting("base_url", "oembed_base_url", "https://www.tiktok.com");
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  const HttpClient http(request.ctx, kWho, request.timeout, request.max_response_bytes);
  HttpRequest get;
  get.url = base + "/oembed?url=" + percent_encode(request.link.url);
  get.headers = {"Accept: application/json"};
  get.follow_redirects = true;
  const HttpResponse response = http.send(get);
  const std::string target = http.describe("GET", get.url);

  // TikTok answers 400 (and sometimes 404) with a JSON or text body for
  // videos that were removed, made private or never existed.
  if (response.status == 400 || response.status == 404) {
    unavailable(request, target + " answered " + std::to_string(response.status) + ": " + error_text(response.body));
  }
  http.fail_on_status(response, target);
  if (response.status != 200) {
    throw sdk::StepError(std::string(kWho) + ": " + target + " answered " + std::to_string(response.status) +
                         ", expected 200");
  }

  const Json body = Json::parse(response.body, nullptr, false);
  if (body.is_discarded()) {
    throw sdk::StepError(std::string(kWho) + ": " + target +
                         " answered 200 with malformed JSON: " + excerpt(response.body, 80));
  }
  if (!body.is_object()) {
    throw sdk::StepError(std::string(kWho) + ": " + target + " answered 200 with JSON that is not an object");
  }
  // An error can also come as 200: {"status_msg": "Something went wrong"}.
  if (auto message = string_field(body, "status_msg"); message && !message->empty()) {
    unavailable(request, "TikTok said: " + excerpt(*message));
  }
  const auto type = string_field(body, "type");
  const auto embed_type = string_field(body, "embed_type");
  if ((type && *type != "video") || (embed_type && *embed_type != "video") || (!type && !body.contains("html"))) {
    unavailable(request, "the oEmbed answer describes no video (type " + excerpt(type.value_or("missing"), 40) + ")");
  }

  VideoRecord record;
  record.provider = "oembed";
  record.video_id = request.link.video_id;
  if (auto id = string_field(body, "embed_product_id"); id && !id->empty() && *id != record.video_id) {
    request.ctx.warn(std::string(kWho) + ": asked for video " + record.video_id + ", oEmbed describes " +
                     excerpt(*id, 40));
  }
  std::string user = string_field(body, "author_unique_id").value_or("");
  if (!is_valid_user(user)) {
    user = handle_from_author_url(string_field(body, "author_url").value_or(""));
  }
  if (user.empty()) {
    user = request.link.user;
  }
  record.url = canonical_video_url(user, record.video_id);
  record.author = string_field(body, "author_name");
  if (!user.empty()) {
    record.author_id = user;  // oEmbed has no numeric author id; the handle is stable enough
  }
  record.description = string_field(body, "title").value_or("");
  record.hashtags = hashtags_from_text(record.description);
  record.cover_url = string_field(body, "thumbnail_url");
  return record;
}

}  // namespace linkhub::tiktok
