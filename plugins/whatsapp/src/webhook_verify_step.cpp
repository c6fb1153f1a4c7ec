#include "signature.hpp"
#include "steps.hpp"

namespace linkhub::whatsapp {

using sdk::Json;

Json WebhookVerifyStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"mode", {{"type", "string"}, {"description", "hub.mode from the query (subscribe)"}}},
            {"verify_token", {{"type", "string"}, {"description", "hub.verify_token from the query"}}},
            {"challenge", {{"type", "string"}, {"description", "hub.challenge from the query"}}}}},
          {"additionalProperties", false},
          {"examples", {{{"mode", "subscribe"}, {"verify_token", "not-the-token"}, {"challenge", "1158201444"}}}}};
}

Json WebhookVerifyStep::output_schema() {
  return {{"type", "object"},
          {"properties",
           {{"ok", {{"type", "boolean"}, {"description", "Answer 200 with the challenge when true, 403 otherwise"}}},
            {"challenge", {{"type", "string"}, {"description", "The challenge to echo (empty unless ok)"}}}}},
          {"required", {"ok", "challenge"}}};
}

Json WebhookVerifyStep::run(sdk::Context& ctx, const Json& input) {
  const auto text = [&](const char* key) {
    const auto it = input.find(key);
    return it != input.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const auto secret = ctx.secret("WHATSAPP_VERIFY_TOKEN");
  if (!secret || secret->empty()) {
    ctx.warn("whatsapp.webhook_verify: the secret WHATSAPP_VERIFY_TOKEN is not set: every handshake is refused");
    return {{"ok", false}, {"challenge", ""}};
  }
  const bool ok = text("mode") == "subscribe" && constant_time_equal(text("verify_token"), *secret);
  return {{"ok", ok}, {"challenge", ok ? text("challenge") : std::string()}};
}

}  // namespace linkhub::whatsapp
