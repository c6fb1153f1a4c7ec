#pragma once
// The scripted customer: each line goes to `linkhub serve` as a signed
// inbound webhook delivery, then the driver reads the shop's replies from the
// sandbox (long polls, bounded) and prints the conversation.

#include "sandbox/inbound_delivery.hpp"

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

namespace linkhub::sandbox {

struct ChatOptions {
  std::string webhook_url;  // http://127.0.0.1:P/api/v1/whatsapp/webhook
  std::string sandbox_url;  // http://127.0.0.1:S (the stand-in's base URL)
  std::string app_secret;
  Customer customer;
  Business business;
  std::vector<std::string> lines;
  // The first reply to a line must come within reply_timeout; the line's
  // replies are over when none follows for `settle` (the workflow is waiting).
  std::chrono::milliseconds reply_timeout{30000};
  std::chrono::milliseconds settle{1500};
  size_t max_replies_per_line = 20;
};

// Plays the lines, writing "customer > ..." and "shop < ..." entries to `out`.
// Returns 0 when every line was accepted and answered, 1 otherwise (the
// reason is written to `err`).
int run_chat(const ChatOptions& options, std::ostream& out, std::ostream& err);

}  // namespace linkhub::sandbox
