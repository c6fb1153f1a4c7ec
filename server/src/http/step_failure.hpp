#pragma once
// A plugin step's failure as a handler sees it: its code (the plugin's, or
// derived from its status), details and message. Handlers branch on code and
// details; the message is only passed on to the caller.

#include <linkhub/engine/json.hpp>

#include <string>

namespace linkhub::http {

struct StepFailure {
  std::string code;
  std::string message;
  Json details;  // an object or null
  bool retryable = false;
};

}  // namespace linkhub::http
