#pragma once
// The HTTP front: Boost.Beast on Asio. A few I/O threads accept, read and
// write every connection asynchronously, so an idle or slow client holds a
// socket, never a thread; a request read in full goes to a bounded pool of
// worker threads, where the dispatcher runs it (request id, CORS, routing,
// auth, the handler, JSON errors, metrics, the access log). Event streams
// are fed by the run watch and timers, not by a thread each.

#include "http/services.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace linkhub::http {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: an ephemeral port (see port())
  // A TLS listener beside the plain one, when tls is set (PEM certificate chain and key).
  bool tls = false;
  std::string tls_host = "127.0.0.1";
  uint16_t tls_port = 8443;  // 0: ephemeral (see tls_port())
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;

  int io_threads = 2;  // accept, read, write: never block
  int workers = 16;    // handlers (blocking store calls); /healthz, /readyz, /metrics have their own 2
  std::chrono::milliseconds header_timeout{
      10000};  // from a request's first byte (a new connection's accept) to its last header
  std::chrono::milliseconds body_timeout{30000};  // for the whole body, once the headers are in
  std::chrono::milliseconds idle_timeout{10000};  // a keep-alive connection waiting for its next request
  int max_requests_per_connection = 1000;
  size_t max_connections = 10000;            // past it new connections get a 503 and are closed
  size_t max_header_bytes = 16384;           // the header fields (431 past it)
  size_t max_url_bytes = 8192;               // the request target (414 past it)
  std::vector<std::string> trusted_proxies;  // addresses or CIDR ranges whose X-Forwarded-For is believed
};

class HttpServer {
 public:
  HttpServer(Services& services, HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting. Throws std::runtime_error when an address
  // cannot be bound, trusted_proxies is malformed, or the TLS files do not load.
  void start();
  uint16_t port() const;
  uint16_t tls_port() const;
  // Stops accepting, closes idle connections, lets each connection finish
  // the request it is answering (streams end with a goodbye), and waits for
  // the threads.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linkhub::http
