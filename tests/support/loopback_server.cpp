#include "loopback_server.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <condition_variable>
#include <mutex>

namespace linkhub::test {

struct LoopbackServer::Impl {
  std::map<std::string, Handler> handlers;
  std::map<std::string, int> counts;
  mutable std::mutex mutex;
  std::condition_variable released_cv;
  bool released = false;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  uint16_t port = 0;
};

namespace {

class Dispatch : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Dispatch(LoopbackServer::Handler* handler) : handler_(handler) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
    Request r;
    r.method = req.getMethod();
    Poco::URI uri(req.getURI());
    r.path = uri.getPath();
    r.query = uri.getRawQuery();
    for (const auto& [k, v] : req) {
      r.headers[k] = v;
    }
    Poco::StreamCopier::copyToString(req.stream(), r.body);
    Response out = handler_ != nullptr ? (*handler_)(r) : Response{404, "text/plain", "no handler", {}};
    resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status));
    resp.setContentType(out.content_type);
    for (const auto& [k, v] : out.headers) {
      resp.set(k, v);
    }
    resp.setContentLength(static_cast<std::streamsize>(out.body.size()));
    resp.send() << out.body;
  }

 private:
  LoopbackServer::Handler* handler_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(LoopbackServer::Impl* impl) : impl_(impl) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& req) override {
    const std::string path = Poco::URI(req.getURI()).getPath();
    std::lock_guard lock(impl_->mutex);
    ++impl_->counts[path];
    auto it = impl_->handlers.find(path);
    return new Dispatch(it == impl_->handlers.end() ? nullptr : &it->second);
  }

 private:
  LoopbackServer::Impl* impl_;
};

}  // namespace

LoopbackServer::LoopbackServer() : impl_(std::make_unique<Impl>()) {}

LoopbackServer::~LoopbackServer() {
  release();
  if (impl_->server) {
    impl_->server->stopAll(true);
  }
}

void LoopbackServer::on(const std::string& path, Handler handler) {
  impl_->handlers[path] = std::move(handler);
}

void LoopbackServer::on_blocking(const std::string& path) {
  Impl* impl = impl_.get();
  on(path, [impl](const Request&) {
    std::unique_lock lock(impl->mutex);
    impl->released_cv.wait(lock, [impl] { return impl->released; });
    return Response{200, "text/plain", "finally", {}};
  });
}

void LoopbackServer::start() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  impl_->port = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams();
  params->setMaxThreads(8);
  params->setKeepAlive(false);
  impl_->server = std::make_unique<Poco::Net::HTTPServer>(new Factory(impl_.get()), socket, params);
  impl_->server->start();
}

void LoopbackServer::release() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->released = true;
  }
  impl_->released_cv.notify_all();
}

std::string LoopbackServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + path;
}

int LoopbackServer::requests(const std::string& path) const {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->counts.find(path);
  return it == impl_->counts.end() ? 0 : it->second;
}

}  // namespace linkhub::test
