#include "phone.hpp"
#include "steps.hpp"

#include <linkhub/http_client.hpp>

namespace linkhub::whatsapp {

using sdk::Json;

Json LinkStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"to", {{"type", "string"}, {"description", "The number to chat with, E.164 (+15551234567)"}}},
            {"text", {{"type", "string"}, {"maxLength", 2000}, {"description", "Text to prefill (optional)"}}}}},
          {"required", {"to"}},
          {"additionalProperties", false},
          {"examples", {{{"to", "+15551234567"}, {"text", "Hi! I want to buy A-12"}}}}};
}

Json LinkStep::output_schema() {
  return {{"type", "object"},
          {"properties",
           {{"url", {{"type", "string"}, {"description", "https://wa.me/<digits>?text=<URL-encoded text>"}}},
            {"to", {{"type", "string"}}}}},
          {"required", {"url", "to"}}};
}

Json LinkStep::run(sdk::Context&, const Json& input) {
  const auto to = input.find("to");
  std::string why = "must be a string";
  const auto digits = to != input.end() && to->is_string() ? e164_digits(to->get<std::string>(), why) : std::nullopt;
  if (!digits) {
    throw sdk::StepError(sdk::errors::invalid_input,
                         "whatsapp.link: `to` " + why +
                             " (an E.164 number such as "
                             "+15551234567)",
                         false, {{"field", "to"}});
  }
  std::string url = "https://wa.me/" + *digits;
  if (const auto text = input.find("text");
      text != input.end() && text->is_string() && !text->get<std::string>().empty()) {
    url += "?text=" + sdk::http::percent_encode(text->get<std::string>());
  }
  return {{"url", url}, {"to", "+" + *digits}};
}

}  // namespace linkhub::whatsapp
