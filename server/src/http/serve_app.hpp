#pragma once
// `linkhub serve` assembled: the workflows registered at start, a Node that
// executes runs (unless worker is off), and the HTTP server over them. The
// command (cli_serve.cpp) and the tests build one of these the same way.

#include "http/auth.hpp"
#include "http/http_server.hpp"
#include "http/log.hpp"
#include "http/services.hpp"

#include <linkhub/engine/node.hpp>
#include <linkhub/engine/plugin_host.hpp>
#include <linkhub/engine/result.hpp>
#include <linkhub/engine/sql_store.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace linkhub::http {

struct ServeOptions {
  HttpServerOptions http;
  std::vector<std::filesystem::path> workflow_dirs;
  bool worker = true;  // false: only queue runs, for `linkhub worker` nodes to execute
  ServeLimits limits;
  MediaSettings media;
  std::filesystem::path ui_dir;  // the web console's built files, served at /; empty: no console
  AuthOptions auth;
  RateLimitOptions rate_limit;
  NodeOptions node;
  ExecutorOptions executor;  // its on_event is kept, and called after the server's own
  LogSink log = stderr_sink();
};

// "127.0.0.1:8080", "[::1]:8080", ":8080" (all interfaces) into host and port.
Result<std::pair<std::string, uint16_t>> parse_listen(const std::string& text);

class ServeApp {
 public:
  ServeApp(const PluginHost& host, SqlStore& store, ServeOptions options);
  ~ServeApp();
  ServeApp(const ServeApp&) = delete;
  ServeApp& operator=(const ServeApp&) = delete;

  // Registers the workflows (invalid ones are logged and skipped), starts the
  // node and then the HTTP server. An address that cannot be bound is an error.
  Result<uint16_t> start();
  uint16_t port() const;
  uint16_t tls_port() const;  // 0 without a TLS listener
  // Graceful and idempotent: readyz turns 503, streams and waits end, the
  // server stops accepting and answers what it is answering, then the node
  // stops (its runs in flight finish).
  void stop();

  const Router& router() const;
  // Available once started.
  Auth& auth();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linkhub::http
