#pragma once
// A loopback stand-in for the WhatsApp Cloud API, for development: it answers
// POST /{version}/{phone_number_id}/messages (and /media) the way Meta does,
// keeps every accepted outbound message, and serves them back at
// GET /_sandbox/messages so a driver (the scripted customer) reads the
// replies a workflow sent. Any bearer token is accepted: it listens on
// loopback only and must never face a network.

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace linkhub::sandbox {

using Json = nlohmann::json;

struct SandboxMessage {
  int64_t seq = 0;  // 1, 2, ... in the order accepted
  std::string id;   // the wamid answered
  std::string phone_number_id;
  std::string to;
  std::string type;
  Json body;  // the request body as sent
};

// A request as the HTTP layer saw it, and the answer to give: the logic is
// apart from the socket so the tests call it directly too.
struct SandboxRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> query;
  std::string authorization;
  std::string body;
};
// The request line's URI into path and query (decoded, as Poco::URI does),
// with the other parts as given: what the listener hands handle(). Throws
// Poco::SyntaxException for a malformed URI (the listener answers 400).
SandboxRequest sandbox_request(std::string method, const std::string& uri, std::string authorization, std::string body);

struct SandboxAnswer {
  int status = 200;
  Json body;
};

class CloudSandbox {
 public:
  // Keeps the newest `capacity` messages (sequence numbers go on counting).
  explicit CloudSandbox(size_t capacity = 10000);
  ~CloudSandbox();
  CloudSandbox(const CloudSandbox&) = delete;
  CloudSandbox& operator=(const CloudSandbox&) = delete;

  // Listens on host:port (port 0: an ephemeral one). Throws std::invalid_argument
  // for a host that is not a loopback address, std::runtime_error when it cannot bind.
  void start(const std::string& host = "127.0.0.1", uint16_t port = 0);
  void stop();
  uint16_t port() const { return port_; }
  std::string base_url() const;  // http://127.0.0.1:PORT

  SandboxAnswer handle(const SandboxRequest& request);

  // Accepted messages after `after` (to `to` only when not empty), waiting up
  // to `wait_ms` for the first one when there is none yet.
  std::vector<SandboxMessage> messages_after(int64_t after, const std::string& to = "", int64_t wait_ms = 0);
  int64_t last_seq() const;
  int64_t media_uploads() const;

 private:
  SandboxAnswer send_message(const std::string& phone_number_id, const SandboxRequest& request);
  SandboxAnswer list_messages(const SandboxRequest& request);

  size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<SandboxMessage> messages_;
  int64_t last_seq_ = 0;
  int64_t media_uploads_ = 0;
  bool stopping_ = false;  // wakes long polls when the server stops
  uint16_t port_ = 0;
  struct Listener;
  std::unique_ptr<Listener> listener_;
};

// The Graph API's error body: {"error": {message, type, code, error_data, fbtrace_id}}.
Json cloud_error(int code, const std::string& type, const std::string& message, const std::string& details = "");

// Digits of a phone number as given ("+55 11 98765-4321" -> "5511987654321").
std::string digits_of(const std::string& number);

}  // namespace linkhub::sandbox
