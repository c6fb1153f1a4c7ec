#pragma once
// The tiktok providers speak HTTP through the SDK's client
// (linkhub/http_client.hpp): deadline-bounded timeouts, cancellation, the
// SSRF guard, proxies from the environment, the per-host circuit breakers,
// and messages without query strings or secrets.

#include <linkhub/http_client.hpp>

#include <string>

namespace linkhub::tiktok {

using HttpClient = sdk::http::Client;
using HttpRequest = sdk::http::Request;
using HttpResponse = sdk::http::Response;
using sdk::http::bounded_timeout;
using sdk::http::percent_encode;

// scheme://host/path, with any query or fragment replaced by "?..." and any
// user:password@ by "***@".
inline std::string url_without_query(const std::string& url) {
  return sdk::http_guard::loggable_url(url);
}

}  // namespace linkhub::tiktok
