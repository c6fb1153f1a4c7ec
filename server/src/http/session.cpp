#include "http/session.hpp"

namespace linkhub::http {

bool safe_method(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

std::optional<ApiError> csrf_refusal(const Incoming& request) {
  if (request.header(kConsoleHeader) != "1") {
    return ApiError{403, "csrf_refused",
                    std::string("a request signed in by the console's cookie that changes something must carry the ") +
                        kConsoleHeader + ": 1 header",
                    Json{{"header", kConsoleHeader}}};
  }
  // The Origin's host must be this server's Host. Either scheme: behind a
  // TLS-terminating proxy the browser says https while the server sees http.
  const std::string origin = request.header("Origin");
  const std::string host = request.header("Host");
  const bool own = origin == "http://" + host || origin == "https://" + host;
  if (!origin.empty() && !own) {
    return ApiError{403, "csrf_refused",
                    "a request signed in by the console's cookie must come from the console's own host " +
                        host.substr(0, 200) + ", not " + origin.substr(0, 200),
                    Json{{"origin", origin.substr(0, 200)}}};
  }
  return std::nullopt;
}

}  // namespace linkhub::http
