#pragma once
// Meta signs every webhook delivery: X-Hub-Signature-256 is "sha256=" and the
// lower-case hex HMAC-SHA256 of the raw body with the app secret. Checked
// over the bytes received, in constant time.

#include <string>
#include <string_view>

namespace linkhub::whatsapp {

// "sha256=<hex>" for `body` signed with `app_secret`.
std::string webhook_signature(std::string_view app_secret, std::string_view body);

// Whether `header` is the signature of `body` (upper-case hex accepted; no
// prefix, another algorithm or a truncated digest is not).
bool signature_matches(std::string_view app_secret, std::string_view body, std::string_view header);

// Compares without stopping at the first difference (the time depends on the lengths only).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace linkhub::whatsapp
