#include "http/http_server.hpp"

#include "http/call.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

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

// SOCI's messages go on with the statement and its bound values (" while
// executing ... with :inputs=..."), which may hold a run's inputs: cut them.
std::string loggable(std::string message) {
  if (const size_t cut = message.find("while executing"); cut != std::string::npos) {
    message.resize(cut);
  }
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

// What RFC 6750 and RFC 6585 ask of 401 and 429 answers, wherever they come from.
void add_auth_headers(Reply& reply) {
  if (reply.status == 401 && reply.content_type == "application/json") {
    const std::string code = reply.body["error"].value("code", "");
    reply.headers.emplace_back("WWW-Authenticate", code == "unauthenticated" || code == "invalid_credentials"
                                                       ? "Bearer realm=\"linkhub\""
                                                       : "Bearer realm=\"linkhub\", error=\"invalid_token\"");
  }
  if (reply.status == 429 && reply.content_type == "application/json") {
    const Json& details = reply.body["error"]["details"];
    const long long seconds = details.is_object() ? details.value("retry_after_s", 1LL) : 1LL;
    reply.headers.emplace_back("Retry-After", std::to_string(std::max(1LL, seconds)));
  }
}

void send(Poco::Net::HTTPServerResponse& response, const Reply& reply) {
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
  for (const auto& [name, value] : reply.headers) {
    response.set(name, value);
  }
  if (reply.status == 204) {
    response.setContentLength(0);
    response.send();
    return;
  }
  response.setContentType(reply.content_type);
  const std::string text = reply.content_type == "application/json"
                               ? reply.body.dump(-1, ' ', false, Json::error_handler_t::replace)
                               : reply.text;
  response.sendBuffer(text.data(), text.size());
}

class Dispatcher final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Dispatcher(Services& services) : services_(services) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    const auto started = Clock::now();
    const std::string client_id = request.get("X-Request-Id", "");
    const std::string request_id = usable_request_id(client_id) ? client_id : new_request_id();
    response.set("X-Request-Id", request_id);
    const std::string& method = request.getMethod();
    const bool cors = apply_cors(request, response);

    std::string route_label = "unmatched";
    std::string principal;
    Reply reply;
    try {
      reply = dispatch(request, response, request_id, cors, route_label, principal);
      add_auth_headers(reply);
    } catch (const std::exception& e) {
      // The message may hold internals (SQL, paths): the log gets it, the client a reference.
      services_.log.write("error", "http.exception",
                          Json{{"request_id", request_id}, {"route", route_label}, {"error", loggable(e.what())}});
      reply = Reply::error(internal_error("an unexpected error occurred; quote request id " + request_id));
      response.setKeepAlive(false);
    }
    const bool answer = !reply.streamed && !response.sent();
    // Counted before the answer leaves: a client that reads /metrics after an
    // answer always finds that request in it. (So the latency excludes the send.)
    account(route_label, method, answer ? reply.status : static_cast<int>(response.getStatus()), started, request_id,
            principal);
    if (answer) {
      try {
        send(response, reply);
      } catch (const std::exception&) {
        // The client went away before the answer; nothing left to tell it.
      }
    }
  }

 private:
  void account(const std::string& route, const std::string& method, int status, Clock::time_point started,
               const std::string& request_id, const std::string& principal) {
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    services_.metrics.http_request(route, method, status, seconds);
    Json line{{"method", method},
              {"route", route},
              {"status", status},
              {"duration_ms", std::round(seconds * 1e6) / 1e3},
              {"request_id", request_id}};
    if (!principal.empty()) {
      line["principal"] = principal;  // "key:<id>" or "user:<name>": never a secret
    }
    services_.log.info("http.request", line);
  }

  // An answer before the handler: what is left of the body is read (or the
  // connection closes) so the next request on it is not garbled.
  static Reply refuse(Call& call, const ApiError& error, Poco::Net::HTTPServerResponse& response) {
    if (!call.finish_body()) {
      response.setKeepAlive(false);
    }
    return Reply::error(error);
  }

  Reply dispatch(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                 const std::string& request_id, bool cors, std::string& route_label, std::string& principal_label) {
    const auto target = parse_target(request.getURI());
    if (!target) {
      response.setKeepAlive(false);
      return Reply::error(bad_request("bad_target", "the request target is not a valid path and query"));
    }
    RouteMatch match = services_.router.match(request.getMethod(), target->segments);
    if (!match.pattern.empty()) {
      route_label = match.pattern;
    }
    if (match.route == nullptr) {
      if (has_body(request) && !drain(request.stream(), services_.limits.max_body_bytes)) {
        response.setKeepAlive(false);
      }
      if (match.allowed.empty()) {
        const std::string& uri = request.getURI();
        const std::string path = uri.substr(0, std::min<size_t>(uri.find('?'), 200));
        return Reply::error(not_found("unknown_route", "there is no route " + request.getMethod() + " " + path,
                                      Json{{"see", "/api/v1/openapi.json"}}));
      }
      if (request.getMethod() == "OPTIONS") {
        return preflight(match, cors);
      }
      Reply reply =
          Reply::error(ApiError{405, "method_not_allowed",
                                request.getMethod() + " is not allowed here; this path takes " + join(match.allowed),
                                Json{{"allowed", match.allowed}}});
      reply.headers.emplace_back("Allow", join(match.allowed));
      return reply;
    }
    Call call(services_, *match.route, *target, std::move(match.params), request, response, request_id);
    // wip/parse (issue 10): query parameters the route does not declare, or repeated ones, are a 400.
    if (auto bad_query = check_query(*match.route, *target)) {
      return refuse(call, *bad_query, response);
    }
    // Authentication, the rate limit and the route's role, in that order, for every route that is not public.
    std::optional<Principal> principal;
    if (match.route->role != Role::Public) {
      const std::string address = request.clientAddress().host().toString();
      auto who = services_.auth.authenticate(request.get("Authorization", ""), request.get("X-API-Key", ""), address);
      if (!who) {
        return refuse(call, who.error(), response);
      }
      principal = std::move(*who);
      principal_label = principal->label();
      if (auto limited = services_.auth.limit(*principal, address)) {
        return refuse(call, *limited, response);
      }
      if (static_cast<int>(principal->role) < static_cast<int>(match.route->role)) {
        const std::string needed(to_string(match.route->role));
        const std::string has(to_string(principal->role));
        return refuse(call,
                      ApiError{403, "forbidden",
                               request.getMethod() + " " + match.route->pattern + " needs the " + needed +
                                   " role or above; this " + (principal->kind == "key" ? "API key" : "user") +
                                   " has " + has,
                               Json{{"required_role", needed}, {"role", has}}},
                      response);
      }
      call.principal = &*principal;
    }
    Reply reply = match.route->handler(call);
    if (!reply.streamed && !call.finish_body()) {
      response.setKeepAlive(false);  // the unread bytes would be taken for the next request
    }
    return reply;
  }

  // CORS for the configured console origin only; other origins get no CORS headers.
  bool apply_cors(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const std::string& allowed = services_.limits.cors_origin;
    if (allowed.empty() || request.get("Origin", "") != allowed) {
      return false;
    }
    response.set("Access-Control-Allow-Origin", allowed);
    response.set("Vary", "Origin");
    response.set("Access-Control-Expose-Headers", "X-Request-Id, Location, Retry-After, WWW-Authenticate");
    return true;
  }

  static Reply preflight(const RouteMatch& match, bool cors) {
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

  Services& services_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(Services& services) : services_(services) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Dispatcher(services_);
  }

 private:
  Services& services_;
};

}  // namespace

struct HttpServer::Impl {
  Services& services;
  HttpServerOptions options;
  Poco::ThreadPool pool;
  Poco::Net::ServerSocket socket;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  bool stopped = false;

  Impl(Services& s, HttpServerOptions o)
      : services(s), options(std::move(o)), pool("http", 2, std::max(2, options.max_threads), 60) {}
};

HttpServer::HttpServer(Services& services, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(services, std::move(options))) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start() {
  impl_->socket.bind(Poco::Net::SocketAddress(impl_->options.host, impl_->options.port), true);
  impl_->socket.listen(256);
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(std::max(2, impl_->options.max_threads));
  params->setMaxQueued(256);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(10, 0));
  params->setTimeout(Poco::Timespan(30, 0));  // a client that stalls mid-request or mid-stream is dropped
  params->setServerName("linkhub");
  impl_->server =
      std::make_unique<Poco::Net::HTTPServer>(new Factory(impl_->services), impl_->pool, impl_->socket, params);
  impl_->server->start();
}

uint16_t HttpServer::port() const {
  return impl_->socket.address().port();
}

void HttpServer::stop() {
  if (!impl_->server || impl_->stopped) {
    return;
  }
  impl_->stopped = true;
  impl_->server->stopAll(false);
  impl_->pool.joinAll();
}

}  // namespace linkhub::http
