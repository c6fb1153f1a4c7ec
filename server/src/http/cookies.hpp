#pragma once
// The console's cookies as text, with no HTTP library involved (fuzzed by
// tests/fuzz/serve_cookie_fuzz.cpp): reading one from a Cookie header, and
// writing a Set-Cookie value. The session itself is in session.hpp.

#include <chrono>
#include <string>
#include <string_view>

namespace linkhub::http {

// The value of cookie `name` in a Cookie header; empty when absent.
std::string cookie_value(std::string_view cookie_header, std::string_view name);

// A Set-Cookie value: HttpOnly, SameSite=Strict, Secure over TLS; an empty
// value with max_age 0 deletes the cookie.
std::string set_cookie(std::string_view name, std::string_view value, std::string_view path,
                       std::chrono::seconds max_age, bool secure);

}  // namespace linkhub::http
