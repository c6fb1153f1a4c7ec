#include "database.hpp"
#include "error_reasons.hpp"
#include "settings.hpp"
#include "signature.hpp"
#include "steps.hpp"
#include "store.hpp"
#include "webhook_payload.hpp"

namespace linkhub::whatsapp {

using sdk::Json;

namespace {

constexpr const char* kStep = "whatsapp.receive";

}  // namespace

Json ReceiveStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"body", {{"type", "string"}, {"description", "The request body exactly as received (the bytes signed)"}}},
            {"signature",
             {{"type", "string"}, {"description", "The X-Hub-Signature-256 header: sha256=<hex HMAC of the body>"}}}}},
          {"required", {"body"}},
          {"additionalProperties", false}};
}

Json ReceiveStep::output_schema() {
  return {{"type", "object"},
          {"properties",
           {{"messages",
             {{"type", "array"},
              {"description",
               "New inbound messages: {id, from, type, timestamp, profile_name, text | button | list | image | "
               "audio | video | document | sticker | location | contacts | reaction | order, context, key: "
               "\"wa:<from>\", opted_out}"},
              {"items",
               {{"type", "object"},
                {"properties",
                 {{"id", {{"type", "string"}}},
                  {"from", {{"type", "string"}}},
                  {"type", {{"type", "string"}}},
                  {"key", {{"type", "string"}}},
                  {"opted_out", {{"type", "boolean"}}}}},
                {"required", {"id", "from", "type", "key", "opted_out"}}}}}},
            {"statuses",
             {{"type", "array"},
              {"description", "New statuses of sent messages: {id, status, recipient_id, timestamp, errors}"},
              {"items", {{"type", "object"}}}}},
            {"duplicates",
             {{"type", "integer"}, {"description", "Messages and statuses already stored by an earlier delivery"}}}}},
          {"required", {"messages", "statuses", "duplicates"}}};
}

Json ReceiveStep::run(sdk::Context& ctx, const Json& input) {
  const Settings settings = read_settings(ctx, kStep);
  const std::string app_secret = required_secret(ctx, "WHATSAPP_APP_SECRET", kStep);
  const auto body = input.find("body");
  if (body == input.end() || !body->is_string()) {
    throw sdk::StepError(sdk::errors::invalid_input, std::string(kStep) + ": `body` must be the raw request body");
  }
  const std::string signature = input.value("signature", Json("")).is_string() ? input.value("signature", "") : "";
  if (signature.empty()) {
    throw sdk::StepError(sdk::errors::unauthorized,
                         std::string(kStep) + ": the delivery has no X-Hub-Signature-256 header; nothing was stored",
                         false, {{"reason", reasons::kMissingSignature}});
  }
  if (!signature_matches(app_secret, body->get_ref<const std::string&>(), signature)) {
    throw sdk::StepError(sdk::errors::unauthorized,
                         std::string(kStep) +
                             ": X-Hub-Signature-256 does not match the body signed with the app "
                             "secret (WHATSAPP_APP_SECRET); nothing was stored",
                         false, {{"reason", reasons::kBadSignature}});
  }
  WebhookDelivery delivery;
  try {
    delivery = parse_webhook_payload(body->get_ref<const std::string&>());
  } catch (const WebhookPayloadError& e) {
    throw sdk::StepError(sdk::errors::invalid_input, std::string(kStep) + ": " + e.what());
  }
  Database& db = database_for(ctx, settings.database, kStep);
  const StoredDelivery stored = db.write([&](soci::session& sql) { return store_delivery(sql, delivery, now_ms()); });

  Json messages = Json::array();
  Json statuses = Json::array();
  int64_t duplicates = 0;
  for (size_t i = 0; i < delivery.messages.size(); ++i) {
    if (!stored.is_new[i]) {
      ++duplicates;
      continue;
    }
    Json record = delivery.messages[i].record;
    record["key"] = "wa:" + delivery.messages[i].from;
    record["opted_out"] = static_cast<bool>(stored.opted_out[i]);
    messages.push_back(std::move(record));
  }
  for (size_t i = 0; i < delivery.statuses.size(); ++i) {
    if (!stored.status_is_new[i]) {
      ++duplicates;
      continue;
    }
    statuses.push_back(delivery.statuses[i].record);
  }
  return {{"messages", std::move(messages)}, {"statuses", std::move(statuses)}, {"duplicates", duplicates}};
}

}  // namespace linkhub::whatsapp
