#pragma once
// Webhook triggers (POST /api/v1/hooks/{workflow}) as plain functions, with
// no HTTP library involved: the handler, the unit tests and the fuzz target
// (tests/fuzz/serve_hook_fuzz.cpp) call these. A request is signed by its
// sender with the workflow's secret:
//   X-Linkhub-Timestamp: <unix seconds>
//   X-Linkhub-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
// Errors never repeat a header's value: a signature is a credential.

#include "http/api_error.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace linkhub::http {

inline constexpr std::string_view kTimestampHeader = "X-Linkhub-Timestamp";
inline constexpr std::string_view kSignatureHeader = "X-Linkhub-Signature";

// `triggers: - webhook: {secret: NAME, input: payload, tolerance: 5m}`.
struct WebhookTrigger {
  std::string secret;  // the NAME of a secret in the configuration, never its value
  std::string input;   // empty: the body's fields are the inputs; else the whole body goes into this input
  std::chrono::seconds tolerance{300};  // how far the timestamp may be from now, either way
};

// The first webhook trigger of a workflow's `triggers`; nullopt when it has
// none or it is malformed (the validator reports those).
std::optional<WebhookTrigger> webhook_trigger(const Json& triggers);

// X-Linkhub-Timestamp: decimal unix seconds (401 missing_timestamp, malformed_timestamp).
ApiResult<int64_t> parse_webhook_timestamp(std::string_view header);
// X-Linkhub-Signature: "sha256=" and 64 hex digits; returns the digits in
// lower case (401 missing_signature, malformed_signature).
ApiResult<std::string> parse_webhook_signature(std::string_view header);
// 401 stale_timestamp when `timestamp` is more than `tolerance` away from `now_s`, in the past or the future.
std::optional<ApiError> check_webhook_timestamp(int64_t timestamp, int64_t now_s, std::chrono::seconds tolerance);

// Lower-case hex of HMAC-SHA256(secret, "<timestamp>.<body>").
std::string webhook_signature(std::string_view secret, std::string_view timestamp, std::string_view body);
// Equal strings, in time that depends on their length only.
bool constant_time_equal(std::string_view a, std::string_view b);

// Both headers parsed, the timestamp in its window, the signature right.
// Returns the (lower-case hex) signature, from which a replay is recognised.
ApiResult<std::string> verify_webhook(std::string_view secret, std::string_view timestamp_header,
                                      std::string_view signature_header, std::string_view body, int64_t now_s,
                                      std::chrono::seconds tolerance);

// The run's inputs from the body: a JSON object's fields, or with `input`
// the whole JSON document as that one input (400 malformed_json, not_an_object).
ApiResult<Json> webhook_inputs(std::string_view body, const std::string& input);

// The run's idempotency key for a signed request: a replay maps to the run
// the first delivery made. Derived by hashing, so the signature is stored nowhere.
std::string webhook_idempotency_key(std::string_view workflow, std::string_view signature);

}  // namespace linkhub::http
