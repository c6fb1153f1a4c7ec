#pragma once
// The whatsapp plugin's error vocabulary in one place: the code it adds to
// sdk::errors and the `details.reason` values a workflow can branch on
// (README "Errors").

#include <linkhub/plugin.hpp>

namespace linkhub::whatsapp {

// The contact asked to receive nothing (an opt-out word): permanent.
inline constexpr sdk::ErrorCode kOptedOut{"opted_out"};

namespace reasons {
inline constexpr const char* kOptedOut = "opted_out";
inline constexpr const char* kOutsideWindow = "outside_24h_window";
inline constexpr const char* kRecipientPace = "recipient_pace";
inline constexpr const char* kNumberRate = "number_rate";
inline constexpr const char* kRateLimited = "rate_limited";
inline constexpr const char* kUndeliverable = "undeliverable";
inline constexpr const char* kUnsupportedType = "unsupported_type";
inline constexpr const char* kInvalidParameter = "invalid_parameter";
inline constexpr const char* kAccessToken = "access_token";
inline constexpr const char* kServiceUnavailable = "service_unavailable";
inline constexpr const char* kForbidden = "forbidden";
inline constexpr const char* kRefused = "refused";
inline constexpr const char* kKeyReused = "idempotency_key_reused";
inline constexpr const char* kMissingSignature = "missing_signature";
inline constexpr const char* kBadSignature = "bad_signature";
}  // namespace reasons

}  // namespace linkhub::whatsapp
