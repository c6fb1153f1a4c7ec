// whatsapp.conversations and whatsapp.conversation: the stored conversations
// read back (conversation_store.hpp), for the server's conversation routes
// and for workflows.
#include "conversation_store.hpp"
#include "database.hpp"
#include "phone.hpp"
#include "settings.hpp"
#include "step_input.hpp"
#include "steps.hpp"
#include "store.hpp"

namespace linkhub::whatsapp {

using sdk::Json;

namespace {

constexpr int kMaxPage = 100;
constexpr int kDefaultPage = 50;
constexpr size_t kMaxCursor = 600;
constexpr size_t kMaxQuery = 200;

Json integer(const char* what, int max) {
  return {{"type", "integer"}, {"minimum", 1}, {"maximum", max}, {"default", kDefaultPage}, {"description", what}};
}

Json text(const char* what) {
  return {{"type", "string"}, {"description", what}};
}

Json nullable_integer(const char* what) {
  return {{"type", {"integer", "null"}}, {"description", what}};
}

Json message_schema() {
  return {{"type", "object"},
          {"properties",
           {{"id", text("The message's wamid")},
            {"direction", {{"type", "string"}, {"enum", {"in", "out"}}}},
            {"type", text("Inbound: the message type (text, interactive, image ...); outbound: the kind sent")},
            {"text", text("What was typed, tapped or sent, in one line ([image] when there are no words)")},
            {"at_ms", {{"type", "integer"}, {"description", "When it was written (inbound) or sent (outbound)"}}},
            {"status", text("received (inbound); accepted, sent, delivered, read or failed (outbound)")},
            {"statuses",
             {{"type", "array"},
              {"description", "Every status Meta reported, oldest first: {status, at_ms, error}"},
              {"items", {{"type", "object"}}}}}}},
          {"required", {"id", "direction", "type", "text", "at_ms", "status"}}};
}

}  // namespace

Json ConversationsStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"limit", integer("Conversations per page (default 50)", kMaxPage)},
            {"cursor", {{"type", {"string", "null"}}, {"description", "next_cursor of the previous page"}}},
            {"q",
             {{"type", {"string", "null"}},
              {"maxLength", kMaxQuery},
              {"description", "Part of the wa_id or of the profile name (ASCII letters in any case)"}}}}},
          {"additionalProperties", false}};
}

Json ConversationsStep::output_schema() {
  Json last = message_schema();
  last["properties"].erase("id");
  last["properties"].erase("statuses");
  last["required"] = {"direction", "type", "text", "at_ms", "status"};
  return {
      {"type", "object"},
      {"properties",
       {{"conversations",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"wa_id", text("The contact's WhatsApp id (digits)")},
              {"to", text("The same as E.164 (+digits)")},
              {"name", {{"type", {"string", "null"}}, {"description", "The profile name"}}},
              {"opted_out", {{"type", "boolean"}}},
              {"last_inbound_ms", nullable_integer("When the contact last wrote")},
              {"last_message", {{"oneOf", {last, {{"type", "null"}}}}}},
              {"messages_in", {{"type", "integer"}}},
              {"messages_out", {{"type", "integer"}}},
              {"window_open",
               {{"type", "boolean"},
                {"description", "Inside the 24-hour service window: any message may go, not only templates"}}}}},
            {"required",
             {"wa_id", "to", "name", "opted_out", "last_inbound_ms", "last_message", "messages_in", "messages_out",
              "window_open"}}}}}},
        {"next_cursor", {{"type", {"string", "null"}}, {"description", "The next page's cursor; null at the end"}}}}},
      {"required", {"conversations", "next_cursor"}}};
}

Json ConversationsStep::run(sdk::Context& ctx, const Json& input) {
  const std::string step = "whatsapp.conversations";
  const int limit = int_field(input, "limit", kDefaultPage, 1, kMaxPage, step);
  const std::string cursor = text_field(input, "cursor", kMaxCursor, step);
  const std::string q = text_field(input, "q", kMaxQuery, step);
  const Settings settings = read_settings(ctx, step);
  Database& db = database_for(ctx, settings.database, step);
  return db.read([&](soci::session& sql) { return list_conversations(sql, limit, cursor, q, now_ms()); });
}

Json ConversationStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"wa_id", text("The contact: its wa_id (digits) or E.164 number")},
            {"limit", integer("Messages per page (default 50)", kMaxPage)},
            {"before", {{"type", {"string", "null"}}, {"description", "next_before of the previous page"}}}}},
          {"required", {"wa_id"}},
          {"additionalProperties", false}};
}

Json ConversationStep::output_schema() {
  return {{"type", "object"},
          {"properties",
           {{"contact",
             {{"type", "object"},
              {"description",
               "{wa_id, to, name, opted_in, opted_in_ms, opted_out, opted_out_ms, last_inbound_ms, "
               "last_outbound_ms, window_open, window_closes_ms, created_ms}"},
              {"required", {"wa_id", "to", "opted_out", "window_open"}}}},
            {"messages", {{"type", "array"}, {"items", message_schema()}, {"description", "Newest first"}}},
            {"next_before",
             {{"type", {"string", "null"}}, {"description", "The cursor for older messages; null at the first"}}}}},
          {"required", {"contact", "messages", "next_before"}}};
}

Json ConversationStep::run(sdk::Context& ctx, const Json& input) {
  const std::string step = "whatsapp.conversation";
  const auto to = input.find("wa_id");
  std::string why = "must be a string";
  const auto wa_id = to != input.end() && to->is_string() ? e164_digits(to->get<std::string>(), why) : std::nullopt;
  if (!wa_id) {
    throw sdk::StepError(sdk::errors::invalid_input,
                         step + ": `wa_id` " + why + " (digits, or E.164 such as +15551234567)", false,
                         {{"field", "wa_id"}});
  }
  const int limit = int_field(input, "limit", kDefaultPage, 1, kMaxPage, step);
  const std::string before = text_field(input, "before", kMaxCursor, step);
  const Settings settings = read_settings(ctx, step);
  Database& db = database_for(ctx, settings.database, step);
  auto out = db.read([&](soci::session& sql) { return read_conversation(sql, *wa_id, limit, before, now_ms()); });
  if (!out) {
    throw sdk::StepError(sdk::errors::not_found,
                         step + ": no contact " + *wa_id +
                             " (nobody with that number wrote "
                             "to, or was sent to from, this number)",
                         false, {{"wa_id", *wa_id}});
  }
  return std::move(*out);
}

}  // namespace linkhub::whatsapp
