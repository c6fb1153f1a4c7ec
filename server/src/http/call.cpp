#include "http/call.hpp"

#include <algorithm>
#include <cctype>
#include <istream>

namespace linkhub::http {

Reply Reply::json(int status, Json body) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Reply Reply::error(const ApiError& error) {
  return json(error.status, error_body(error));
}

Reply Reply::plain(int status, std::string content_type, std::string text) {
  Reply r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.text = std::move(text);
  return r;
}

const std::string& Call::param(const std::string& name) const {
  static const std::string empty;
  auto it = params_.find(name);
  return it == params_.end() ? empty : it->second;
}

std::string Call::client_address() const {
  return request_.clientAddress().host().toString();
}

std::string Call::header(const std::string& name) const {
  return request_.get(name, "");
}

MediaType Call::media_type() const {
  return classify_media_type(request_.getContentType());
}

bool has_body(const Poco::Net::HTTPServerRequest& request) {
  return request.getChunkedTransferEncoding() || (request.hasContentLength() && request.getContentLength64() > 0);
}

bool drain(std::istream& in, size_t cap) {
  char buf[16384];
  size_t total = 0;
  while (in && total <= cap) {
    in.read(buf, sizeof buf);
    total += static_cast<size_t>(in.gcount());
  }
  return in.eof() && total <= cap;
}

namespace {

// Past this, an over-limit body is not worth reading to keep the connection.
size_t drain_cap(size_t max_body_bytes) {
  return std::max<size_t>(size_t{16} << 20, 4 * max_body_bytes);
}

}  // namespace

bool Call::finish_body() {
  if (consumed_ || !has_body(request_)) {
    return true;
  }
  if (request_.hasContentLength() &&
      request_.getContentLength64() > static_cast<Poco::Int64>(drain_cap(services.limits.max_body_bytes))) {
    return false;
  }
  consumed_ = drain(request_.stream(), drain_cap(services.limits.max_body_bytes));
  return consumed_;
}

ApiResult<std::string> Call::body() {
  if (body_) {
    return *body_;
  }
  const size_t max = services.limits.max_body_bytes;
  const auto too_large = [&] {
    return ApiError{413, "body_too_large",
                    "the request body is larger than the limit of " + std::to_string(max) + " bytes (max_body_bytes)",
                    Json{{"limit_bytes", max}}};
  };
  if (request_.hasContentLength() && request_.getContentLength64() > static_cast<Poco::Int64>(max)) {
    body_ = too_large();  // refused before reading a byte of it
    return *body_;
  }
  if (!has_body(request_)) {
    // Neither Content-Length nor chunked: a request then has no body (RFC 9112 6.3),
    // though Poco would read a POST's stream until the client closes.
    consumed_ = true;
    body_ = std::string();
    return *body_;
  }
  std::string text;
  std::istream& in = request_.stream();
  char buf[16384];
  while (in) {
    in.read(buf, sizeof buf);
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > max) {
      body_ = too_large();  // a chunked body: stopped at the limit
      return *body_;
    }
  }
  if (in.bad()) {
    body_ = bad_request("unreadable_body", "the request body could not be read (a broken chunked encoding?)");
    return *body_;
  }
  consumed_ = true;
  const bool blank =
      std::all_of(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
  if (route.body && !blank) {
    const MediaType type = media_type();
    const auto& accepted = route.body->media_types;
    const bool acceptable = (type == MediaType::Json || type == MediaType::Yaml) &&
                            std::any_of(accepted.begin(), accepted.end(),
                                        [&](const std::string& m) { return classify_media_type(m) == type; });
    if (!acceptable) {
      std::string list;
      for (const auto& m : accepted) {
        list += (list.empty() ? "" : ", ") + m;
      }
      const std::string found = request_.getContentType();
      body_ = ApiError{415, "unsupported_media_type",
                       "Content-Type '" + (found.empty() ? std::string("(none)") : found.substr(0, 100)) +
                           "' is not accepted here; send " + list,
                       Json{{"accepted", accepted}}};
      return *body_;
    }
  }
  body_ = std::move(text);
  return *body_;
}

}  // namespace linkhub::http
