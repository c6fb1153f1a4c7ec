#pragma once
// The Cloud API's error answers ({"error": {code, message, error_data,
// fbtrace_id, ...}}) turned into step errors a workflow can act on: the
// code, the API's message and details and the fbtrace_id (what Meta's
// support asks for) in the message and the details; retryable or not by
// what the code means (docs: README "Errors"). Pure: the caller redacts.

#include <linkhub/http_client.hpp>
#include <linkhub/plugin.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace linkhub::whatsapp {

// What Meta's documentation says of the codes that need more than their HTTP status.
namespace cloud_codes {
inline constexpr int kInvalidParameter = 100;
inline constexpr int kAccessToken = 190;
inline constexpr int kTooManyCalls = 4;
inline constexpr int kServiceUnavailable = 2;
inline constexpr int kBusinessRateLimit = 80007;
inline constexpr int kThroughput = 130429;
inline constexpr int kSomethingWrong = 131000;
inline constexpr int kUndeliverable = 131026;
inline constexpr int kOutsideWindow = 131047;
inline constexpr int kSpamRateLimit = 131048;
inline constexpr int kUnsupportedType = 131051;
inline constexpr int kPairRate = 131056;
}  // namespace cloud_codes

// The wait a rate-limit code asks for when the answer has no Retry-After:
// one message every 6 s to the same user (pair rate), a second for the
// number's throughput, a minute for the account's call limits.
std::chrono::milliseconds default_retry_after(int cloud_code);

// The step error for an answer with `status` >= 400 (or a 200 whose body is
// an error). `retry_after` is the answer's Retry-After, when it had one.
sdk::StepError cloud_error(long status, const std::string& body, std::optional<std::chrono::milliseconds> retry_after);

// Throws cloud_error for `response`, its message and details masked by
// `http` (the API's own words may echo what it was sent).
[[noreturn]] void fail_with_cloud_error(const sdk::http::Client& http, const sdk::http::Response& response);

}  // namespace linkhub::whatsapp
