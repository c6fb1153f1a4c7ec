#pragma once
// An HTTP server on 127.0.0.1 (ephemeral port) that answers with canned
// responses, for testing the real HTTP clients of plugins. Handlers are
// registered per path before start(); a handler can block until the test
// calls release(), so timeouts are tested without sleeps.

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace linkhub::test {

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
};

struct Request {
  std::string method;
  std::string path;                            // without the query
  std::string query;                           // after '?', may be empty
  std::map<std::string, std::string> headers;  // names as sent
  std::string body;
};

class LoopbackServer {
 public:
  using Handler = std::function<Response(const Request&)>;

  LoopbackServer();
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  void on(const std::string& path, Handler handler);
  // A handler that blocks until release(), then answers 200.
  void on_blocking(const std::string& path);
  void start();
  void release();
  std::string url(const std::string& path) const;  // http://127.0.0.1:PORT/path
  int requests(const std::string& path) const;

  struct Impl;  // opaque

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace linkhub::test
