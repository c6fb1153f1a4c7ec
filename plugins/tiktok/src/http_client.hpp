#pragma once
// A small libcurl client for the tiktok providers: bounded bodies, a timeout
// bounded by the step's deadline, cancellation, redirects only on request,
// and messages that never show query strings or secrets.

#include <linkhub/plugin.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace linkhub::tiktok {

struct HttpRequest {
  std::string method = "GET";  // GET or POST
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // sent with POST
  bool follow_redirects = false;
  long max_redirects = 5;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names, last response only
  std::string body;
  std::string redirect_url;  // the absolute Location of a 3xx, when not followed
};

class HttpClient {
 public:
  // `who` prefixes every message ("tiktok oembed"). `secrets` are masked in
  // every message this client builds, on top of cutting query strings.
  HttpClient(const sdk::Context& ctx, std::string who, std::chrono::milliseconds timeout, size_t max_body_bytes,
             std::vector<std::string> secrets = {});

  // Transport failures throw StepError: timeouts and connection failures are
  // retryable; redirect loops, oversize bodies and bad URLs are not.
  // Cancellation throws sdk::Cancelled. Any HTTP status is returned.
  HttpResponse send(const HttpRequest& request) const;

  // Streams a GET (following up to 5 redirects) into `path`, at most
  // max_bytes; a partial file is removed. Non-2xx answers throw like fail_on_status.
  void download(const std::string& url, const std::string& path, size_t max_bytes) const;

  // Throws the StepError that an error status deserves: 429 and 5xx are
  // retryable (with Retry-After in the message), other 4xx are permanent.
  // Does nothing below 400.
  void fail_on_status(const HttpResponse& response, const std::string& target) const;

  // "GET http://host/path?..." for messages.
  std::string describe(const std::string& method, const std::string& url) const;
  // The message with secrets masked.
  std::string redact(std::string message) const;
  const std::string& who() const { return who_; }
  const sdk::Context& ctx() const { return ctx_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

 private:
  const sdk::Context& ctx_;
  std::string who_;
  std::chrono::milliseconds timeout_;
  size_t max_body_bytes_;
  std::vector<std::string> secrets_;
};

// scheme://host/path, with any query or fragment replaced by "?..." and any
// user:password@ by "***@".
std::string url_without_query(const std::string& url);

// The smaller of `requested` and the time left before the step's deadline,
// at least 1 ms.
std::chrono::milliseconds bounded_timeout(const sdk::Context& ctx, std::chrono::milliseconds requested);

}  // namespace linkhub::tiktok
