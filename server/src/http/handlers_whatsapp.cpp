// /api/v1/whatsapp/webhook: Meta's WhatsApp Cloud API webhook (public; the
// verify token and the app secret's signature are its authentication).
// GET is the subscription handshake, POST a delivery. The whatsapp plugin
// verifies, parses, deduplicates and stores (whatsapp.webhook_verify,
// whatsapp.receive); this handler only routes each new message: to the run
// waiting on its key (a conversation in progress), else to a new run of
// every workflow whose `whatsapp` trigger takes it. Routing is durable when
// the answer is sent (the runs and events are committed); the runs do the
// work afterwards, so Meta gets its 200 in milliseconds.
#include "http/handlers.hpp"
#include "http/run_start.hpp"
#include "http/step_call.hpp"
#include "http/whatsapp_trigger.hpp"

#include <linkhub/engine/waits.hpp>

namespace linkhub::http {
namespace {

// Meta's own header; the plugin checks it against the app secret.
constexpr const char* kSignatureHeader = "X-Hub-Signature-256";

// A trigger's inputs from a message: the whole message to an input named
// `message`, and each other declared input that names a field of it that field.
Json message_inputs(const Workflow& wf, const Json& message) {
  Json inputs = Json::object();
  for (const InputDecl& decl : wf.inputs) {
    if (decl.name == "message") {
      inputs["message"] = message;
    } else if (auto it = message.find(decl.name); it != message.end()) {
      inputs[decl.name] = *it;
    }
  }
  return inputs;
}

struct Routed {
  int to_waiting_runs = 0;
  int runs_started = 0;
  int opted_out = 0;
};

// A conversation in progress: the run parked on the contact's key
// (core.wait_for with key wa:<from>) takes the message, durably.
bool deliver_to_waiting_run(Call& call, const Json& message) {
  auto delivery = deliver_event(call.services.store, message.value("key", ""), message);
  if (!delivery || !delivery->delivered) {
    return false;
  }
  call.services.watch.notify(delivery->run_id);
  return true;
}

// Starts the runs a message triggers; a run's idempotency key is the
// workflow's name and the message id (keys are unique across workflows), so a
// message routed twice (a retried delivery) starts one run of each.
void start_triggered_runs(Call& call, const Json& message, Routed& routed) {
  const std::string id = message.value("id", "");
  for (const CatalogEntry& entry : call.services.workflows.entries()) {
    const auto triggers = whatsapp_triggers(entry.workflow->triggers);
    const bool takes = std::any_of(triggers.begin(), triggers.end(),
                                   [&](const WhatsappTrigger& t) { return whatsapp_trigger_matches(t, message); });
    if (!takes) {
      continue;
    }
    auto started = start_run(call.services, entry, message_inputs(*entry.workflow, message),
                             "whatsapp:" + entry.workflow->name + ":" + id);
    if (!started) {
      // The workflow cannot take this message (a required input it lacks):
      // a fault of the workflow, not of the delivery Meta would repeat.
      call.services.log.warn("whatsapp.trigger_refused", Json{{"workflow", entry.workflow->name},
                                                              {"message_id", id},
                                                              {"code", started.error().code},
                                                              {"reason", started.error().message}});
      continue;
    }
    routed.runs_started += started->replay ? 0 : 1;
  }
}

}  // namespace

Reply whatsapp_handshake(Call& call) {
  const auto query = [&](const char* name) {
    auto it = call.target.query.find(name);
    return it == call.target.query.end() ? std::string() : it->second;
  };
  auto output = invoke_step(call, "whatsapp.webhook_verify",
                            Json{{"mode", query("hub.mode")},
                                 {"verify_token", query("hub.verify_token")},
                                 {"challenge", query("hub.challenge")}});
  if (!output) {
    return Reply::error(output.error());
  }
  if (!output->value("ok", false)) {
    return Reply::error(ApiError{403, "verification_refused",
                                 "hub.mode must be subscribe and hub.verify_token the configured "
                                 "WHATSAPP_VERIFY_TOKEN",
                                 nullptr});
  }
  return Reply::plain(200, "text/plain", output->value("challenge", ""));
}

Reply whatsapp_delivery(Call& call) {
  auto body = call.body();
  if (!body) {
    return Reply::error(body.error());
  }
  const std::string signature = call.header(kSignatureHeader);
  if (signature.empty()) {
    return Reply::error(ApiError{401, "missing_signature", std::string(kSignatureHeader) + " is required", nullptr});
  }
  // Neither the body nor the header reaches an error or the log: the plugin's
  // messages say what is wrong without repeating them.
  auto output = invoke_step(call, "whatsapp.receive", Json{{"body", *body}, {"signature", signature}}, "",
                            [](const StepFailure& failure) -> std::optional<ApiError> {
                              if (failure.code == "unauthorized") {
                                return ApiError{401, "bad_signature", failure.message, nullptr};
                              }
                              if (failure.code == "invalid_input") {
                                return ApiError{400, "malformed_delivery", failure.message, failure.details};
                              }
                              return std::nullopt;
                            });
  if (!output) {
    return Reply::error(output.error());
  }
  Routed routed;
  for (const Json& message : output->value("messages", Json::array())) {
    if (message.value("opted_out", false)) {
      ++routed.opted_out;
      continue;
    }
    if (deliver_to_waiting_run(call, message)) {
      ++routed.to_waiting_runs;
      continue;
    }
    start_triggered_runs(call, message, routed);
  }
  return Reply::json(200, Json{{"messages", output->value("messages", Json::array()).size()},
                               {"statuses", output->value("statuses", Json::array()).size()},
                               {"duplicates", output->value("duplicates", 0)},
                               {"to_waiting_runs", routed.to_waiting_runs},
                               {"runs_started", routed.runs_started},
                               {"opted_out", routed.opted_out}});
}

}  // namespace linkhub::http
