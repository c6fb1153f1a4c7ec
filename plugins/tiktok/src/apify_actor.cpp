#include "apify_actor.hpp"

#include "http_client.hpp"
#include "text.hpp"
#include "video_record.hpp"

namespace linkhub::tiktok {
namespace {

using sdk::Json;

constexpr const char* kActorPath = "/v2/acts/clockworks~tiktok-scraper/run-sync-get-dataset-items";

// Apify's error shape: {"error": {"type": ..., "message": ...}}.
std::string error_text(const std::string& body) {
  const Json parsed = Json::parse(body, nullptr, false);
  if (auto message = string_field(object_field(parsed, "error"), "message")) {
    return excerpt(*message);
  }
  return excerpt(body);
}

}  // namespace

Json run_apify_scraper(const ApifyRun& run, const Json& run_input) {
  const std::optional<std::string> token = run.ctx.secret("APIFY_TOKEN");
  if (!token || token->empty()) {
    throw sdk::StepError(run.who + ": the secret APIFY_TOKEN is not set; the apify provider needs it");
  }
  std::string base = run.base_url;
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  const HttpClient http(run.ctx, run.who, run.timeout, run.max_response_bytes, {*token});
  HttpRequest post;
  post.method = "POST";
  post.url = base + kActorPath + "?token=" + percent_encode(*token);
  post.headers = {"Content-Type: application/json", "Accept: application/json"};
  post.body = run_input.dump();
  const HttpResponse response = http.send(post);
  const std::string target = http.describe("POST", post.url);

  if (response.status == 401 || response.status == 403) {
    throw sdk::StepError(http.redact(run.who + ": Apify refused the token (" + target + " answered " +
                                     std::to_string(response.status) + ": " + error_text(response.body) + ")"));
  }
  if (response.status == 408) {
    // The actor run outlived Apify's synchronous window: another try may finish in time.
    throw sdk::StepError(run.who + ": " + target + " answered 408: the scraper run timed out", true);
  }
  if (response.status >= 400 && response.status < 500 && response.status != 429) {
    throw sdk::StepError(http.redact(run.who + ": " + target + " answered " + std::to_string(response.status) + ": " +
                                     error_text(response.body)));
  }
  http.fail_on_status(response, target);

  Json items = Json::parse(response.body, nullptr, false);
  if (items.is_discarded()) {
    throw sdk::StepError(http.redact(run.who + ": " + target + " answered " + std::to_string(response.status) +
                                     " with malformed JSON: " + excerpt(response.body, 80)));
  }
  if (!items.is_array()) {
    throw sdk::StepError(run.who + ": " + target + " answered JSON that is not a list of dataset items");
  }
  return items;
}

}  // namespace linkhub::tiktok
