#pragma once
// A real HTTP client on 127.0.0.1 for testing `linkhub serve`: requests on
// one keep-alive connection, and a Server-Sent Events reader that blocks on
// the socket until the server sends the next event (no sleeps, no polling).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace linkhub::test {

struct HttpAnswer {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names; several Set-Cookie: one a line
  nlohmann::json json() const;                 // null when the body is not JSON
  std::string header(const std::string& lower_name) const;
};

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  std::string content_type;  // not sent when empty
  std::map<std::string, std::string> headers;
  bool chunked = false;      // send the body chunked (no Content-Length)
  bool omit_length = false;  // send neither Content-Length nor chunked (curl -X POST does so)
};

class HttpClient {
 public:
  explicit HttpClient(uint16_t port);
  ~HttpClient();
  HttpAnswer send(const HttpRequest& request);
  HttpAnswer get(const std::string& target, const std::map<std::string, std::string>& headers = {});
  HttpAnswer post_json(const std::string& target, const std::string& body,
                       const std::map<std::string, std::string>& headers = {});
  // Headers sent with every request (credentials, say); a request's own headers of the same name win.
  void set_default_headers(std::map<std::string, std::string> headers);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct SseEvent {
  std::string id;
  std::string event;  // empty for unnamed (message) events
  std::string data;
  std::vector<std::string> comments;  // comment lines seen since the previous event
  nlohmann::json json() const;
};

class SseStream {
 public:
  SseStream(uint16_t port, const std::string& target, const std::map<std::string, std::string>& headers = {});
  ~SseStream();
  int status() const;
  std::string content_type() const;
  std::string body_if_error();  // the body of a non-200 answer
  // The next event; nullopt when the server ended the stream. Comments after
  // the last event are in trailing_comments(). With `stop_at_comment`, a
  // comment line is returned too, as an event with only that comment.
  std::optional<SseEvent> next(bool stop_at_comment = false);
  const std::vector<std::string>& trailing_comments() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linkhub::test
