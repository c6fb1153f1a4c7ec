#include "http/whatsapp_product_link.hpp"

#include "http/step_call.hpp"

namespace linkhub::http {

namespace {
constexpr const char* kLinkStep = "whatsapp.link";
}  // namespace

std::string whatsapp_business_number(const Services& services) {
  const Json& configs = services.steps.plugin_configs;
  if (!configs.is_object() || !configs.contains("whatsapp") || !configs["whatsapp"].is_object()) {
    return "";
  }
  const Json& whatsapp = configs["whatsapp"];
  const auto it = whatsapp.find("business_number");
  if (it == whatsapp.end()) {
    return "";
  }
  if (it->is_string()) {
    return it->get<std::string>();
  }
  // An environment variable or YAML scalar of digits alone arrives as a number.
  if (it->is_number_unsigned() || (it->is_number_integer() && it->get<int64_t>() > 0)) {
    return "+" + std::to_string(it->get<int64_t>());
  }
  return "";
}

std::string whatsapp_buy_text(int64_t product_id) {
  return "BUY " + std::to_string(product_id);
}

void add_whatsapp_link(Call& call, Json& product) {
  const std::string number = whatsapp_business_number(call.services);
  if (number.empty() || call.services.host.step(kLinkStep) == nullptr || !product.is_object() ||
      !product.contains("product_id") || !product["product_id"].is_number_integer()) {
    return;
  }
  const auto link = invoke_step(
      call, kLinkStep, Json{{"to", number}, {"text", whatsapp_buy_text(product["product_id"].get<int64_t>())}});
  if (link && link->is_object() && link->contains("url") && (*link)["url"].is_string()) {
    product["whatsapp_link"] = (*link)["url"];
  }
}

}  // namespace linkhub::http
