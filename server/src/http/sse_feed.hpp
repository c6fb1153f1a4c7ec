#pragma once
// What every Server-Sent Events feed of the API says besides its events: the
// heartbeat, and that a client may reconnect with Last-Event-ID when the
// stream reached its maximum duration or the server is shutting down.

#include "http/call.hpp"
#include "http/sse.hpp"

#include <linkhub/engine/json.hpp>

namespace linkhub::http {

class SseFeed : public Feed {
 public:
  std::string heartbeat() override { return sse_comment("heartbeat"); }
  std::string expired() override {
    return sse_comment("the stream reached its maximum duration; reconnect with Last-Event-ID to go on");
  }
  std::string closing() override {
    return sse_comment("the server is shutting down; reconnect with Last-Event-ID to go on");
  }

 protected:
  // One line of JSON for an event's data (invalid UTF-8 replaced, never thrown).
  static std::string compact(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }
};

}  // namespace linkhub::http
