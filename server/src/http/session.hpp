#pragma once
// The web console's browser session: the login's access token in an
// HttpOnly, SameSite=Strict cookie (so EventSource streams, which cannot set
// headers, are authenticated too) and its refresh token in another, sent only
// to /api/v1/auth/session. Scripts never see either token.
//
// CSRF: a request authenticated by the cookie that changes something (any
// method but GET, HEAD, OPTIONS) must carry `X-Linkhub-Console: 1` (a custom
// header another site's form or script cannot send without a CORS preflight
// this server never grants it) and, when it has an Origin, one on the server's Host.
// SameSite=Strict already keeps the cookie off other sites' requests; this is
// the second lock. Requests with Authorization or X-API-Key never look at
// cookies: API clients work as before.

#include "http/api_error.hpp"
#include "http/call.hpp"
#include "http/cookies.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace linkhub::http {

inline constexpr const char* kSessionCookie = "lh_session";
inline constexpr const char* kRefreshCookie = "lh_refresh";
inline constexpr const char* kRefreshCookiePath = "/api/v1/auth/session";
inline constexpr const char* kConsoleHeader = "X-Linkhub-Console";

// Whether the method changes nothing (no CSRF check).
bool safe_method(std::string_view method);

// nullopt when the request may go on: it carries the console header and its
// Origin (when sent) names this server's Host; else 403 csrf_refused.
std::optional<ApiError> csrf_refusal(const Incoming& request);

}  // namespace linkhub::http
