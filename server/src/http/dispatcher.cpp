#include "http/dispatcher.hpp"

#include "http/session.hpp"
#include "http/static_files.hpp"

#include <linkhub/engine/database.hpp>
#include <linkhub/engine/store_error.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <random>

namespace linkhub::http {
namespace {

using Clock = std::chrono::steady_clock;

// A client's X-Request-Id is echoed only when it is short and plain, so it
// cannot smuggle anything into headers or log lines.
bool usable_request_id(const std::string& id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
  });
}

std::string new_request_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(random()),
                static_cast<unsigned long long>(random()));
  return buf;
}

// Without a database error's statement and bound values (loggable_error_message), bounded.
std::string loggable(const std::exception& e) {
  std::string message = loggable_error_message(e);
  if (message.size() > 500) {
    message.resize(500);
  }
  while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) {
    message.pop_back();
  }
  return message;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    out += (out.empty() ? "" : ", ") + item;
  }
  return out;
}

// What RFC 6750 and RFC 6585 ask of 401 and 429 answers, wherever they come
// from, and a Retry-After on every 503 (details.retry_after_s, else 1 s).
void add_auth_headers(Reply& reply) {
  if (reply.status == 401 && reply.content_type == "application/json") {
    const std::string code = reply.body["error"].value("code", "");
    reply.headers.emplace_back("WWW-Authenticate", code == "unauthenticated" || code == "invalid_credentials"
                                                       ? "Bearer realm=\"linkhub\""
                                                       : "Bearer realm=\"linkhub\", error=\"invalid_token\"");
  }
  const bool has_retry_after = std::any_of(reply.headers.begin(), reply.headers.end(),
                                           [](const auto& header) { return header.first == "Retry-After"; });
  if ((reply.status == 429 || reply.status == 503) && !has_retry_after && reply.content_type == "application/json") {
    const Json& details = reply.body["error"]["details"];
    const long long seconds = details.is_object() ? details.value("retry_after_s", 1LL) : 1LL;
    reply.headers.emplace_back("Retry-After", std::to_string(std::max(1LL, seconds)));
  }
}

Reply preflight(const RouteMatch& match, bool cors) {
  Reply reply;
  reply.status = 204;
  std::vector<std::string> methods = match.allowed;
  methods.push_back("OPTIONS");
  reply.headers.emplace_back("Allow", join(methods));
  if (cors) {
    reply.headers.emplace_back("Access-Control-Allow-Methods", join(methods));
    reply.headers.emplace_back("Access-Control-Allow-Headers",
                               "Content-Type, Idempotency-Key, X-Request-Id, Last-Event-ID, Authorization, X-API-Key");
    reply.headers.emplace_back("Access-Control-Max-Age", "600");
  }
  return reply;
}

}  // namespace

Reply Dispatcher::handle(const Incoming& request) {
  const auto started = Clock::now();
  const std::string client_id = request.header("X-Request-Id");
  const std::string request_id = usable_request_id(client_id) ? client_id : new_request_id();
  // CORS for the configured console origin only; other origins get no CORS headers.
  const std::string& origin = services_.limits.cors_origin;
  const bool cors = !origin.empty() && request.header("Origin") == origin;

  std::string route_label = "unmatched";
  std::string principal;
  Reply reply;
  try {
    reply = dispatch(request, request_id, cors, route_label, principal);
    add_auth_headers(reply);
  } catch (const std::exception& e) {
    reply = failure_reply(e, request_id, route_label);
  }
  reply.headers.emplace_back("X-Request-Id", request_id);
  if (cors) {
    reply.headers.emplace_back("Access-Control-Allow-Origin", origin);
    reply.headers.emplace_back("Vary", "Origin");
    reply.headers.emplace_back("Access-Control-Expose-Headers",
                               "X-Request-Id, Location, Retry-After, WWW-Authenticate, Idempotent-Replayed");
  }
  // Counted before the answer leaves: a client that reads /metrics after an
  // answer always finds that request in it. (So the latency excludes the send.)
  account(route_label, request.method, reply.status, std::chrono::duration<double>(Clock::now() - started).count(),
          request_id, principal, request.client);
  return reply;
}

ApiError Dispatcher::failure_error(const std::exception& e, const std::string& request_id, const std::string& route) {
  if (database_unavailable(e)) {
    // An outage is expected: a warning, and the client is told to come back.
    services_.log.write("warn", "http.database_unreachable",
                        Json{{"request_id", request_id}, {"route", route}, {"error", loggable(e)}});
    return database_unreachable(services_.store.database().retry_in());
  }
  // The message may hold internals (SQL, paths): the log gets it, the client a reference.
  services_.log.write("error", "http.exception",
                      Json{{"request_id", request_id}, {"route", route}, {"error", loggable(e)}});
  return internal_error("an unexpected error occurred; quote request id " + request_id);
}

Reply Dispatcher::failure_reply(const std::exception& e, const std::string& request_id, const std::string& route) {
  Reply reply = Reply::error(failure_error(e, request_id, route));
  add_auth_headers(reply);
  reply.close = reply.status == 500;
  return reply;
}

Reply Dispatcher::reject(const ApiError& error, const std::string& method, const std::string& client) {
  const std::string request_id = new_request_id();
  Reply reply = Reply::error(error);
  reply.close = true;
  reply.headers.emplace_back("X-Request-Id", request_id);
  if (error.status == 503) {
    reply.headers.emplace_back("Retry-After", "1");
  }
  account("unread", method.empty() ? "-" : method, reply.status, 0, request_id, "", client);
  return reply;
}

void Dispatcher::account(const std::string& route, const std::string& method, int status, double seconds,
                         const std::string& request_id, const std::string& principal, const std::string& client) {
  services_.metrics.http_request(route, method, status, seconds);
  Json line{{"method", method},         {"route", route},
            {"status", status},         {"duration_ms", std::round(seconds * 1e6) / 1e3},
            {"request_id", request_id}, {"client", client}};
  if (!principal.empty()) {
    line["principal"] = principal;  // "key:<id>" or "user:<name>": never a secret
  }
  services_.log.info("http.request", line);
}

Reply Dispatcher::dispatch(const Incoming& request, const std::string& request_id, bool cors, std::string& route_label,
                           std::string& principal_label) {
  const auto target = parse_target(request.target);
  if (!target) {
    Reply reply = Reply::error(bad_request("bad_target", "the request target is not a valid path and query"));
    reply.close = true;
    return reply;
  }
  // Which credential counts must never depend on which copy a proxy or a parser picks.
  for (const char* name : {"Authorization", "X-API-Key"}) {
    if (request.count(name) > 1) {
      return Reply::error(
          bad_request("ambiguous_credentials",
                      std::string("the request has more than one ") + name + " header; send exactly one credential",
                      Json{{"header", name}}));
    }
  }
  // HEAD is GET without the body (RFC 9110, 9.3.2): the server sends the headers alone.
  RouteMatch match = services_.router.match(request.method == "HEAD" ? "GET" : request.method, target->segments);
  if (!match.pattern.empty()) {
    route_label = match.pattern;
  }
  if (match.route == nullptr) {
    if (match.allowed.empty()) {
      if ((request.method == "GET" || request.method == "HEAD") && services_.console &&
          console_path(target->segments)) {
        if (auto file = services_.console->serve(target->segments, request.header("Accept-Encoding"))) {
          route_label = "console";
          return std::move(*file);
        }
        if (!services_.console->installed()) {
          return Reply::error(not_found("console_not_installed",
                                        "the web console is not built into serve.ui_dir: run scripts/build.sh, or "
                                        "point serve.ui_dir at ui/'s build"));
        }
      }
      const std::string& uri = request.target;
      const std::string path = uri.substr(0, std::min<size_t>(uri.find('?'), 200));
      return Reply::error(not_found("unknown_route", "there is no route " + request.method + " " + path,
                                    Json{{"see", "/api/v1/openapi.json"}}));
    }
    if (request.method == "OPTIONS") {
      return preflight(match, cors);
    }
    Reply reply = Reply::error(ApiError{405, "method_not_allowed",
                                        request.method + " is not allowed here; this path takes " + join(match.allowed),
                                        Json{{"allowed", match.allowed}}});
    reply.headers.emplace_back("Allow", join(match.allowed));
    return reply;
  }
  Call call(services_, *match.route, *target, std::move(match.params), request, request_id);
  // Query parameters the route does not declare, or repeated ones, are refused on every route.
  if (auto bad_query = check_query(*match.route, *target)) {
    return Reply::error(*bad_query);
  }
  std::optional<Principal> principal;
  if (request.upload && request.upload->principal) {
    principal = request.upload->principal;  // admitted before its body was read: counted once
  } else {
    auto who = authorize(request, *match.route);
    if (!who) {
      return Reply::error(who.error());
    }
    principal = std::move(*who);
  }
  if (principal) {
    principal_label = principal->label();
    call.principal = &*principal;
  }
  return match.route->handler(call);
}

ApiResult<std::optional<Principal>> Dispatcher::authorize(const Incoming& request, const Route& route) {
  // Authentication, the rate limit and the route's role, in that order, for every route that is not public.
  if (route.limit_by_address) {
    if (auto limited = services_.auth.limit_address(request.client)) {
      return *limited;
    }
  }
  if (route.role == Role::Public) {
    return std::optional<Principal>();
  }
  const std::string& address = request.client;
  std::string authorization = request.header("Authorization");
  const std::string api_key = request.header("X-API-Key");
  if (authorization.empty() && api_key.empty()) {
    // The console's cookie session (session.hpp): its access token, with the CSRF check for changes.
    const std::string session = cookie_value(request.header("Cookie"), kSessionCookie);
    if (!session.empty()) {
      if (!safe_method(request.method)) {
        if (auto refused = csrf_refusal(request)) {
          return *refused;
        }
      }
      authorization = "Bearer " + session;
    }
  }
  auto who = services_.auth.authenticate(authorization, api_key, address);
  if (!who) {
    return who.error();
  }
  if (auto limited = services_.auth.limit(*who, address)) {
    return *limited;
  }
  if (static_cast<int>(who->role) < static_cast<int>(route.role)) {
    const std::string needed(to_string(route.role));
    const std::string has(to_string(who->role));
    return ApiError{403, "forbidden",
                    request.method + " " + route.pattern + " needs the " + needed + " role or above; this " +
                        (who->kind == "key" ? "API key" : "user") + " has " + has,
                    Json{{"required_role", needed}, {"role", has}}};
  }
  return std::optional<Principal>(std::move(*who));
}

bool Dispatcher::wants_file_body(const Incoming& request) const {
  const auto target = parse_target(request.target);
  if (!target) {
    return false;
  }
  const RouteMatch match = services_.router.match(request.method, target->segments);
  return match.route != nullptr && match.route->body_to_file;
}

std::optional<ApiError> Dispatcher::admit_upload(Incoming& request, const Route& route) {
  auto who = authorize(request, route);
  if (!who) {
    return who.error();
  }
  if (route.ready != nullptr) {
    if (auto not_ready = route.ready(services_)) {
      return not_ready;
    }
  }
  const std::string holder = *who ? (*who)->label() : "address:" + request.client;
  auto taken = services_.uploads.acquire(holder);
  if (taken.full != Slots::Full::No) {
    const bool total = taken.full == Slots::Full::Total;
    const size_t limit = total ? services_.uploads.total() : services_.uploads.per_principal();
    return ApiError{503, total ? "too_many_uploads" : "too_many_uploads_for_principal",
                    std::string(total ? "the server is receiving the most uploads at once"
                                      : "this API key or user is sending the most uploads at once") +
                        " (" + std::to_string(limit) + ", serve." +
                        (total ? "max_uploads" : "max_uploads_per_principal") + "); retry when one finishes",
                    Json{{"limit", limit}, {"retry_after_s", 1}}};
  }
  auto upload = std::make_shared<UploadBody>();
  upload->principal = std::move(*who);
  upload->slot = std::move(taken.slot);
  upload->limit_bytes = services_.limits.max_upload_bytes;
  request.upload = std::move(upload);
  return std::nullopt;
}

std::optional<Reply> Dispatcher::admit(Incoming& request) {
  const auto started = Clock::now();
  const std::string client_id = request.header("X-Request-Id");
  const std::string request_id = usable_request_id(client_id) ? client_id : new_request_id();
  const auto target = parse_target(request.target);
  RouteMatch match = target ? services_.router.match(request.method, target->segments) : RouteMatch{};
  if (match.route == nullptr) {
    return std::nullopt;  // the handler's path answers it (404, 405)
  }
  std::optional<ApiError> refusal;
  try {
    refusal = check_query(*match.route, *target);
    if (!refusal) {
      refusal = admit_upload(request, *match.route);
    }
  } catch (const std::exception& e) {
    refusal = failure_error(e, request_id, match.pattern);
  }
  if (!refusal) {
    return std::nullopt;
  }
  Reply reply = Reply::error(*refusal);
  add_auth_headers(reply);  // Retry-After on a 503 too
  reply.close = true;       // the body is not read
  reply.headers.emplace_back("X-Request-Id", request_id);
  const std::string& origin = services_.limits.cors_origin;
  if (!origin.empty() && request.header("Origin") == origin) {
    reply.headers.emplace_back("Access-Control-Allow-Origin", origin);
    reply.headers.emplace_back("Vary", "Origin");
  }
  account(match.pattern, request.method, reply.status, std::chrono::duration<double>(Clock::now() - started).count(),
          request_id, "", request.client);
  return reply;
}

}  // namespace linkhub::http
