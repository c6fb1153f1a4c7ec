#include "sandbox/inbound_delivery.hpp"

#include <linkhub/sigv4.hpp>

namespace linkhub::sandbox {
namespace {

using Json = nlohmann::json;

// "@kind:ID[:TITLE]" -> {id, title}; the title defaults to the id.
Json reply_of(std::string_view rest) {
  const size_t colon = rest.find(':');
  const std::string id(rest.substr(0, colon));
  const std::string title = colon == std::string_view::npos ? id : std::string(rest.substr(colon + 1));
  return {{"id", id}, {"title", title}};
}

}  // namespace

Json customer_message(const Customer& customer, std::string_view line, const std::string& wamid, int64_t timestamp_s) {
  Json message = {{"from", customer.wa_id}, {"id", wamid}, {"timestamp", std::to_string(timestamp_s)}};
  constexpr std::string_view kButton = "@button:";
  constexpr std::string_view kList = "@list:";
  if (line.substr(0, kButton.size()) == kButton) {
    message["type"] = "interactive";
    message["interactive"] = {{"type", "button_reply"}, {"button_reply", reply_of(line.substr(kButton.size()))}};
  } else if (line.substr(0, kList.size()) == kList) {
    message["type"] = "interactive";
    message["interactive"] = {{"type", "list_reply"}, {"list_reply", reply_of(line.substr(kList.size()))}};
  } else {
    message["type"] = "text";
    message["text"] = {{"body", std::string(line)}};
  }
  return message;
}

std::string delivery_body(const Customer& customer, const Business& business, const Json& message) {
  const Json value = {
      {"messaging_product", "whatsapp"},
      {"metadata",
       {{"display_phone_number", business.display_phone_number}, {"phone_number_id", business.phone_number_id}}},
      {"contacts", {{{"profile", {{"name", customer.profile_name}}}, {"wa_id", customer.wa_id}}}},
      {"messages", Json::array({message})}};
  return Json{{"object", "whatsapp_business_account"},
              {"entry", {{{"id", "102290129340398"}, {"changes", {{{"value", value}, {"field", "messages"}}}}}}}}
      .dump();
}

std::string hub_signature(std::string_view app_secret, std::string_view body) {
  const std::string mac = sdk::sigv4::hmac_sha256(app_secret, body);
  return "sha256=" + sdk::sigv4::to_hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
}

}  // namespace linkhub::sandbox
