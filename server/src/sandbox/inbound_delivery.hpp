#pragma once
// What Meta posts to a webhook when a customer writes: the delivery body
// (object whatsapp_business_account, one entry, one change, one message)
// and its X-Hub-Signature-256. The scripted customer and the webhook
// benchmark send these to `linkhub serve`.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace linkhub::sandbox {

struct Customer {
  std::string wa_id;  // digits, country code first
  std::string profile_name = "Customer";
};

struct Business {
  std::string phone_number_id = "1122334455667";
  std::string display_phone_number = "15550001111";
};

// One customer line as a message: "@button:ID[:TITLE]" is a reply-button
// tap, "@list:ID[:TITLE]" a list-row choice, anything else a text.
nlohmann::json customer_message(const Customer& customer, std::string_view line, const std::string& wamid,
                                int64_t timestamp_s);

// The delivery holding `message`, serialized as Meta sends it.
std::string delivery_body(const Customer& customer, const Business& business, const nlohmann::json& message);

// "sha256=" and the lower-case hex HMAC-SHA256 of `body` keyed with the app secret.
std::string hub_signature(std::string_view app_secret, std::string_view body);

}  // namespace linkhub::sandbox
