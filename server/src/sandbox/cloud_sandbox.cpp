#include "sandbox/cloud_sandbox.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <istream>
#include <optional>
#include <stdexcept>

namespace linkhub::sandbox {
namespace {

// A message body larger than this is refused (Meta's own limit is far lower
// for text; media go to /media, whose bytes are counted and dropped).
constexpr size_t kMaxMessageBody = 1 << 20;
constexpr int64_t kMaxWaitMs = 30000;

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const std::string part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!part.empty()) {
      parts.push_back(part);
    }
    if (slash == std::string::npos) {
      break;
    }
    start = slash + 1;
  }
  return parts;
}

bool is_version(const std::string& part) {
  return part.size() > 1 && part[0] == 'v' &&
         std::all_of(part.begin() + 1, part.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

bool has_bearer_token(const std::string& authorization) {
  constexpr std::string_view kBearer = "Bearer ";
  return authorization.size() > kBearer.size() && authorization.compare(0, kBearer.size(), kBearer) == 0;
}

SandboxAnswer invalid_parameter(const std::string& message, const std::string& details = "") {
  return {400, cloud_error(100, "OAuthException", "(#100) " + message, details)};
}

std::optional<int64_t> integer_param(const std::map<std::string, std::string>& query, const std::string& name,
                                     int64_t fallback) {
  auto it = query.find(name);
  if (it == query.end() || it->second.empty()) {
    return fallback;
  }
  try {
    size_t used = 0;
    const long long value = std::stoll(it->second, &used);
    if (used != it->second.size()) {
      return std::nullopt;
    }
    return value;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

Json message_json(const SandboxMessage& m) {
  return {{"seq", m.seq}, {"id", m.id},     {"phone_number_id", m.phone_number_id},
          {"to", m.to},   {"type", m.type}, {"body", m.body}};
}

}  // namespace

Json cloud_error(int code, const std::string& type, const std::string& message, const std::string& details) {
  Json error = {{"message", message}, {"type", type}, {"code", code}, {"fbtrace_id", "A-sandbox-linkhub"}};
  if (!details.empty()) {
    error["error_data"] = {{"messaging_product", "whatsapp"}, {"details", details}};
  }
  return {{"error", error}};
}

std::string digits_of(const std::string& number) {
  std::string digits;
  std::copy_if(number.begin(), number.end(), std::back_inserter(digits), [](char c) { return c >= '0' && c <= '9'; });
  return digits;
}

SandboxRequest sandbox_request(std::string method, const std::string& uri, std::string authorization,
                               std::string body) {
  SandboxRequest request;
  request.method = std::move(method);
  const Poco::URI parsed(uri);
  request.path = parsed.getPath();
  for (const auto& [name, value] : parsed.getQueryParameters()) {
    request.query[name] = value;
  }
  request.authorization = std::move(authorization);
  request.body = std::move(body);
  return request;
}

// The HTTP side: Poco's server, one handler turning requests into handle() calls.
struct CloudSandbox::Listener {
  std::unique_ptr<Poco::Net::HTTPServer> server;
};

namespace {

class SandboxHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit SandboxHandler(CloudSandbox* sandbox) : sandbox_(sandbox) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
    SandboxRequest request;
    SandboxAnswer answer;
    try {
      request = sandbox_request(req.getMethod(), req.getURI(), req.get("Authorization", ""), "");
      const bool media = request.path.size() >= 6 && request.path.compare(request.path.size() - 6, 6, "/media") == 0;
      // Media bytes are counted and dropped; a message body is read up to its limit.
      std::istream& in = req.stream();
      char chunk[8192];
      while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
        if (!media && request.body.size() + static_cast<size_t>(in.gcount()) > kMaxMessageBody) {
          throw std::length_error("the request body is larger than 1 MiB");
        }
        if (!media) {
          request.body.append(chunk, static_cast<size_t>(in.gcount()));
        }
      }
      answer = sandbox_->handle(request);
    } catch (const std::length_error& e) {
      answer = {413, cloud_error(100, "OAuthException", std::string("(#100) ") + e.what())};
    } catch (const Poco::Exception& e) {
      answer = {400, cloud_error(100, "OAuthException", "(#100) Malformed request: " + e.displayText())};
    }
    const std::string text = answer.body.dump();
    resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
    resp.setContentType("application/json");
    resp.setContentLength(static_cast<std::streamsize>(text.size()));
    resp.send() << text;
  }

 private:
  CloudSandbox* sandbox_;
};

class SandboxFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit SandboxFactory(CloudSandbox* sandbox) : sandbox_(sandbox) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new SandboxHandler(sandbox_);
  }

 private:
  CloudSandbox* sandbox_;
};

}  // namespace

CloudSandbox::CloudSandbox(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {}

CloudSandbox::~CloudSandbox() {
  stop();
}

void CloudSandbox::start(const std::string& host, uint16_t port) {
  if (host != "127.0.0.1" && host != "localhost" && host != "::1") {
    throw std::invalid_argument(
        "the WhatsApp sandbox accepts any token, so it listens on loopback only (127.0.0.1, "
        "localhost or ::1), not on " +
        host);
  }
  try {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(host, port));
    port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams();
    params->setMaxThreads(32);  // long polls of drivers hold a thread each
    params->setMaxQueued(256);
    params->setKeepAlive(true);
    listener_ = std::make_unique<Listener>();
    listener_->server = std::make_unique<Poco::Net::HTTPServer>(new SandboxFactory(this), socket, params);
    listener_->server->start();
    std::lock_guard lock(mutex_);
    stopping_ = false;
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("the WhatsApp sandbox cannot listen on " + host + ":" + std::to_string(port) + ": " +
                             e.displayText());
  }
}

void CloudSandbox::stop() {
  if (listener_ && listener_->server) {
    {
      // Wake long polls so the server's threads can finish.
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    arrived_.notify_all();
    listener_->server->stopAll(true);
    listener_.reset();
  }
}

std::string CloudSandbox::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

SandboxAnswer CloudSandbox::handle(const SandboxRequest& request) {
  const auto parts = split_path(request.path);
  if (parts.size() == 2 && parts[0] == "_sandbox" && parts[1] == "messages" && request.method == "GET") {
    return list_messages(request);
  }
  if (parts.size() == 3 && is_version(parts[0]) && (parts[2] == "messages" || parts[2] == "media")) {
    if (request.method != "POST") {
      return {405, cloud_error(100, "OAuthException", "(#100) Unsupported " + request.method + " request")};
    }
    if (!has_bearer_token(request.authorization)) {
      return {401, cloud_error(190, "OAuthException", "Invalid OAuth access token - Cannot parse access token")};
    }
    if (digits_of(parts[1]) != parts[1]) {
      return invalid_parameter("Invalid phone_number_id " + parts[1]);
    }
    if (parts[2] == "media") {
      std::lock_guard lock(mutex_);
      ++media_uploads_;
      return {200, {{"id", std::to_string(4490709327384000 + media_uploads_)}}};
    }
    return send_message(parts[1], request);
  }
  return {404, cloud_error(2500, "OAuthException", "Unknown path components: " + request.path)};
}

SandboxAnswer CloudSandbox::send_message(const std::string& phone_number_id, const SandboxRequest& request) {
  Json body;
  try {
    body = Json::parse(request.body);
  } catch (const Json::exception& e) {
    // parse_error, and out_of_range for a number too large for a double (1e999).
    return invalid_parameter("Invalid parameter", std::string("the request body is not JSON: ") + e.what());
  }
  if (!body.is_object()) {
    return invalid_parameter("Invalid parameter", "the request body must be a JSON object");
  }
  if (body.value("messaging_product", Json()) != "whatsapp") {
    return invalid_parameter("The parameter messaging_product is required.", "messaging_product must be \"whatsapp\"");
  }
  const Json to = body.value("to", Json());
  if (!to.is_string() || digits_of(to.get<std::string>()).empty()) {
    return invalid_parameter("The parameter to is required.", "to must be the recipient's phone number");
  }
  const Json type = body.value("type", Json("text"));
  if (!type.is_string() || !body.contains(type.get<std::string>()) || !body[type.get<std::string>()].is_object()) {
    return invalid_parameter("Invalid parameter", "the message needs an object named after its type (" +
                                                      (type.is_string() ? type.get<std::string>() : "?") + ")");
  }
  SandboxMessage message;
  message.phone_number_id = phone_number_id;
  message.to = to.get<std::string>();
  message.type = type.get<std::string>();
  message.body = std::move(body);
  {
    std::lock_guard lock(mutex_);
    message.seq = ++last_seq_;
    message.id = "wamid.SANDBOX" + std::to_string(message.seq);
    messages_.push_back(message);
    if (messages_.size() > capacity_) {
      messages_.erase(messages_.begin(), messages_.begin() + static_cast<long>(messages_.size() - capacity_));
    }
  }
  arrived_.notify_all();
  // The success body of the Cloud API (tests/fixtures/whatsapp/whatsapp_send_message_success_response_*.json).
  return {200,
          {{"messaging_product", "whatsapp"},
           {"contacts", {{{"input", message.to}, {"wa_id", digits_of(message.to)}}}},
           {"messages", {{{"id", message.id}}}}}};
}

SandboxAnswer CloudSandbox::list_messages(const SandboxRequest& request) {
  const auto after = integer_param(request.query, "after", 0);
  const auto wait_ms = integer_param(request.query, "wait_ms", 0);
  if (!after || !wait_ms || *wait_ms < 0) {
    return {400, cloud_error(100, "OAuthException", "(#100) after and wait_ms must be whole numbers (wait_ms >= 0)")};
  }
  auto it = request.query.find("to");
  const std::string to = it == request.query.end() ? std::string() : it->second;
  Json list = Json::array();
  for (const SandboxMessage& m : messages_after(*after, to, std::min(*wait_ms, kMaxWaitMs))) {
    list.push_back(message_json(m));
  }
  return {200, {{"messages", list}, {"last", last_seq()}}};
}

std::vector<SandboxMessage> CloudSandbox::messages_after(int64_t after, const std::string& to, int64_t wait_ms) {
  const std::string wanted = digits_of(to);
  std::vector<SandboxMessage> found;
  const auto collect = [&] {
    found.clear();
    for (const SandboxMessage& m : messages_) {
      if (m.seq > after && (wanted.empty() || digits_of(m.to) == wanted)) {
        found.push_back(m);
      }
    }
    return !found.empty() || stopping_;
  };
  std::unique_lock lock(mutex_);
  if (wait_ms > 0) {
    arrived_.wait_for(lock, std::chrono::milliseconds(wait_ms), collect);
  } else {
    collect();
  }
  return found;
}

int64_t CloudSandbox::last_seq() const {
  std::lock_guard lock(mutex_);
  return last_seq_;
}

int64_t CloudSandbox::media_uploads() const {
  std::lock_guard lock(mutex_);
  return media_uploads_;
}

}  // namespace linkhub::sandbox
