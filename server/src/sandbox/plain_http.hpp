#pragma once
// The drivers' HTTP client: plain HTTP on one keep-alive connection (the
// sandbox and `linkhub serve` on loopback), reconnecting after an error.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace linkhub::sandbox {

struct HttpUrl {
  std::string host;
  uint16_t port = 80;
  std::string path_and_query;  // "/" at least
};

// Throws std::invalid_argument naming the URL when it is not http://HOST[:PORT]/...
HttpUrl parse_http_url(const std::string& url);

struct PlainAnswer {
  int status = 0;
  std::string body;
};

class PlainConnection {
 public:
  PlainConnection(const HttpUrl& server, std::chrono::milliseconds timeout);
  ~PlainConnection();
  PlainConnection(const PlainConnection&) = delete;
  PlainConnection& operator=(const PlainConnection&) = delete;

  // Throws std::runtime_error saying what failed (connect, send, read).
  PlainAnswer request(const std::string& method, const std::string& target, const std::string& body = "",
                      const std::map<std::string, std::string>& headers = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linkhub::sandbox
