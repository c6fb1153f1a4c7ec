#include "cloud_error.hpp"
#include "database.hpp"
#include "error_reasons.hpp"
#include "media_upload.hpp"
#include "message_body.hpp"
#include "settings.hpp"
#include "steps.hpp"
#include "store.hpp"

#include <linkhub/http_client.hpp>
#include <linkhub/sigv4.hpp>

namespace linkhub::whatsapp {

using sdk::Json;

namespace {

constexpr const char* kStep = "whatsapp.send";
constexpr size_t kMaxAnswerBytes = 1 << 20;

Json output(const std::string& wamid, const std::string& wa_id, const std::string& kind, bool replayed) {
  return {{"message_id", wamid}, {"to", "+" + wa_id}, {"type", kind}, {"replayed", replayed}, {"sent", true}};
}

// on_error: report: a failure that concerns this recipient or this message
// becomes the output, so a foreach over many recipients goes on past it.
// Retryable failures still fail the attempt (the engine retries them), and
// so does a refused token: every other send would fail the same way.
bool reportable(const sdk::StepError& e) {
  return !e.retryable() && e.code() != sdk::errors::unauthorized.value;
}

Json failed_output(const Json& input, const sdk::StepError& e) {
  std::string kind;
  for (const std::string& k : message_kinds()) {
    if (input.contains(k) && !input[k].is_null()) {
      kind = k;
    }
  }
  const auto to = input.find("to");
  return {{"to", to != input.end() && to->is_string() ? to->get<std::string>() : std::string()},
          {"type", kind},
          {"replayed", false},
          {"sent", false},
          {"error",
           {{"code", e.code().empty() ? std::string("internal") : e.code()},
            {"message", e.what()},
            {"details", e.details().is_object() ? e.details() : Json::object()}}}};
}

// The wamid of a 200 answer: {"messages": [{"id": "wamid..."}], ...}.
std::string accepted_wamid(const std::string& body) {
  const Json doc = Json::parse(body, nullptr, false);
  if (doc.is_object()) {
    const auto messages = doc.find("messages");
    if (messages != doc.end() && messages->is_array() && !messages->empty() && (*messages)[0].is_object()) {
      const Json& first = (*messages)[0];
      if (const auto id = first.find("id"); id != first.end() && id->is_string() && !id->get<std::string>().empty()) {
        return id->get<std::string>();
      }
    }
  }
  return {};
}

// A template's header media given by artifact hash ({type: image, image:
// {artifact}}) is uploaded like an image message's, and named by its media id.
void upload_template_media(sdk::Context& ctx, const sdk::http::Client& http, const Settings& settings,
                           const std::string& token, Json& body) {
  Json& components = body["template"]["components"];
  if (!components.is_array()) {
    return;
  }
  for (Json& component : components) {
    if (!component.is_object() || component.value("type", "") != "header" || !component.contains("parameters")) {
      continue;
    }
    for (Json& p : component["parameters"]) {
      const std::string type = p.is_object() ? p.value("type", "") : std::string();
      if (type != "image" && type != "document" && type != "video") {
        continue;
      }
      Json& media = p[type];
      if (media.is_object() && media.contains("artifact") && media["artifact"].is_string()) {
        const std::string hash = media["artifact"].get<std::string>();
        media.erase("artifact");
        media["id"] = upload_artifact(ctx, http, settings, token, hash);
      }
    }
  }
}

}  // namespace

Json SendStep::input_schema() {
  const auto object = [](const char* what) { return Json{{"type", "object"}, {"description", what}}; };
  return {{"type", "object"},
          {"properties",
           {{"to", {{"type", "string"}, {"description", "The recipient, E.164 (+15551234567)"}}},
            {"text",
             {{"type", {"string", "object"}},
              {"description", "A text message: the text, or {body, preview_url (default false)}"}}},
            {"image", object("{link | artifact, caption}: an image by URL, or a stored artifact's hash (uploaded)")},
            {"document", object("{link | artifact, caption, filename}: a document by URL or artifact hash")},
            {"buttons", object("Reply buttons: {body, buttons: [{id, title <= 20 chars}] (1 to 3), header, footer}")},
            {"list",
             object("A list: {body, button, sections: [{title, rows: [{id, title, description}]}] (at most 10 rows), "
                    "header, footer}")},
            {"product", object("A product card: {image (URL), body, buttons: [{id, title}] (1 to 3), footer}")},
            {"template",
             object("A template: {name, language, header: [params], body: [params], buttons: [{index, sub_type, "
                    "parameters}]}; a param is a string or the API's parameter object; a header image, document "
                    "or video may name an artifact ({type: image, image: {artifact: hash}}): it is uploaded")},
            {"reply_to", {{"type", "string"}, {"description", "The wamid of the message this one answers"}}},
            {"on_error",
             {{"type", "string"},
              {"enum", {"fail", "report"}},
              {"default", "fail"},
              {"description",
               "fail: a failed send fails the step. report: a permanent failure other than a refused token is "
               "returned as {sent: false, error} so a foreach over recipients goes on"}}}}},
          {"required", {"to"}},
          {"additionalProperties", false}};
}

Json SendStep::output_schema() {
  return {
      {"type", "object"},
      {"properties",
       {{"message_id", {{"type", "string"}, {"description", "The message's wamid"}}},
        {"to", {{"type", "string"}, {"description", "The recipient, E.164"}}},
        {"type", {{"type", "string"}, {"description", "The message kind sent (text, image, ..., template)"}}},
        {"replayed", {{"type", "boolean"}, {"description", "True when the wamid was recorded by an earlier attempt"}}},
        {"sent", {{"type", "boolean"}, {"description", "False only for a failure reported (on_error: report)"}}},
        {"error",
         {{"type", "object"},
          {"description", "With sent false: {code, message, details} of the failure, as a step error has them"}}}}},
      {"required", {"to", "type", "replayed", "sent"}}};
}

Json SendStep::run(sdk::Context& ctx, const Json& input) {
  const auto on_error = input.find("on_error");
  const bool report =
      on_error != input.end() && on_error->is_string() && on_error->get_ref<const std::string&>() == "report";
  if (on_error != input.end() && !report && !(on_error->is_string() && on_error->get<std::string>() == "fail")) {
    throw sdk::StepError(sdk::errors::invalid_input, std::string(kStep) + ": `on_error` must be fail or report", false,
                         {{"field", "on_error"}});
  }
  try {
    return send(ctx, input);
  } catch (const sdk::StepError& e) {
    if (!report || !reportable(e)) {
      throw;
    }
    ctx.warn(std::string(kStep) + ": not sent, reported (on_error: report): " + e.what());
    return failed_output(input, e);
  }
}

Json SendStep::send(sdk::Context& ctx, const Json& input) {
  const Settings settings = read_settings(ctx, kStep);
  const MessageBody message = build_message_body(input);
  if (settings.phone_number_id.empty()) {
    throw sdk::StepError(sdk::errors::invalid_input,
                         std::string(kStep) +
                             ": plugins.whatsapp.phone_number_id (or "
                             "LINKHUB_PLUGIN_WHATSAPP_PHONE_NUMBER_ID) is not set: the id of the "
                             "number to send from, from Meta's WhatsApp Manager");
  }
  const std::string token = required_secret(ctx, "WHATSAPP_TOKEN", kStep);
  Database& db = database_for(ctx, settings.database, kStep);
  const std::string key(ctx.idempotency_key());
  const std::string fingerprint = sdk::sigv4::sha256_hex(message.body.dump());

  // The record first: a step that already sent returns what it sent, whatever the rules say now.
  const auto recorded = db.write([&](soci::session& sql) {
    auto found = find_send(sql, key);
    if (!found) {
      admit_send(sql, settings, message.to, message.kind, now_ms());
    }
    return found;
  });
  if (recorded) {
    if (recorded->fingerprint != fingerprint) {
      throw sdk::StepError(sdk::errors::conflict,
                           std::string(kStep) + ": idempotency key '" + key + "' already sent a different message (" +
                               recorded->wamid + "); a retry must send the same input",
                           false, {{"reason", reasons::kKeyReused}, {"message_id", recorded->wamid}});
    }
    ctx.info(std::string(kStep) + ": already sent as " + recorded->wamid + " (idempotency key " + key + ")");
    return output(recorded->wamid, recorded->wa_id, recorded->kind, true);
  }

  const sdk::http::Client http(ctx, kStep, settings.timeout, kMaxAnswerBytes, {token});
  sdk::http::Request request;
  request.method = "POST";
  request.url = settings.messages_url();
  request.headers = {"Authorization: Bearer " + token, "Content-Type: application/json"};
  Json body = message.body;
  if (!message.artifact.empty()) {
    Json& media = body[message.kind];
    media.erase("artifact");
    media["id"] = upload_artifact(ctx, http, settings, token, message.artifact);
  }
  if (message.kind == "template") {
    upload_template_media(ctx, http, settings, token, body);
  }
  request.body = body.dump();
  const sdk::http::Response response = http.send(request);
  if (response.status >= 300) {
    fail_with_cloud_error(http, response);
  }
  const std::string wamid = accepted_wamid(response.body);
  if (wamid.empty()) {
    throw sdk::StepError(sdk::errors::bad_output,
                         std::string(kStep) + ": the Cloud API answered " + std::to_string(response.status) +
                             " without a message id (messages[0].id); the message may have been sent");
  }
  // The window: the API has accepted the message and the record is not yet
  // written. A crash here sends it again on the next attempt (README).
  db.write(
      [&](soci::session& sql) { record_send(sql, key, fingerprint, wamid, message.to, message.kind, body, now_ms()); });
  return output(wamid, message.to, message.kind, false);
}

}  // namespace linkhub::whatsapp
