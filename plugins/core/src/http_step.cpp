#include "http_step.hpp"

#include <linkhub/http_client.hpp>

namespace linkhub::core {

using sdk::Json;

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
  sdk::http::Request request;
  request.url = input.at("url").get<std::string>();
  request.method = input.value("method", "GET");
  request.follow_redirects = input.value("follow_redirects", true);
  request.max_redirects = 10;
  request.user_agent = "linkhub-core/1.1";
  if (input.contains("json")) {
    request.body = input["json"].dump();
    request.headers.push_back("Content-Type: application/json");
  } else if (input.contains("body")) {
    request.body = input["body"].get<std::string>();
  }
  const Json headers = input.value("headers", Json::object());
  for (const auto& [key, value] : headers.items()) {
    request.headers.push_back(key + ": " + value.get<std::string>());
  }
  const sdk::http::Client http(ctx, "", std::chrono::milliseconds(input.value("timeout_ms", int64_t{30000})),
                               input.value("max_response_bytes", size_t{10485760}));
  const sdk::http::Response response = http.send(request);
  const std::string target = http.describe(request.method, request.url);
  if (input.value("fail_on_status", true)) {
    http.fail_on_status(response, target);
  }
  Json parsed;
  const auto content_type = response.headers.find("content-type");
  if (content_type != response.headers.end() && content_type->second.find("json") != std::string::npos &&
      !response.body.empty()) {
    parsed = Json::parse(response.body, nullptr, false);
    if (parsed.is_discarded()) {
      parsed = nullptr;
      ctx.warn(target + ": the response says it is JSON but does not parse");
    }
  }
  // JSON text must be valid UTF-8: replace what is not.
  const std::string body_text = Json(response.body).dump(-1, ' ', false, Json::error_handler_t::replace);
  return {{"status", response.status},
          {"headers", Json(response.headers)},
          {"body", Json::parse(body_text)},
          {"json", parsed},
          {"url", response.url.empty() ? request.url : response.url}};
}

}  // namespace linkhub::core
