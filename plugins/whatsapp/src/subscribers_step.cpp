// whatsapp.subscribers: who an announcement may go to, a page at a time.
#include "conversation_store.hpp"
#include "database.hpp"
#include "settings.hpp"
#include "step_input.hpp"
#include "steps.hpp"

namespace linkhub::whatsapp {

using sdk::Json;

namespace {

constexpr int kMaxPage = 1000;
constexpr int kDefaultPage = 100;

}  // namespace

Json SubscribersStep::input_schema() {
  return {
      {"type", "object"},
      {"properties",
       {{"limit",
         {{"type", "integer"},
          {"minimum", 1},
          {"maximum", kMaxPage},
          {"default", kDefaultPage},
          {"description", "Contacts per page (default 100)"}}},
        {"cursor", {{"type", {"string", "null"}}, {"description", "next_cursor of the previous page"}}},
        {"opted_in_only",
         {{"type", "boolean"},
          {"default", false},
          {"description", "Only contacts who opted in with a word such as START (default: also those who wrote)"}}}}},
      {"additionalProperties", false}};
}

Json SubscribersStep::output_schema() {
  return {
      {"type", "object"},
      {"properties",
       {{"subscribers",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"wa_id", {{"type", "string"}}},
              {"to", {{"type", "string"}, {"description", "E.164, as whatsapp.send takes it"}}},
              {"name", {{"type", {"string", "null"}}}},
              {"opted_in", {{"type", "boolean"}}},
              {"last_inbound_ms", {{"type", {"integer", "null"}}}}}},
            {"required", {"wa_id", "to", "name", "opted_in", "last_inbound_ms"}}}}}},
        {"next_cursor", {{"type", {"string", "null"}}, {"description", "The next page's cursor; null at the end"}}}}},
      {"required", {"subscribers", "next_cursor"}}};
}

Json SubscribersStep::run(sdk::Context& ctx, const Json& input) {
  const std::string step = "whatsapp.subscribers";
  const int limit = int_field(input, "limit", kDefaultPage, 1, kMaxPage, step);
  const std::string cursor = text_field(input, "cursor", 40, step);
  const auto only = input.find("opted_in_only");
  const bool opted_in_only = only != input.end() && only->is_boolean() && only->get<bool>();
  const Settings settings = read_settings(ctx, step);
  Database& db = database_for(ctx, settings.database, step);
  return db.read([&](soci::session& sql) { return list_subscribers(sql, limit, cursor, opted_in_only); });
}

}  // namespace linkhub::whatsapp
