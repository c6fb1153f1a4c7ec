// libFuzzer: any bytes as a webhook delivery to `linkhub serve` (timestamp
// and signature headers, the body, the trigger declaration) must give a value
// or a 4xx ApiError, never a crash; a correctly signed body must verify.
#include "http/body.hpp"
#include "http/webhook.hpp"

#include <algorithm>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkhub::http;
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  // Three fields split on the first two newlines: timestamp, signature, body.
  const size_t a = std::min(all.find('\n'), all.size());
  const size_t b = std::min(all.find('\n', a + 1 < all.size() ? a + 1 : all.size()), all.size());
  const std::string_view timestamp = all.substr(0, a);
  const std::string_view signature = a < all.size() ? all.substr(a + 1, b - a - 1) : std::string_view();
  const std::string_view body = b < all.size() ? all.substr(b + 1) : std::string_view();
  const auto check = [](const auto& result) {
    if (!result.ok() && (result.error().status < 400 || result.error().status > 499)) {
      __builtin_trap();  // a parser must only ever refuse with a client error
    }
  };
  check(parse_webhook_timestamp(timestamp));
  check(parse_webhook_signature(signature));
  check(verify_webhook("secret", timestamp, signature, body, 1700000000, std::chrono::seconds(300)));
  check(webhook_inputs(body, ""));
  check(webhook_inputs(body, "payload"));
  if (auto triggers = parse_json(body); triggers.ok()) {
    webhook_trigger(*triggers);
  }
  // A body signed with the secret verifies, whatever its bytes.
  const std::string ts = "1700000000";
  const std::string good = "sha256=" + webhook_signature("secret", ts, body);
  if (!verify_webhook("secret", ts, good, body, 1700000000, std::chrono::seconds(300)).ok()) {
    __builtin_trap();
  }
  return 0;
}
