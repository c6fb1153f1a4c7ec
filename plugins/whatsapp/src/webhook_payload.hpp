#pragma once
// Meta's webhook deliveries (object "whatsapp_business_account": entries,
// each with changes whose value holds contacts, messages and statuses) read
// into typed records, one per inbound message and one per status. Pure: no
// I/O, no secrets; the fuzz target calls it directly. Anything it does not
// know is skipped, never fatal; only a body that is not a JSON object is.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace linkhub::whatsapp {

using Json = nlohmann::json;

struct InboundMessage {
  std::string id;    // wamid
  std::string from;  // the customer's wa_id
  std::string type;  // text, interactive, button, image, audio, video, document, sticker, location, contacts, ...
  int64_t timestamp_s = 0;  // 0 when the delivery had none
  std::string profile_name;
  std::string words;  // what the customer typed or tapped (for opt-out words); may be empty
  Json record;        // the step's output record (without key and opted_out)
};

struct StatusUpdate {
  std::string id;  // the outbound message's wamid
  std::string status;
  std::string recipient_id;
  int64_t timestamp_s = 0;
  Json errors = Json::array();
  Json record;
};

struct WebhookDelivery {
  std::vector<InboundMessage> messages;
  std::vector<StatusUpdate> statuses;
  std::map<std::string, std::string> profiles;  // wa_id -> profile name
};

class WebhookPayloadError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Throws WebhookPayloadError when `raw` is not a JSON object.
WebhookDelivery parse_webhook_payload(std::string_view raw);

}  // namespace linkhub::whatsapp
