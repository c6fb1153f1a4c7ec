#include "cloud_error.hpp"

#include "error_reasons.hpp"

namespace linkhub::whatsapp {

using sdk::Json;
namespace c = cloud_codes;

namespace {

struct Meaning {
  sdk::ErrorCode code = sdk::errors::invalid_input;
  bool retryable = false;
  const char* reason = reasons::kRefused;
  const char* hint = "";
};

bool is_rate_limit(int code) {
  return code == c::kThroughput || code == c::kPairRate || code == c::kBusinessRateLimit || code == c::kTooManyCalls ||
         code == c::kSpamRateLimit;
}

Meaning meaning(int code, long status, bool transient) {
  if (is_rate_limit(code)) {
    return {sdk::errors::rate_limited, true, reasons::kRateLimited, "retry after the wait it asks for"};
  }
  switch (code) {
    case c::kOutsideWindow:
      return {sdk::errors::forbidden, false, reasons::kOutsideWindow,
              "more than 24 hours since the customer last wrote: only an approved template can reopen the "
              "conversation (send `template`)"};
    case c::kUndeliverable:
      return {sdk::errors::not_found, false, reasons::kUndeliverable,
              "the number cannot receive WhatsApp messages (not on WhatsApp, or an old client)"};
    case c::kUnsupportedType:
      return {sdk::errors::invalid_input, false, reasons::kUnsupportedType, "this message type cannot be sent"};
    case c::kInvalidParameter:
      return {sdk::errors::invalid_input, false, reasons::kInvalidParameter,
              "a parameter is wrong or the recipient is not a WhatsApp number"};
    case c::kAccessToken:
      return {sdk::errors::unauthorized, false, reasons::kAccessToken,
              "the access token (secret WHATSAPP_TOKEN) has expired or is invalid: issue a new one"};
    case c::kServiceUnavailable:
    case c::kSomethingWrong:
      return {sdk::errors::unavailable, true, reasons::kServiceUnavailable, "a temporary failure at Meta"};
    default:
      break;
  }
  if (status >= 500 || transient) {
    return {sdk::errors::unavailable, true, reasons::kServiceUnavailable, "a temporary failure at Meta"};
  }
  if (status == 429) {
    return {sdk::errors::rate_limited, true, reasons::kRateLimited, "retry later"};
  }
  if (status == 401) {
    return {sdk::errors::unauthorized, false, reasons::kAccessToken, "check the secret WHATSAPP_TOKEN"};
  }
  if (status == 403) {
    return {sdk::errors::forbidden, false, reasons::kForbidden, "the token lacks a permission for this number"};
  }
  return {};
}

std::string text_of(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::chrono::milliseconds default_retry_after(int cloud_code) {
  switch (cloud_code) {
    case c::kPairRate:
      return std::chrono::seconds(6);
    case c::kThroughput:
      return std::chrono::seconds(1);
    case c::kBusinessRateLimit:
    case c::kTooManyCalls:
    case c::kSpamRateLimit:
      return std::chrono::seconds(60);
    default:
      return std::chrono::seconds(1);
  }
}

sdk::StepError cloud_error(long status, const std::string& body, std::optional<std::chrono::milliseconds> retry_after) {
  const Json parsed = Json::parse(body, nullptr, false);
  const Json error =
      parsed.is_object() && parsed.contains("error") && parsed["error"].is_object() ? parsed["error"] : Json::object();
  const int code = error.contains("code") && error["code"].is_number_integer() ? error["code"].get<int>() : 0;
  const bool transient = error.value("is_transient", false) == true;
  const Meaning m = meaning(code, status, transient);
  const std::string api_message = text_of(error, "message").substr(0, 300);
  const std::string trace = text_of(error, "fbtrace_id").substr(0, 100);
  std::string details_text;
  if (const auto data = error.find("error_data"); data != error.end() && data->is_object()) {
    details_text = text_of(*data, "details").substr(0, 300);
  }

  Json details{{"status", status}, {"reason", m.reason}};
  std::string message = "whatsapp.send: the Cloud API answered " + std::to_string(status);
  if (code != 0) {
    details["whatsapp_code"] = code;
    message += " with error " + std::to_string(code);
    if (const auto sub = error.find("error_subcode"); sub != error.end() && sub->is_number_integer()) {
      details["error_subcode"] = *sub;
    }
  } else {
    message += " without a Cloud API error object";
  }
  if (!api_message.empty()) {
    details["api_message"] = api_message;
    message += ": " + api_message;
  }
  if (!details_text.empty()) {
    details["api_details"] = details_text;
    message += " (" + details_text + ")";
  }
  if (!trace.empty()) {
    details["fbtrace_id"] = trace;
    message += "; fbtrace_id " + trace;
  }
  if (*m.hint != '\0') {
    details["hint"] = m.hint;
    message += std::string("; ") + m.hint;
  }
  if (m.retryable) {
    const auto wait = retry_after ? *retry_after : default_retry_after(code);
    details["retry_after_ms"] = wait.count();
    message += " (retry after " + std::to_string(wait.count()) + " ms)";
  }
  return sdk::StepError(m.code, message, m.retryable, std::move(details));
}

void fail_with_cloud_error(const sdk::http::Client& http, const sdk::http::Response& response) {
  const sdk::StepError e = cloud_error(response.status, response.body, response.retry_after);
  throw sdk::StepError(sdk::ErrorCode(e.code()), http.redact(e.what()), e.retryable(),
                       Json::parse(http.redact(e.details().dump()), nullptr, false));
}

}  // namespace linkhub::whatsapp
