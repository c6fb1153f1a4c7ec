#include "http_step.hpp"

#include <linkhub/curl_http_guard.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

namespace linkhub::core {
namespace {

using sdk::Json;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  std::string body;
  Json headers = Json::object();
  size_t max_bytes = 0;
  bool too_large = false;
  const sdk::Context* ctx = nullptr;
  bool cancelled = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t->body.size() + n > t->max_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer
  }
  t->body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  std::string line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->headers = Json::object();  // a new response (after a redirect): keep only the last one's headers
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string::npos) {
    return n;
  }
  std::string key = line.substr(0, colon);
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string value = line.substr(colon + 1);
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  value.erase(value.begin(), std::find_if(value.begin(), value.end(), not_space));
  value.erase(std::find_if(value.rbegin(), value.rend(), not_space).base(), value.end());
  t->headers[key] = value;
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->ctx->cancelled()) {
    t->cancelled = true;
    return 1;
  }
  return 0;
}

std::string safe_url(const std::string& url) {
  return sdk::http_guard::loggable_url(url);
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

Json HttpStep::input_schema() {
  return {
      {"type", "object"},
      {"properties",
       {{"url", {{"type", "string"}, {"minLength", 1}, {"description", "http:// or https:// URL"}}},
        {"method",
         {{"type", "string"},
          {"enum", {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}},
          {"default", "GET"},
          {"description", "HTTP method"}}},
        {"headers",
         {{"type", "object"},
          {"additionalProperties", {{"type", "string"}}},
          {"description", "Request headers (values are never logged)"}}},
        {"json", {{"description", "A JSON body; sets Content-Type: application/json"}}},
        {"body", {{"type", "string"}, {"description", "A text body"}}},
        {"timeout_ms",
         {{"type", "integer"}, {"minimum", 1}, {"default", 30000}, {"description", "Whole-request timeout"}}},
        {"follow_redirects", {{"type", "boolean"}, {"default", true}, {"description", "Follow up to 10 redirects"}}},
        {"max_response_bytes",
         {{"type", "integer"}, {"minimum", 1}, {"default", 10485760}, {"description", "Larger bodies fail the step"}}},
        {"fail_on_status",
         {{"type", "boolean"},
          {"default", true},
          {"description", "Fail on 4xx (permanent) and 429/5xx (retryable); false returns the response"}}}}},
      {"required", {"url"}},
      {"additionalProperties", false}};
}

Json HttpStep::output_schema() {
  return {{"type", "object"},
          {"properties",
           {{"status", {{"type", "integer"}, {"description", "HTTP status code"}}},
            {"headers", {{"type", "object"}, {"description", "Response headers, names in lower case"}}},
            {"body", {{"type", "string"}, {"description", "Response body as text"}}},
            {"json", {{"description", "The body parsed, when the response is JSON; else null"}}},
            {"url", {{"type", "string"}, {"description", "The final URL after redirects"}}}}},
          {"additionalProperties", false}};
}

Json HttpStep::run(sdk::Context& ctx, const Json& input) {
  global_init();
  const std::string url = input.at("url").get<std::string>();
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    throw sdk::StepError("url must start with http:// or https://, found '" + safe_url(url) + "'");
  }
  const std::string method = input.value("method", "GET");
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) {
    throw sdk::StepError("libcurl could not start a request", true);
  }
  Transfer t;
  t.ctx = &ctx;
  t.max_bytes = input.value("max_response_bytes", size_t{10485760});

  int64_t timeout_ms = input.value("timeout_ms", int64_t{30000});
  if (auto deadline = ctx.deadline()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - std::chrono::system_clock::now());
    timeout_ms = std::max<int64_t>(1, std::min<int64_t>(timeout_ms, left.count()));
  }

  std::unique_ptr<curl_slist, SlistDeleter> headers;
  auto add_header = [&](const std::string& line) { headers.reset(curl_slist_append(headers.release(), line.c_str())); };
  std::string payload;
  if (input.contains("json")) {
    payload = input["json"].dump();
    add_header("Content-Type: application/json");
  } else if (input.contains("body")) {
    payload = input["body"].get<std::string>();
  }
  const Json request_headers = input.value("headers", Json::object());
  for (const auto& [key, value] : request_headers.items()) {
    add_header(key + ": " + value.get<std::string>());
  }

  std::string allow_problem;
  auto allow = sdk::http_guard::AllowList::parse(ctx.http_allow(), &allow_problem);
  if (!allow) {
    throw sdk::StepError(allow_problem);
  }
  // Loopback, private, metadata ... addresses only when http.allow lists them,
  // checked on every connection (redirects included) as it is opened.
  sdk::http_guard::CurlGuard guard(std::move(*allow));

  CURL* c = curl.get();
  guard.attach(c);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<int64_t>(timeout_ms, 10000)));
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, input.value("follow_redirects", true) ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "linkhub/0.1");
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  if (method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  if (!payload.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
  }
  if (headers) {
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  }
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);

  ctx.debug(method + " " + safe_url(url));
  const CURLcode rc = curl_easy_perform(c);
  const std::string target = method + " " + safe_url(url);
  if (t.cancelled) {
    throw sdk::Cancelled();
  }
  if (t.too_large) {
    throw sdk::StepError(target + ": the response is larger than max_response_bytes (" + std::to_string(t.max_bytes) +
                         ")");
  }
  if (rc != CURLE_OK && !guard.refusal().empty()) {
    throw sdk::StepError(target + ": " + guard.refusal());  // the same answer every time: no retry
  }
  if (rc != CURLE_OK) {
    const std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
    switch (rc) {
      case CURLE_OPERATION_TIMEDOUT:
        throw sdk::StepError(target + ": timed out after " + std::to_string(timeout_ms) + " ms", true);
      case CURLE_TOO_MANY_REDIRECTS:
        throw sdk::StepError(target + ": too many redirects (a redirect loop?): " + detail);
      case CURLE_UNSUPPORTED_PROTOCOL:
      case CURLE_URL_MALFORMAT:
        throw sdk::StepError(target + ": " + detail);
      default:
        // Connection refused, reset, DNS: worth another try.
        throw sdk::StepError(target + ": " + detail, true);
    }
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  char* effective = nullptr;
  curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective);

  if (input.value("fail_on_status", true) && status >= 400) {
    const bool retryable = status == 429 || status >= 500;
    std::string message = target + " answered " + std::to_string(status);
    if (auto it = t.headers.find("retry-after"); status == 429 && it != t.headers.end()) {
      message += " (retry after " + it->get<std::string>() + ")";
    }
    throw sdk::StepError(message, retryable);
  }
  Json parsed;
  const std::string content_type = t.headers.value("content-type", "");
  if (content_type.find("json") != std::string::npos && !t.body.empty()) {
    parsed = Json::parse(t.body, nullptr, false);
    if (parsed.is_discarded()) {
      parsed = nullptr;
      ctx.warn(target + ": the response says it is JSON but does not parse");
    }
  }
  // JSON text must be valid UTF-8: replace what is not.
  Json body = Json(t.body);
  std::string body_text = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return {{"status", status},
          {"headers", t.headers},
          {"body", Json::parse(body_text)},
          {"json", parsed},
          {"url", effective != nullptr ? std::string(effective) : url}};
}

}  // namespace linkhub::core
