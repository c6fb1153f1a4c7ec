#include "http/session.hpp"

namespace linkhub::http {

std::string cookie_value(std::string_view header, std::string_view name) {
  size_t from = 0;
  while (from < header.size()) {
    const size_t end = std::min(header.find(';', from), header.size());
    std::string_view pair = header.substr(from, end - from);
    while (!pair.empty() && pair.front() == ' ') {
      pair.remove_prefix(1);
    }
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return std::string(pair.substr(eq + 1));
    }
    from = end + 1;
  }
  return "";
}

std::string set_cookie(std::string_view name, std::string_view value, std::string_view path,
                       std::chrono::seconds max_age, bool secure) {
  std::string out = std::string(name) + "=" + std::string(value) + "; Path=" + std::string(path) +
                    "; Max-Age=" + std::to_string(max_age.count()) + "; HttpOnly; SameSite=Strict";
  if (secure) {
    out += "; Secure";
  }
  return out;
}

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
