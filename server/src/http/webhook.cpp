#include "http/webhook.hpp"

#include "http/body.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>

#include <linkhub/engine/duration.hpp>

#include <algorithm>
#include <cctype>

namespace linkhub::http {
namespace {

// Poco 1.11's SHA2Engine lacks the sizes HMACEngine asks its engine for.
class Sha256 : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

ApiError unauthorized(std::string code, std::string message) {
  return ApiError{401, std::move(code), std::move(message),
                  Json{{"headers", {std::string(kTimestampHeader), std::string(kSignatureHeader)}},
                       {"see", "docs/api.md#webhooks"}}};
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

}  // namespace

std::optional<WebhookTrigger> webhook_trigger(const Json& triggers) {
  if (!triggers.is_array()) {
    return std::nullopt;
  }
  for (const Json& t : triggers) {
    if (!t.is_object() || !t.contains("webhook")) {
      continue;
    }
    const Json& w = t["webhook"];
    if (!w.is_object() || !w.contains("secret") || !w["secret"].is_string() || w["secret"].get<std::string>().empty()) {
      return std::nullopt;
    }
    WebhookTrigger out;
    out.secret = w["secret"].get<std::string>();
    if (w.contains("input")) {
      if (!w["input"].is_string()) {
        return std::nullopt;
      }
      out.input = w["input"].get<std::string>();
    }
    if (w.contains("tolerance")) {
      const auto d = w["tolerance"].is_string() ? parse_duration(w["tolerance"].get<std::string>()) : std::nullopt;
      if (!d || *d < std::chrono::seconds(1)) {
        return std::nullopt;
      }
      out.tolerance = std::chrono::duration_cast<std::chrono::seconds>(*d);
    }
    return out;
  }
  return std::nullopt;
}

ApiResult<int64_t> parse_webhook_timestamp(std::string_view header) {
  const std::string text = trimmed(header);
  if (text.empty()) {
    return unauthorized("missing_timestamp", "the X-Linkhub-Timestamp header (unix seconds) is missing");
  }
  // 12 digits reach the year 33658: anything longer is not a timestamp (and would overflow).
  if (text.size() > 12 || !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return unauthorized("malformed_timestamp", "X-Linkhub-Timestamp: expected unix seconds (digits only)");
  }
  return static_cast<int64_t>(std::stoll(text));
}

ApiResult<std::string> parse_webhook_signature(std::string_view header) {
  std::string text = trimmed(header);
  if (text.empty()) {
    return unauthorized("missing_signature", "the X-Linkhub-Signature header is missing");
  }
  constexpr std::string_view kPrefix = "sha256=";
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  if (text.size() != kPrefix.size() + 64 || text.compare(0, kPrefix.size(), kPrefix) != 0 ||
      !std::all_of(text.begin() + kPrefix.size(), text.end(), [](unsigned char c) { return std::isxdigit(c); })) {
    return unauthorized("malformed_signature", "X-Linkhub-Signature: expected sha256= and 64 hex digits");
  }
  return text.substr(kPrefix.size());
}

std::optional<ApiError> check_webhook_timestamp(int64_t timestamp, int64_t now_s, std::chrono::seconds tolerance) {
  const int64_t skew = timestamp > now_s ? timestamp - now_s : now_s - timestamp;
  if (skew > tolerance.count()) {
    ApiError error = unauthorized("stale_timestamp", "X-Linkhub-Timestamp is " + std::to_string(skew) + " s " +
                                                         (timestamp > now_s ? "ahead of" : "behind") +
                                                         " the server's clock; at most " +
                                                         std::to_string(tolerance.count()) + " s are accepted");
    error.details["tolerance_s"] = tolerance.count();
    return error;
  }
  return std::nullopt;
}

std::string webhook_signature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  Poco::HMACEngine<Sha256> hmac(secret.data(), secret.size());
  hmac.update(timestamp.data(), timestamp.size());
  hmac.update('.');
  hmac.update(body.data(), body.size());
  return Poco::DigestEngine::digestToHex(hmac.digest());
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  volatile unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = diff | static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

ApiResult<std::string> verify_webhook(std::string_view secret, std::string_view timestamp_header,
                                      std::string_view signature_header, std::string_view body, int64_t now_s,
                                      std::chrono::seconds tolerance) {
  auto timestamp = parse_webhook_timestamp(timestamp_header);
  if (!timestamp) {
    return timestamp.error();
  }
  auto signature = parse_webhook_signature(signature_header);
  if (!signature) {
    return signature.error();
  }
  if (auto stale = check_webhook_timestamp(*timestamp, now_s, tolerance)) {
    return *stale;
  }
  const std::string expected = webhook_signature(secret, trimmed(timestamp_header), body);
  if (!constant_time_equal(expected, *signature)) {
    return unauthorized("bad_signature",
                        "X-Linkhub-Signature does not match the body and timestamp signed with this workflow's secret");
  }
  return *signature;
}

ApiResult<Json> webhook_inputs(std::string_view body, const std::string& input) {
  if (input.empty()) {
    auto object = parse_json_object(body);
    if (!object) {
      return object.error();
    }
    return *object;
  }
  auto document = parse_json(body);
  if (!document) {
    return document.error();
  }
  return Json{{input, std::move(*document)}};
}

std::string webhook_idempotency_key(std::string_view workflow, std::string_view signature) {
  Sha256 sha;
  sha.update(signature.data(), signature.size());
  return "webhook:" + std::string(workflow) + ":" + Poco::DigestEngine::digestToHex(sha.digest()).substr(0, 32);
}

}  // namespace linkhub::http
