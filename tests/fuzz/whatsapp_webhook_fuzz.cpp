// libFuzzer: any body given to the WhatsApp webhook parser gets typed records
// or a WebhookPayloadError, never a crash; every record names its message id
// and sender (or status id), as the store and the dedup rely on; opt-out
// folding takes any text.
#include "opt_out.hpp"
#include "webhook_payload.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkhub::whatsapp;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  is_opt_out(text);
  try {
    const WebhookDelivery delivery = parse_webhook_payload(text);
    for (const InboundMessage& m : delivery.messages) {
      if (m.id.empty() || m.from.empty() || m.type.empty() || !m.record.is_object() || m.record["id"] != m.id) {
        __builtin_trap();
      }
      is_opt_out(m.words);
    }
    for (const StatusUpdate& s : delivery.statuses) {
      if (s.id.empty() || s.status.empty() || !s.errors.is_array()) {
        __builtin_trap();
      }
    }
  } catch (const WebhookPayloadError&) {
    return 0;
  }
  return 0;
}
