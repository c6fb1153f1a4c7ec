#pragma once
// The HTTP front: Poco's HTTPServer on a thread pool, and the dispatcher every
// request goes through: request id, CORS, routing (404/405), the handler,
// JSON errors for anything unexpected, metrics and the access log.

#include "http/services.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace linkhub::http {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: an ephemeral port (see port())
  int max_threads = 64;  // connections served at once (keep-alive and SSE each hold one)
};

class HttpServer {
 public:
  HttpServer(Services& services, HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting. Throws Poco::Exception when the address cannot be bound.
  void start();
  uint16_t port() const;
  // Stops accepting, lets each connection finish the request it is answering,
  // closes idle keep-alive connections, and waits for the handler threads.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linkhub::http
