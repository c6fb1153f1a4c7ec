#include "http/openapi.hpp"

#include <linkhub/engine/error_codes.hpp>

#include <cctype>

namespace linkhub::http {
namespace {

Json str() {
  return Json{{"type", "string"}};
}
Json integer() {
  return Json{{"type", "integer"}, {"format", "int64"}};
}
Json nullable(Json schema) {
  schema["nullable"] = true;
  return schema;
}
Json any() {
  return Json::object();
}
Json array_of(Json items) {
  return Json{{"type", "array"}, {"items", std::move(items)}};
}
Json ref(const std::string& name) {
  return Json{{"$ref", "#/components/schemas/" + name}};
}
Json object(Json properties, Json required = Json::array()) {
  Json j{{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) {
    j["required"] = std::move(required);
  }
  return j;
}

Json role() {
  return Json{{"type", "string"}, {"enum", {"viewer", "operator", "admin"}}};
}

Json run_status() {
  return Json{{"type", "string"}, {"enum", {"queued", "running", "waiting", "succeeded", "failed", "cancelled"}}};
}

// A failed run's or step's code (engine/include/linkhub/engine/error_codes.hpp):
// a plugin may add codes of the same shape, so the list is an example, not an enum.
Json error_code_schema() {
  Json schema = nullable(str());
  schema["pattern"] = "^[a-z][a-z0-9_]*$";
  schema["examples"] = Json::array();
  for (std::string_view code : error_codes::all()) {
    schema["examples"].push_back(std::string(code));
  }
  return schema;
}

Json step_schema() {
  return object(
      {{"step", str()},
       {"index", integer()},
       {"status",
        Json{{"type", "string"},
             {"enum", {"pending", "running", "retrying", "waiting", "succeeded", "failed", "skipped", "cancelled"}}}},
       {"attempts", integer()},
       {"started_ms", integer()},
       {"finished_ms", integer()},
       {"duration_ms", nullable(integer())},
       {"input", any()},
       {"output", any()},
       {"error", nullable(str())},
       {"error_code", error_code_schema()},
       {"error_details", nullable(Json{{"type", "object"}})},
       {"items", array_of(ref("Step"))}},
      {"step", "status", "attempts"});
}

Json number() {
  return Json{{"type", "number"}};
}
Json price() {
  return object({{"amount", number()}, {"currency", str()}}, {"amount", "currency"});
}
Json category() {
  return object({{"id", str()}, {"path", str()}}, {"id", "path"});
}

// A product as the catalog plugin keeps it (plugins/catalog/README.md).
Json product_schema() {
  const Json open_object{{"type", "object"}};
  const Json whatsapp_link{{"type", "string"},
                           {"description",
                            "https://wa.me/<the shop's number>?text=BUY%20<product_id>; only when "
                            "plugins.whatsapp.business_number is set and the whatsapp plugin is loaded"}};
  return object({{"product_id", integer()},
                 {"source", str()},
                 {"video_id", str()},
                 {"url", nullable(str())},
                 {"title", nullable(str())},
                 {"description", nullable(str())},
                 {"author", nullable(str())},
                 {"author_id", nullable(str())},
                 {"price", nullable(price())},
                 {"prices", array_of(open_object)},
                 {"category", nullable(category())},
                 {"tags", array_of(str())},
                 {"hashtags", array_of(str())},
                 {"cta", Json{{"type", "array"}}},
                 {"language", nullable(str())},
                 {"thumbnails", array_of(open_object)},
                 {"cover", nullable(open_object)},
                 {"video", nullable(open_object)},
                 {"stats", open_object},
                 {"created_at", nullable(str())},
                 {"extra", open_object},
                 {"version", integer()},
                 {"added_at", str()},
                 {"updated_at", str()},
                 {"run_id", nullable(str())},
                 {"whatsapp_link", whatsapp_link}},
                {"product_id", "source", "video_id", "version"});
}

// An order as the catalog plugin keeps it (plugins/catalog/README.md, catalog.order_create).
Json order_schema() {
  const Json change =
      object({{"status", str()}, {"at_ms", integer()}, {"note", nullable(str())}, {"by", nullable(str())}},
             {"status", "at_ms"});
  return object(
      {{"id", integer()},
       {"number", Json{{"type", "string"}, {"description", "LH- and the id, at least 6 digits: LH-000042"}}},
       {"product_id", integer()},
       {"product_title", nullable(str())},
       {"quantity", integer()},
       {"variant", nullable(str())},
       {"unit_price", price()},
       {"total", price()},
       {"customer_wa_id", str()},
       {"customer_name", nullable(str())},
       {"status", Json{{"type", "string"}, {"enum", {"requested", "confirmed", "cancelled", "fulfilled"}}}},
       {"history", array_of(change)},
       {"created_ms", integer()},
       {"updated_ms", integer()},
       {"run_id", nullable(str())}},
      {"id", "number", "product_id", "quantity", "unit_price", "total", "customer_wa_id", "status", "history"});
}

Json components() {
  Json product_detail = product_schema();
  product_detail["properties"]["price_history"] = array_of(ref("PriceChange"));
  Json run_summary = object({{"id", str()},
                             {"workflow", str()},
                             {"workflow_version", integer()},
                             {"status", run_status()},
                             {"error", nullable(str())},
                             {"error_code", error_code_schema()},
                             {"error_details", nullable(Json{{"type", "object"}})},
                             {"idempotency_key", nullable(str())},
                             {"created_ms", integer()},
                             {"started_ms", integer()},
                             {"finished_ms", integer()},
                             {"duration_ms", nullable(integer())}},
                            {"id", "workflow", "status", "created_ms"});
  Json run_detail = run_summary;
  run_detail["properties"]["workflow_hash"] = str();
  run_detail["properties"]["inputs"] = Json{{"type", "object"}};
  run_detail["properties"]["outputs"] = Json{{"type", "object"}};
  run_detail["properties"]["dead_letters"] = integer();
  run_detail["properties"]["steps"] = array_of(ref("Step"));
  // core.wait_for / core.sleep steps of an unfinished run: what each waits for, until when.
  run_detail["properties"]["waits"] = array_of(object({{"step", str()},
                                                       {"key", nullable(str())},
                                                       {"deadline_ms", nullable(integer())},
                                                       {"state", Json{{"enum", {"waiting", "received", "timed_out"}}}},
                                                       {"since_ms", integer()}},
                                                      {"step", "state"}));
  Json schemas{
      {"Error", object({{"error", object({{"code", str()}, {"message", str()}, {"details", Json{{"type", "object"}}}},
                                         {"code", "message", "details"})}},
                       {"error"})},
      {"RunSummary", run_summary},
      {"RunDetail", run_detail},
      {"Step", step_schema()},
      {"RunList", object({{"runs", array_of(ref("RunSummary"))}, {"next_cursor", nullable(str())}}, {"runs"})},
      {"Event", object({{"seq", integer()},
                        {"time_ms", integer()},
                        {"type", str()},
                        {"step", nullable(str())},
                        {"index", integer()},
                        {"payload", Json{{"type", "object"}}}},
                       {"seq", "time_ms", "type", "payload"})},
      {"EventList",
       object(
           {{"run_id", str()}, {"status", run_status()}, {"events", array_of(ref("Event"))}, {"next_after", integer()}},
           {"events", "next_after"})},
      {"Accepted", object({{"run_id", str()},
                           {"workflow", str()},
                           {"status", run_status()},
                           {"replay", Json{{"type", "boolean"}, {"description", "Webhooks: a replayed delivery."}}},
                           {"links", object({{"self", str()}, {"events", str()}, {"stream", str()}})}},
                          {"run_id", "status"})},
      {"EventDelivered", object({{"delivered", Json{{"type", "boolean"}}},
                                 {"key", str()},
                                 {"run_id", str()},
                                 {"step", Json{{"type", "string"}, {"description", "The core.wait_for step."}}}},
                                {"delivered", "key", "run_id", "step"})},
      {"TriggerRequest", Json{{"type", "object"},
                              {"properties", {{"inputs", Json{{"type", "object"}}}}},
                              {"additionalProperties", false}}},
      {"RetryRequest", Json{{"type", "object"}, {"properties", {{"from", str()}}}, {"additionalProperties", false}}},
      {"ValidateRequest", Json{{"type", "object"},
                               {"properties", {{"yaml", str()}, {"file", str()}}},
                               {"required", {"yaml"}},
                               {"additionalProperties", false}}},
      {"Diagnostic", object({{"file", str()},
                             {"line", integer()},
                             {"column", integer()},
                             {"step", nullable(str())},
                             {"code", str()},
                             {"message", str()},
                             {"severity", Json{{"enum", {"error", "warning"}}}}},
                            {"file", "line", "column", "code", "message"})},
      {"ValidateResult", object({{"valid", Json{{"type", "boolean"}}}, {"diagnostics", array_of(ref("Diagnostic"))}},
                                {"valid", "diagnostics"})},
      {"WorkflowSummary",
       object({{"name", str()},
               {"version", integer()},
               {"description", str()},
               {"hash", str()},
               {"registered", ref("Registration")},
               {"triggers", Json{{"type", "array"}}},
               {"steps", integer()},
               {"last_run", nullable(object({{"id", str()}, {"status", run_status()}, {"created_ms", integer()}}))}},
              {"name", "version"})},
      {"Registered", object({{"name", str()},
                             {"version", integer()},
                             {"hash", str()},
                             {"status", Json{{"type", "string"}, {"enum", {"created", "replaced", "unchanged"}}}}},
                            {"name", "version", "hash", "status"})},
      {"Registration", object({{"origin", Json{{"type", "string"}, {"enum", {"file", "api"}}}},
                               {"updated_by", str()},
                               {"updated_ms", integer()}})},
      {"WorkflowList", object({{"workflows", array_of(ref("WorkflowSummary"))}}, {"workflows"})},
      {"WorkflowDetail",
       object({{"name", str()},
               {"version", integer()},
               {"description", str()},
               {"hash", str()},
               {"registered", ref("Registration")},
               {"file", str()},
               {"source", str()},
               {"triggers", Json{{"type", "array"}}},
               {"concurrency", integer()},
               {"input_schema", Json{{"type", "object"}, {"description", "A JSON Schema."}}},
               {"outputs", array_of(str())},
               {"dag", object({{"nodes", array_of(object({{"id", str()},
                                                          {"uses", str()},
                                                          {"plugin", str()},
                                                          {"step", str()},
                                                          {"description", str()},
                                                          {"needs", array_of(str())},
                                                          {"foreach", Json{{"type", "boolean"}}},
                                                          {"conditional", Json{{"type", "boolean"}}}}))},
                               {"edges", array_of(object({{"from", str()}, {"to", str()}}))}})}},
              {"name", "source", "dag", "input_schema"})},
      {"DeadLetter", object({{"run_id", str()},
                             {"workflow", str()},
                             {"step", str()},
                             {"index", integer()},
                             {"attempts", integer()},
                             {"input", any()},
                             {"error", str()},
                             {"created_ms", integer()},
                             {"requeued_ms", nullable(integer())}})},
      {"DeadLetterList", object({{"dead_letters", array_of(ref("DeadLetter"))}}, {"dead_letters"})},
      {"Plugin", object({{"name", str()},
                         {"version", str()},
                         {"description", str()},
                         {"api_version", str()},
                         {"steps", array_of(object({{"uses", str()},
                                                    {"description", str()},
                                                    {"pure", Json{{"type", "boolean"}}},
                                                    {"input_schema", Json{{"type", "object"}}},
                                                    {"output_schema", Json{{"type", "object"}}}}))}})},
      {"PluginList", object({{"plugins", array_of(ref("Plugin"))},
                             {"skipped", array_of(object({{"path", str()}, {"message", str()}}))}})},
      {"Ready", object({{"status", str()}, {"checks", Json{{"type", "object"}}}})},
      {"RunOutcomes", object({{"succeeded", integer()},
                              {"failed", integer()},
                              {"cancelled", integer()},
                              {"unfinished", integer()},
                              {"failure_rate", nullable(number())}},
                             {"succeeded", "failed", "cancelled", "unfinished", "failure_rate"})},
      {"PluginUnavailable", object({{"available", Json{{"type", "boolean"}, {"enum", {false}}}},
                                    {"error", object({{"code", str()}, {"message", str()}}, {"code", "message"})}},
                                   {"available", "error"})},
      {"Summary",
       object(
           {{"generated_ms", integer()},
            {"runs", object({{"per_minute", object({{"start_ms", integer()}, {"counts", array_of(integer())}},
                                                   {"start_ms", "counts"})},
                             {"last_hour", ref("RunOutcomes")},
                             {"last_day", ref("RunOutcomes")}},
                            {"per_minute", "last_hour", "last_day"})},
            {"queue", object({{"queued", integer()}, {"running", integer()}, {"waiting", integer()}},
                             {"queued", "running", "waiting"})},
            {"nodes", array_of(object({{"node", str()},
                                       {"runs", integer()},
                                       {"live_runs", integer()},
                                       {"lease_expires_ms", integer()},
                                       {"alive", Json{{"type", "boolean"}}}}))},
            {"slowest_steps", object({{"window_ms", integer()},
                                      {"truncated", Json{{"type", "boolean"}}},
                                      {"steps", array_of(object({{"step", str()},
                                                                 {"plugin", str()},
                                                                 {"count", integer()},
                                                                 {"failed", integer()},
                                                                 {"p50_ms", integer()},
                                                                 {"p95_ms", integer()},
                                                                 {"max_ms", integer()}}))}})},
            {"days", integer()},
            {"catalog", Json{{"oneOf",
                              {object({{"available", Json{{"type", "boolean"}}},
                                       {"products_per_day", array_of(object({{"day", str()}, {"count", integer()}}))},
                                       {"orders_per_day", array_of(object({{"day", str()}, {"count", integer()}}))}}),
                               ref("PluginUnavailable")}}}},
            {"whatsapp", Json{{"oneOf",
                               {object({{"available", Json{{"type", "boolean"}}},
                                        {"messages_per_day",
                                         array_of(object({{"day", str()}, {"in", integer()}, {"out", integer()}}))}}),
                                ref("PluginUnavailable")}}}}},
           {"generated_ms", "runs", "queue", "nodes", "slowest_steps", "days", "catalog", "whatsapp"})},
      {"Product", product_schema()},
      {"ProductDetail", product_detail},
      {"PriceChange",
       object(
           {{"amount", nullable(number())}, {"currency", nullable(str())}, {"at", str()}, {"run_id", nullable(str())}},
           {"amount", "currency", "at"})},
      {"ProductList",
       object({{"products", array_of(ref("Product"))}, {"next_cursor", nullable(str())}, {"total", integer()}},
              {"products", "next_cursor"})},
      {"ConversationMessage",
       object(
           {{"id", str()},
            {"direction", Json{{"type", "string"}, {"enum", {"in", "out"}}}},
            {"type", str()},
            {"text", str()},
            {"at_ms", integer()},
            {"status", str()},
            {"statuses", array_of(object({{"status", str()}, {"at_ms", integer()}, {"error", Json{{"type", "object"}}}},
                                         {"status", "at_ms"}))}},
           {"id", "direction", "type", "text", "at_ms", "status"})},
      {"ConversationSummary",
       object({{"wa_id", str()},
               {"to", str()},
               {"name", nullable(str())},
               {"opted_out", Json{{"type", "boolean"}}},
               {"last_inbound_ms", nullable(integer())},
               {"last_message",
                nullable(object(
                    {{"direction", str()}, {"type", str()}, {"text", str()}, {"at_ms", integer()}, {"status", str()}},
                    {"direction", "type", "text", "at_ms", "status"}))},
               {"messages_in", integer()},
               {"messages_out", integer()},
               {"window_open", Json{{"type", "boolean"}}}},
              {"wa_id", "name", "opted_out", "last_inbound_ms", "last_message", "messages_in", "messages_out",
               "window_open"})},
      {"ConversationList",
       object({{"conversations", array_of(ref("ConversationSummary"))}, {"next_cursor", nullable(str())}},
              {"conversations", "next_cursor"})},
      {"Conversation", object({{"contact", object({{"wa_id", str()},
                                                   {"to", str()},
                                                   {"name", nullable(str())},
                                                   {"opted_in", Json{{"type", "boolean"}}},
                                                   {"opted_in_ms", nullable(integer())},
                                                   {"opted_out", Json{{"type", "boolean"}}},
                                                   {"opted_out_ms", nullable(integer())},
                                                   {"last_inbound_ms", nullable(integer())},
                                                   {"last_outbound_ms", nullable(integer())},
                                                   {"window_open", Json{{"type", "boolean"}}},
                                                   {"window_closes_ms", nullable(integer())},
                                                   {"created_ms", integer()}},
                                                  {"wa_id", "opted_out", "window_open"})},
                               {"messages", array_of(ref("ConversationMessage"))},
                               {"next_before", nullable(str())}},
                              {"contact", "messages", "next_before"})},
      {"Order", order_schema()},
      {"OrderList",
       object({{"orders", array_of(ref("Order"))}, {"next_cursor", nullable(str())}}, {"orders", "next_cursor"})},
      {"OrderPatch", Json{{"type", "object"},
                          {"properties",
                           {{"status", Json{{"type", "string"}, {"enum", {"confirmed", "cancelled", "fulfilled"}}}},
                            {"note", nullable(str())}}},
                          {"required", {"status"}},
                          {"additionalProperties", false}}},
      {"ProductPatch", Json{{"type", "object"},
                            {"properties",
                             {{"title", nullable(str())},
                              {"description", nullable(str())},
                              {"price", nullable(price())},
                              {"category", nullable(category())},
                              {"tags", nullable(array_of(str()))}}},
                            {"minProperties", 1},
                            {"additionalProperties", false}}},
      {"LoginRequest",
       Json{{"type", "object"},
            {"properties", {{"username", str()}, {"password", Json{{"type", "string"}, {"format", "password"}}}}},
            {"required", {"username", "password"}},
            {"additionalProperties", false}}},
      {"RefreshRequest", Json{{"type", "object"},
                              {"properties", {{"refresh_token", str()}}},
                              {"required", {"refresh_token"}},
                              {"additionalProperties", false}}},
      {"TokenPair", object({{"access_token", str()},
                            {"token_type", Json{{"type", "string"}, {"enum", {"Bearer"}}}},
                            {"expires_in", integer()},
                            {"refresh_token", str()},
                            {"refresh_expires_in", integer()},
                            {"role", role()},
                            {"user", str()}},
                           {"access_token", "token_type", "expires_in", "refresh_token", "role"})},
      {"Principal", object({{"kind", Json{{"type", "string"}, {"enum", {"key", "user", "anonymous"}}}},
                            {"id", str()},
                            {"name", str()},
                            {"role", role()}},
                           {"kind", "id", "role"})},
      {"ApiKey", object({{"id", str()},
                         {"name", str()},
                         {"role", role()},
                         {"created_ms", integer()},
                         {"last_used_ms", nullable(integer())},
                         {"revoked_ms", nullable(integer())}},
                        {"id", "role", "created_ms"})},
      {"ApiKeyList", object({{"keys", array_of(ref("ApiKey"))}}, {"keys"})},
      {"CreateKeyRequest", Json{{"type", "object"},
                                {"properties", {{"role", role()}, {"name", str()}}},
                                {"required", {"role"}},
                                {"additionalProperties", false}}},
      {"CreatedApiKey", object({{"id", str()},
                                {"name", str()},
                                {"role", role()},
                                {"created_ms", integer()},
                                {"key", str()},
                                {"note", str()}},
                               {"id", "role", "key"})},
      {"User",
       object({{"name", str()}, {"role", role()}, {"created_ms", integer()}, {"disabled", Json{{"type", "boolean"}}}},
              {"name", "role"})},
      {"UserList", object({{"users", array_of(ref("User"))}}, {"users"})},
      {"CreateUserRequest", Json{{"type", "object"},
                                 {"properties", {{"name", str()}, {"role", role()}, {"password", str()}}},
                                 {"required", {"name", "role", "password"}},
                                 {"additionalProperties", false}}},
      {"UserChangeRequest",
       Json{{"type", "object"},
            {"properties", {{"role", role()}, {"disabled", Json{{"type", "boolean"}}}, {"password", str()}}},
            {"minProperties", 1},
            {"additionalProperties", false}}},
  };
  Json security{
      {"bearer",
       {{"type", "http"},
        {"scheme", "bearer"},
        {"description",
         "An API key (lhk_..., from `linkhub keys create` or POST /api/v1/keys) or an access token from POST "
         "/api/v1/auth/login."}}},
      {"apiKey", {{"type", "apiKey"}, {"in", "header"}, {"name", "X-API-Key"}, {"description", "An API key."}}},
  };
  return Json{{"schemas", std::move(schemas)}, {"securitySchemes", std::move(security)}};
}

// "POST /api/v1/runs/{id}/retry" -> "post_api_v1_runs_id_retry"
std::string operation_id(const Route& route) {
  std::string out;
  for (char c : route.method + route.pattern) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && out.back() == '_') {
    out.pop_back();
  }
  return out;
}

Json operation(const Route& route) {
  Json op{{"operationId", operation_id(route)},
          {"summary", route.summary},
          {"description", route.description},
          {"x-linkhub-role", std::string(to_string(route.role))}};
  Json parameters = Json::array();
  for (const auto& segment : split_pattern(route.pattern)) {
    if (segment.size() > 2 && segment.front() == '{') {
      parameters.push_back(
          Json{{"name", segment.substr(1, segment.size() - 2)}, {"in", "path"}, {"required", true}, {"schema", str()}});
    }
  }
  for (const auto& q : route.query) {
    parameters.push_back(Json{{"name", q.name}, {"in", "query"}, {"description", q.description}, {"schema", q.schema}});
  }
  for (const auto& h : route.headers) {
    parameters.push_back(
        Json{{"name", h.name}, {"in", "header"}, {"description", h.description}, {"schema", h.schema}});
  }
  parameters.push_back(Json{{"name", "X-Request-Id"},
                            {"in", "header"},
                            {"description", "Echoed in the response and the access log; made up when absent."},
                            {"schema", str()}});
  op["parameters"] = std::move(parameters);
  if (route.body) {
    Json content = Json::object();
    for (const auto& media : route.body->media_types) {
      Json entry{{"schema", media == "application/json" ? route.body->schema : str()}};
      if (media == "application/json" && !route.body->example.is_null()) {
        entry["example"] = route.body->example;
      }
      content[media] = std::move(entry);
    }
    op["requestBody"] = Json{{"required", false}, {"description", route.body->description}, {"content", content}};
  }
  Json responses = Json::object();
  const auto add = [&](int status, const std::string& description, const Json& schema, const std::string& media) {
    const std::string key = std::to_string(status);
    if (responses.contains(key)) {
      responses[key]["description"] = responses[key]["description"].get<std::string>() + " / " + description;
      return;
    }
    Json r{{"description", description}};
    if (!schema.is_null() || status >= 400) {
      r["content"] = Json{{media, {{"schema", status >= 400 ? ref("Error") : schema}}}};
    }
    responses[key] = std::move(r);
  };
  for (const auto& r : route.responses) {
    add(r.status, r.description, r.schema, r.media_type);
  }
  if (route.role == Role::Public) {
    op["security"] = Json::array();  // no credentials needed
  } else {
    op["security"] = Json::array({Json{{"bearer", Json::array()}}, Json{{"apiKey", Json::array()}}});
    add(401,
        "No credentials, or credentials that are malformed, forged, expired or revoked (unauthenticated, "
        "invalid_token, token_expired, key_revoked, user_disabled). The WWW-Authenticate header says Bearer.",
        nullptr, "application/json");
    add(403, "The caller's role is below " + std::string(to_string(route.role)) + " (forbidden).", nullptr,
        "application/json");
    add(429,
        "The caller's rate limit is spent, or its address failed authentication too often (rate_limited); "
        "Retry-After says how many seconds to wait.",
        nullptr, "application/json");
  }
  add(405, "The path exists but not with this method (the Allow header lists those it has).", nullptr,
      "application/json");
  add(500, "An unexpected failure; the message and the request id are in the log.", nullptr, "application/json");
  op["responses"] = std::move(responses);
  return op;
}

}  // namespace

Json openapi_document(const std::vector<Route>& routes) {
  Json paths = Json::object();
  for (const auto& route : routes) {
    std::string method = route.method;
    for (auto& c : method) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    paths[route.pattern][method] = operation(route);
  }
  return Json{{"openapi", "3.0.3"},
              {"info",
               {{"title", "linkhub API"},
                {"version", "1"},
                {"description",
                 "Workflows, runs, events and plugins of a linkhub serve process. Every error is "
                 "{\"error\": {\"code\", \"message\", \"details\"}}. Each operation's x-linkhub-role is the least "
                 "role it needs (viewer < operator < admin; public needs no credentials). Send an API key or an "
                 "access token as `Authorization: Bearer ...`."}}},
              {"servers", Json::array({Json{{"url", "/"}}})},
              {"paths", std::move(paths)},
              {"components", components()}};
}

}  // namespace linkhub::http
