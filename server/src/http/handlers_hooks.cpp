// /api/v1/hooks/{workflow}: a signed POST starts a run (webhook triggers).
// The route is public: the HMAC signature is its authentication.
#include "http/handlers.hpp"
#include "http/run_start.hpp"
#include "http/webhook.hpp"

namespace linkhub::http {

Reply webhook_run(Call& call) {
  const std::string& name = call.param("workflow");
  auto entry = call.services.workflows.find(name);
  const auto trigger = entry ? webhook_trigger(entry->workflow->triggers) : std::nullopt;
  if (!trigger) {
    // The same answer for an unknown workflow and one without a webhook:
    // a caller without the secret learns nothing about which names exist.
    return Reply::error(
        not_found("unknown_webhook", "no workflow named '" + name + "' accepts webhooks", Json{{"workflow", name}}));
  }
  auto body = call.body();
  if (!body) {
    return Reply::error(body.error());
  }
  const std::string timestamp = call.header(std::string(kTimestampHeader));
  const std::string signature = call.header(std::string(kSignatureHeader));
  // Header shape and clock first: they need no secret.
  if (auto ts = parse_webhook_timestamp(timestamp); !ts) {
    return Reply::error(ts.error());
  } else if (auto sig = parse_webhook_signature(signature); !sig) {
    return Reply::error(sig.error());
  } else if (auto stale = check_webhook_timestamp(*ts, now_ms() / 1000, trigger->tolerance)) {
    return Reply::error(*stale);
  }
  const auto secret = call.services.secrets.find(trigger->secret);
  if (secret == call.services.secrets.end() || secret->second.empty()) {
    const std::string message = "the webhook secret '" + trigger->secret + "' of workflow '" + name +
                                "' is not configured (secrets." + trigger->secret + " in the configuration, or " +
                                "LINKHUB_SECRET_" + trigger->secret + ")";
    call.services.log.write("error", "webhook.secret_missing", Json{{"workflow", name}, {"secret", trigger->secret}});
    return Reply::error(
        ApiError{500, "webhook_secret_missing", message, Json{{"workflow", name}, {"secret", trigger->secret}}});
  }
  auto verified = verify_webhook(secret->second, timestamp, signature, *body, now_ms() / 1000, trigger->tolerance);
  if (!verified) {
    call.services.log.warn("webhook.refused",
                           Json{{"workflow", name}, {"code", verified.error().code}, {"request_id", call.request_id}});
    return Reply::error(verified.error());
  }
  auto inputs = webhook_inputs(*body, trigger->input);
  if (!inputs) {
    return Reply::error(inputs.error());
  }
  auto started = start_run(call.services, *entry, *inputs, webhook_idempotency_key(name, *verified));
  if (!started) {
    return Reply::error(started.error());
  }
  const RunRecord& run = started->run;
  // A replay inside the window finds the run its first delivery made.
  const bool replay = started->replay;
  const std::string self = "/api/v1/runs/" + run.id;
  Reply reply =
      Reply::json(replay ? 200 : 202,
                  Json{{"run_id", run.id},
                       {"workflow", run.workflow},
                       {"status", std::string(to_string(run.status))},
                       {"replay", replay},
                       {"links", {{"self", self}, {"events", self + "/events"}, {"stream", self + "/events/stream"}}}});
  reply.headers.emplace_back("Location", self);
  return reply;
}

}  // namespace linkhub::http
