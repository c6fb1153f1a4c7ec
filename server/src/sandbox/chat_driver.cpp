#include "sandbox/chat_driver.hpp"

#include "sandbox/cloud_sandbox.hpp"
#include "sandbox/plain_http.hpp"
#include "sandbox/transcript.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>
#include <stdexcept>

namespace linkhub::sandbox {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

int64_t unix_now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A prefix no earlier run of the driver used, so Meta-style deduplication by
// message id never drops a line of a new conversation.
std::string fresh_wamid_prefix() {
  std::random_device rd;
  return "wamid.SANDBOXIN" + std::to_string(unix_now_s()) + std::to_string(rd() % 100000) + ".";
}

class Replies {
 public:
  Replies(const HttpUrl& sandbox, const std::string& to)
      : sandbox_(sandbox), connection_(sandbox, std::chrono::milliseconds(40000)), to_(to) {
    last_ = poll(0).value("last", int64_t{0});
  }

  // The messages to the customer after the last one seen, waiting up to wait_ms.
  std::vector<Json> next(std::chrono::milliseconds wait) {
    const Json answer = poll(wait.count());
    std::vector<Json> found = answer.value("messages", Json::array());
    for (const Json& m : found) {
      last_ = std::max(last_, m.value("seq", int64_t{0}));
    }
    return found;
  }

 private:
  Json poll(int64_t wait_ms) {
    const std::string target = "/_sandbox/messages?after=" + std::to_string(last_) + "&to=" + to_ +
                               "&wait_ms=" + std::to_string(std::max<int64_t>(wait_ms, 0));
    const PlainAnswer answer = connection_.request("GET", target);
    if (answer.status != 200) {
      throw std::runtime_error("the sandbox answered " + std::to_string(answer.status) + ": " + answer.body);
    }
    return Json::parse(answer.body);
  }

  HttpUrl sandbox_;
  PlainConnection connection_;
  std::string to_;
  int64_t last_ = 0;
};

// What the customer did, as the transcript shows it: a tap prints like the
// button or row it chose.
std::string customer_line(const Json& message) {
  if (message.value("type", "") != "interactive") {
    return message["text"].value("body", "");
  }
  const Json& interactive = message["interactive"];
  const bool button = interactive.value("type", "") == "button_reply";
  const Json& reply = interactive[button ? "button_reply" : "list_reply"];
  return std::string(button ? "taps [" : "picks [") + reply.value("title", "") + "]{" + reply.value("id", "") + "}";
}

}  // namespace

int run_chat(const ChatOptions& options, std::ostream& out, std::ostream& err) {
  try {
    const HttpUrl webhook = parse_http_url(options.webhook_url);
    const HttpUrl sandbox = parse_http_url(options.sandbox_url);
    if (options.customer.wa_id.empty() || digits_of(options.customer.wa_id) != options.customer.wa_id) {
      err << "the customer's number must be digits, country code first (5511987654321), not '" << options.customer.wa_id
          << "'\n";
      return 1;
    }
    PlainConnection server(webhook, std::chrono::milliseconds(30000));
    Replies replies(sandbox, options.customer.wa_id);
    const std::string prefix = fresh_wamid_prefix();
    int index = 0;
    for (const std::string& line : options.lines) {
      const Json message = customer_message(options.customer, line, prefix + std::to_string(++index), unix_now_s());
      out << transcript_entry("customer > ", {customer_line(message)}) << std::flush;
      const std::string body = delivery_body(options.customer, options.business, message);
      const PlainAnswer ack = server.request(
          "POST", webhook.path_and_query, body,
          {{"Content-Type", "application/json"}, {"X-Hub-Signature-256", hub_signature(options.app_secret, body)}});
      if (ack.status != 200) {
        err << "linkhub refused the delivery of '" << line << "' with " << ack.status << ": " << ack.body << "\n";
        return 1;
      }
      // The first reply, within the timeout; then more until a quiet `settle`.
      const auto deadline = Clock::now() + options.reply_timeout;
      size_t received = 0;
      while (received < options.max_replies_per_line) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        const auto wait = received == 0 ? std::min(left, std::chrono::milliseconds(10000)) : options.settle;
        if (received == 0 && left.count() <= 0) {
          err << "no reply to '" << line << "' within " << options.reply_timeout.count() << " ms\n";
          return 1;
        }
        const auto batch = replies.next(wait);
        if (batch.empty() && received > 0) {
          break;
        }
        for (const Json& m : batch) {
          out << transcript_entry("shop     < ", render_message(m.value("body", Json::object()))) << std::flush;
        }
        received += batch.size();
      }
    }
    return 0;
  } catch (const std::exception& e) {
    err << "the conversation stopped: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace linkhub::sandbox
