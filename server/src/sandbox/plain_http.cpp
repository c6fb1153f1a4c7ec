#include "sandbox/plain_http.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <stdexcept>

namespace linkhub::sandbox {

HttpUrl parse_http_url(const std::string& url) {
  try {
    const Poco::URI uri(url);
    if (uri.getScheme() != "http" || uri.getHost().empty()) {
      throw std::invalid_argument("");
    }
    HttpUrl out{uri.getHost(), uri.getPort(), uri.getPathAndQuery()};
    if (out.path_and_query.empty()) {
      out.path_and_query = "/";
    }
    return out;
  } catch (const std::exception&) {  // Poco::Exception is one too
    throw std::invalid_argument("not an http://HOST:PORT/... URL: " + url);
  }
}

struct PlainConnection::Impl {
  Poco::Net::HTTPClientSession session;
  Impl(const HttpUrl& server, std::chrono::milliseconds timeout) : session(server.host, server.port) {
    session.setKeepAlive(true);
    session.setTimeout(
        Poco::Timespan(static_cast<long>(timeout.count() / 1000), static_cast<long>((timeout.count() % 1000) * 1000)));
  }
};

PlainConnection::PlainConnection(const HttpUrl& server, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(server, timeout)) {}

PlainConnection::~PlainConnection() = default;

PlainAnswer PlainConnection::request(const std::string& method, const std::string& target, const std::string& body,
                                     const std::map<std::string, std::string>& headers) {
  try {
    Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    for (const auto& [name, value] : headers) {
      request.set(name, value);
    }
    if (method == "POST" || !body.empty()) {
      request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    impl_->session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = impl_->session.receiveResponse(response);
    PlainAnswer answer;
    answer.status = static_cast<int>(response.getStatus());
    Poco::StreamCopier::copyToString(in, answer.body);
    return answer;
  } catch (const Poco::Exception& e) {
    impl_->session.reset();
    throw std::runtime_error(method + " http://" + impl_->session.getHost() + ":" +
                             std::to_string(impl_->session.getPort()) + target + ": " + e.displayText());
  }
}

}  // namespace linkhub::sandbox
