#pragma once
// One request as a handler sees it (path parameters, query, headers, a body
// read in full under the size limit before the handler runs) and the Reply
// it returns. The server turns a Reply into the HTTP response; a Reply with
// a Feed (SSE) goes on after the handler returned, without holding a thread.

#include "http/api_error.hpp"
#include "http/body.hpp"
#include "http/query.hpp"
#include "http/router.hpp"
#include "http/services.hpp"
#include "http/upload_body.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace linkhub::http {

// A response that goes on after its handler returned (Server-Sent Events).
// The server calls poll() on a worker thread when the run it watches
// changes, every `poll_every`, and otherwise writes heartbeat() when nothing
// was written for `heartbeat_every`; it ends the response after
// `max_duration` with expired(), at shutdown with closing(), and at once
// when the client hangs up.
class Feed {
 public:
  virtual ~Feed() = default;
  struct Next {
    std::string text;   // written as it is (may be empty)
    bool done = false;  // the response ends after `text`
  };
  virtual Next poll() = 0;  // blocking store reads: on a worker thread only
  virtual std::string first() = 0;
  virtual std::string heartbeat() = 0;
  virtual std::string expired() = 0;
  virtual std::string closing() = 0;

  std::string content_type = "text/event-stream";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string watch_run;  // the RunWatch key whose notifications wake it
  std::chrono::milliseconds poll_every{1000};
  std::chrono::milliseconds heartbeat_every{15000};
  std::chrono::milliseconds max_duration{std::chrono::hours(1)};
  std::shared_ptr<void> slot;  // what counts it against the stream caps, released when it ends
};

// A body read piece by piece as the client takes it (artifacts), never whole
// in memory: the server reads the next piece on a worker thread once the
// previous one is written.
struct BodySource {
  uint64_t length = 0;  // the body's bytes (Content-Length)
  // Up to `max` bytes from `offset` (0: the body's first byte). An error or
  // an empty piece before `length` ends the connection (the answer cannot be completed).
  std::function<Result<std::string>(uint64_t offset, size_t max)> read;
};

struct Reply {
  int status = 200;
  Json body = Json::object();
  std::string text;  // sent instead of `body` when not JSON
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra response headers
  std::shared_ptr<Feed> feed;                                // a streamed answer: status and headers, then the feed
  std::shared_ptr<BodySource> source;  // the body comes from here (content_type applies; HEAD: headers only)
  bool close = false;                  // the connection closes after this answer

  static Reply json(int status, Json body);
  static Reply error(const ApiError& error);
  static Reply plain(int status, std::string content_type, std::string text);
  // The bytes of the answer's body (JSON dumped, or the text).
  std::string payload() const;
};

// A request as read off the wire, before routing.
struct Incoming {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // in order, names as sent
  std::string body;
  enum class BodyState { Read, TooLarge, Unreadable } body_state = BodyState::Read;
  // Routes with body_to_file: the admitted upload and, once read, its file (`body` stays empty).
  std::shared_ptr<UploadBody> upload;
  std::string peer;    // the TCP peer's address
  std::string client;  // the client's address: the peer's, or from X-Forwarded-For behind a trusted proxy
  bool tls = false;

  // The first value of the header (case-insensitive name); empty when absent.
  std::string header(std::string_view name) const;
  size_t count(std::string_view name) const;
};

class Call {
 public:
  Call(Services& services, const Route& route, const Target& target, std::map<std::string, std::string> params,
       const Incoming& request, std::string request_id)
      : services(services),
        route(route),
        target(target),
        request_id(std::move(request_id)),
        params_(std::move(params)),
        request_(request) {}

  Services& services;
  const Route& route;
  const Target& target;
  const std::string request_id;

  // Who is calling: null on public routes (and for anyone when authentication is off: "anonymous").
  const Principal* principal = nullptr;

  const std::string& param(const std::string& name) const;
  // The client's IP address: the peer's, or behind a trusted proxy the one X-Forwarded-For names.
  std::string client_address() const;
  // The request came over the TLS listener.
  bool tls() const;
  // The header's value; empty when absent.
  std::string header(const std::string& name) const;
  const Incoming& request() const { return request_; }
  MediaType media_type() const;

  // The body: 413 past max_body_bytes, 415 when a non-empty body's media
  // type is not one the route takes.
  ApiResult<std::string> body();
  // A body_to_file route's body on disk: 413 upload_too_large past
  // max_upload_bytes, 400 unreadable_body for a broken chunked encoding.
  ApiResult<UploadBody*> upload();
  // The body checked as above and given to `parse` (a parser returning an
  // ApiResult): the body's error, or the parser's answer.
  template <class Parse>
  auto parsed_body(Parse&& parse) -> decltype(parse(std::string())) {
    auto text = body();
    if (!text) {
      return text.error();
    }
    return parse(*text);
  }

 private:
  std::map<std::string, std::string> params_;
  const Incoming& request_;
};

}  // namespace linkhub::http
