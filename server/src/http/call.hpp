#pragma once
// One request as a handler sees it (path parameters, query, headers, a body
// read under the size limit) and the Reply it returns. The dispatcher turns
// a Reply into the HTTP response; only the SSE handler writes its own.

#include "http/api_error.hpp"
#include "http/body.hpp"
#include "http/query.hpp"
#include "http/router.hpp"
#include "http/services.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace linkhub::http {

struct Reply {
  int status = 200;
  Json body = Json::object();
  std::string text;  // sent instead of `body` when not JSON
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra response headers
  bool streamed = false;                                     // the handler already wrote the response

  static Reply json(int status, Json body);
  static Reply error(const ApiError& error);
  static Reply plain(int status, std::string content_type, std::string text);
};

class Call {
 public:
  Call(Services& services, const Route& route, const Target& target, std::map<std::string, std::string> params,
       Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, std::string request_id)
      : services(services),
        route(route),
        target(target),
        request_id(std::move(request_id)),
        params_(std::move(params)),
        request_(request),
        response_(response) {}

  Services& services;
  const Route& route;
  const Target& target;
  const std::string request_id;

  // Who is calling: null on public routes (and for anyone when authentication is off: "anonymous").
  const Principal* principal = nullptr;

  const std::string& param(const std::string& name) const;
  // The peer's IP address (the proxy's, behind a proxy).
  std::string client_address() const;
  // The header's value; empty when absent.
  std::string header(const std::string& name) const;
  MediaType media_type() const;

  // The body, read once and kept: 413 past max_body_bytes (from Content-Length
  // before reading, or while reading a chunked body), 415 when a non-empty
  // body's media type is not one the route takes.
  ApiResult<std::string> body();
  // The body read as above and given to `parse` (a parser returning an
  // ApiResult): the body's error, or the parser's answer.
  template <class Parse>
  auto parsed_body(Parse&& parse) -> decltype(parse(std::string())) {
    auto text = body();
    if (!text) {
      return text.error();
    }
    return parse(*text);
  }
  // Reads what is left of the body and throws it away, up to a bound, so the
  // connection can carry the next request (closing on unread bytes would
  // reset it and could lose the answer). False when bytes are still unread:
  // the connection must then close.
  bool finish_body();

  // For handlers that stream (SSE): the raw response, after which they set Reply::streamed.
  Poco::Net::HTTPServerResponse& response() { return response_; }

 private:
  std::map<std::string, std::string> params_;
  Poco::Net::HTTPServerRequest& request_;
  Poco::Net::HTTPServerResponse& response_;
  std::optional<ApiResult<std::string>> body_;
  bool consumed_ = false;  // the request stream was read to its end
};

// Reads `in` to its end, discarding, unless more than `cap` bytes remain. True when it reached the end.
bool drain(std::istream& in, size_t cap);
// Whether the request declares a body (a Content-Length above 0, or chunked).
bool has_body(const Poco::Net::HTTPServerRequest& request);

}  // namespace linkhub::http
