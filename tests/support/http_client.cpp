#include "http_client.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <cctype>
#include <istream>
#include <ostream>

namespace linkhub::test {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A guard against a hung server, not a performance check: tests never assert on time.
const Poco::Timespan kHangGuard(120, 0);

}  // namespace

nlohmann::json HttpAnswer::json() const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j;
}

std::string HttpAnswer::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

nlohmann::json SseEvent::json() const {
  auto j = nlohmann::json::parse(data, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j;
}

struct HttpClient::Impl {
  Poco::Net::HTTPClientSession session;
  std::map<std::string, std::string> defaults;
  explicit Impl(uint16_t port) : session("127.0.0.1", port) {
    session.setKeepAlive(true);
    session.setTimeout(kHangGuard);
  }
};

HttpClient::HttpClient(uint16_t port) : impl_(std::make_unique<Impl>(port)) {}
HttpClient::~HttpClient() = default;

HttpAnswer HttpClient::send(const HttpRequest& r) {
  Poco::Net::HTTPRequest request(r.method, r.target, Poco::Net::HTTPMessage::HTTP_1_1);
  request.setKeepAlive(true);
  if (!r.content_type.empty()) {
    request.setContentType(r.content_type);
  }
  for (const auto& [name, value] : impl_->defaults) {
    request.set(name, value);
  }
  for (const auto& [name, value] : r.headers) {
    request.set(name, value);
  }
  if (r.chunked) {
    request.setChunkedTransferEncoding(true);
  } else if (!r.omit_length && (!r.body.empty() || r.method == "POST")) {
    request.setContentLength64(static_cast<Poco::Int64>(r.body.size()));
  }
  HttpAnswer answer;
  try {
    std::ostream& out = impl_->session.sendRequest(request);
    out << r.body;
  } catch (const Poco::Exception&) {
    // The server may answer (413) and close before taking the whole body; read its answer.
  }
  Poco::Net::HTTPResponse response;
  std::istream& in = impl_->session.receiveResponse(response);
  Poco::StreamCopier::copyToString(in, answer.body);
  answer.status = static_cast<int>(response.getStatus());
  for (const auto& [name, value] : response) {
    std::string& kept = answer.headers[lower(name)];
    // Set-Cookie cannot be folded with commas (RFC 6265): each one on its own line.
    kept = kept.empty() || lower(name) != "set-cookie" ? value : kept + "\n" + value;
  }
  return answer;
}

void HttpClient::set_default_headers(std::map<std::string, std::string> headers) {
  impl_->defaults = std::move(headers);
}

HttpAnswer HttpClient::get(const std::string& target, const std::map<std::string, std::string>& headers) {
  HttpRequest r;
  r.target = target;
  r.headers = headers;
  return send(r);
}

HttpAnswer HttpClient::post_json(const std::string& target, const std::string& body,
                                 const std::map<std::string, std::string>& headers) {
  HttpRequest r;
  r.method = "POST";
  r.target = target;
  r.body = body;
  r.content_type = body.empty() ? "" : "application/json";
  r.headers = headers;
  return send(r);
}

struct SseStream::Impl {
  Poco::Net::HTTPClientSession session;
  Poco::Net::HTTPResponse response;
  std::istream* in = nullptr;
  std::vector<std::string> trailing;

  explicit Impl(uint16_t port) : session("127.0.0.1", port) { session.setTimeout(kHangGuard); }
};

SseStream::SseStream(uint16_t port, const std::string& target, const std::map<std::string, std::string>& headers)
    : impl_(std::make_unique<Impl>(port)) {
  Poco::Net::HTTPRequest request("GET", target, Poco::Net::HTTPMessage::HTTP_1_1);
  request.set("Accept", "text/event-stream");
  for (const auto& [name, value] : headers) {
    request.set(name, value);
  }
  impl_->session.sendRequest(request);
  impl_->in = &impl_->session.receiveResponse(impl_->response);
}

SseStream::~SseStream() = default;

int SseStream::status() const {
  return static_cast<int>(impl_->response.getStatus());
}

std::string SseStream::content_type() const {
  return impl_->response.getContentType();
}

std::string SseStream::body_if_error() {
  std::string body;
  Poco::StreamCopier::copyToString(*impl_->in, body);
  return body;
}

std::optional<SseEvent> SseStream::next(bool stop_at_comment) {
  SseEvent event;
  bool has_field = false;
  std::string line;
  while (std::getline(*impl_->in, line)) {
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (line.empty()) {
      if (has_field && (!event.data.empty() || !event.event.empty() || !event.id.empty())) {
        return event;
      }
      has_field = false;
      continue;
    }
    if (line.front() == ':') {
      event.comments.push_back(line.substr(line.size() > 1 && line[1] == ' ' ? 2 : 1));
      if (stop_at_comment) {
        return event;
      }
      continue;
    }
    const size_t colon = line.find(':');
    const std::string field = line.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') {
      value.erase(0, 1);
    }
    has_field = true;
    if (field == "id") {
      event.id = value;
    } else if (field == "event") {
      event.event = value;
    } else if (field == "data") {
      event.data += (event.data.empty() ? "" : "\n") + value;
    }
  }
  impl_->trailing = event.comments;
  return std::nullopt;
}

const std::vector<std::string>& SseStream::trailing_comments() const {
  return impl_->trailing;
}

}  // namespace linkhub::test
