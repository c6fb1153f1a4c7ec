#pragma once
// Products carry a click-to-chat link to the shop's WhatsApp number, with
// "BUY <product_id>" prefilled so the buy flow (workflows/whatsapp-buy.yaml)
// knows the product the customer asks for. The link is the whatsapp plugin's
// own (whatsapp.link, invoked like any step): the server formats no wa.me URL.

#include "http/call.hpp"

#include <string>

namespace linkhub::http {

// The shop's number: plugins.whatsapp.business_number
// (LINKHUB_PLUGIN_WHATSAPP_BUSINESS_NUMBER); empty when not configured.
std::string whatsapp_business_number(const Services& services);

// The text the link prefills for a product: "BUY 42".
std::string whatsapp_buy_text(int64_t product_id);

// Sets product["whatsapp_link"] when the number is configured and the
// whatsapp plugin is loaded; otherwise, or when the plugin refuses the number
// (logged as step_call.failed), leaves the product as it is.
void add_whatsapp_link(Call& call, Json& product);

}  // namespace linkhub::http
