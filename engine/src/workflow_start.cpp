// workflow.start: a step that starts another workflow's run through the
// node's durable trigger path, under an idempotency key derived from the
// step's own (so a retried or resumed step finds the run it started), and
// optionally waits for it.
#include "builtin_steps.hpp"

#include <linkhub/engine/duration.hpp>
#include <linkhub/engine/error_codes.hpp>
#include <linkhub/engine/run_starter.hpp>

namespace linkhub {
namespace {

using SteadyClock = std::chrono::steady_clock;

// How long `wait: true` waits when neither `timeout` nor the step's own timeout says.
constexpr std::chrono::minutes kDefaultWait{10};

Json input_schema() {
  return Json::parse(R"JSON({
    "type": "object",
    "properties": {
      "workflow": {"type": "string", "minLength": 1,
                   "description": "the workflow to run: a registered name, or a path to a .yaml file relative to this workflow's directory"},
      "inputs": {"type": "object", "default": {}, "description": "the child run's inputs"},
      "idempotency_key": {"type": "string", "minLength": 1, "maxLength": 200,
                          "description": "the child run's key, scoped to the child workflow; default: derived from this step's own key"},
      "wait": {"type": "boolean", "default": false, "description": "wait for the child run to finish and return its outputs"},
      "timeout": {"type": "string", "description": "with wait: how long to wait (a duration such as 30s or 10m); default 10m or the step's timeout"}
    },
    "required": ["workflow"],
    "additionalProperties": false
  })JSON");
}

Json output_schema() {
  return Json::parse(R"JSON({
    "type": "object",
    "properties": {
      "run_id": {"type": "string"},
      "workflow": {"type": "string"},
      "started": {"type": "boolean", "description": "false when the key already had a run"},
      "status": {"type": "string"},
      "outputs": {"type": "object", "description": "the child run's outputs (wait: true)"}
    },
    "required": ["run_id", "workflow", "started", "status"],
    "additionalProperties": false
  })JSON");
}

StepOutcome failure(lh_status status, std::string code, std::string message, Json details = nullptr) {
  StepOutcome out;
  out.status = status;
  out.code = std::move(code);
  out.error = std::move(message);
  out.details = std::move(details);
  return out;
}

StepOutcome start(const StepCall& call, const Json& input) {
  if (call.runs == nullptr) {
    return failure(LH_ERROR, error_codes::unavailable,
                   "workflow.start starts runs only inside a run that a linkhub node executes (linkhub run, serve or "
                   "worker)");
  }
  // The executor checked the input against the schema; a direct call may not have.
  if (!input.is_object() || !input.contains("workflow") || !input["workflow"].is_string() ||
      (input.contains("timeout") && !input["timeout"].is_string())) {
    return failure(LH_INVALID_INPUT, error_codes::invalid_input,
                   "workflow.start: expected {workflow: NAME, inputs: {...}, idempotency_key?, wait?, timeout?}");
  }
  std::optional<std::chrono::milliseconds> wait_for;
  if (input.contains("timeout")) {
    wait_for = parse_duration(input["timeout"].get<std::string>());
    if (!wait_for) {
      return failure(
          LH_INVALID_INPUT, error_codes::invalid_input,
          "timeout: expected a duration such as 30s or 10m, found '" + input["timeout"].get<std::string>() + "'");
    }
  }
  ChildRunRequest request;
  request.parent_run_id = call.run_id;
  request.parent_step = call.step_id + (call.index >= 0 ? "[" + std::to_string(call.index) + "]" : "");
  request.workflow_dir = call.workflow_dir;
  request.workflow = input["workflow"].get<std::string>();
  request.inputs = input.value("inputs", Json::object());
  // An explicit key means "this thing once" whoever asks; the derived one
  // "this step (item) of this run once", however often it is retried.
  request.key = input.contains("idempotency_key") ? "key:" + input["idempotency_key"].get<std::string>()
                                                  : "step:" + call.idempotency_key;
  auto child = call.runs->start(request);
  if (!child) {
    const std::string& code = child.error().code;
    return failure(code == error_codes::unavailable ? LH_RETRYABLE : LH_ERROR,
                   code.empty() ? std::string(error_codes::step_failed) : code, child.error().message,
                   child.error().details);
  }
  StepOutcome out;
  out.status = LH_OK;
  out.output = Json{{"run_id", child->run.id},
                    {"workflow", child->run.workflow},
                    {"started", child->started},
                    {"status", std::string(to_string(child->run.status))}};
  if (!input.value("wait", false)) {
    return out;
  }
  auto deadline = SteadyClock::now() + wait_for.value_or(kDefaultWait);
  if (call.deadline_ms > 0) {
    deadline = std::min(deadline, SteadyClock::now() + std::chrono::milliseconds(call.deadline_ms - now_ms()));
  }
  const auto latest = call.runs->wait(child->run.id, deadline, call.cancelled);
  const RunRecord run = latest.value_or(child->run);
  const std::string who = "run " + run.id + " of " + run.workflow;
  const Json details{{"run_id", run.id}, {"workflow", run.workflow}};
  switch (run.status) {
    case RunStatus::Succeeded:
      out.output["status"] = std::string(to_string(run.status));
      out.output["outputs"] = run.outputs.is_object() ? run.outputs : Json::object();
      return out;
    case RunStatus::Failed:
      return failure(LH_ERROR, run.error_code.empty() ? std::string(error_codes::step_failed) : run.error_code,
                     who + " failed: " + run.error, details);
    case RunStatus::Cancelled:
      return failure(LH_ERROR, error_codes::cancelled, who + " was cancelled", details);
    case RunStatus::Queued:
    case RunStatus::Running:
    case RunStatus::Waiting:  // parked by its own core.wait_for: still going
      break;
  }
  if (call.cancelled != nullptr && call.cancelled->load()) {
    return failure(LH_CANCELLED, error_codes::cancelled, "cancelled while waiting for " + who, details);
  }
  // The child goes on; a retry of this step waits for the same run.
  return failure(LH_RETRYABLE, error_codes::timeout,
                 who + " is still " + std::string(to_string(run.status)) + " after waiting " +
                     format_duration(wait_for.value_or(kDefaultWait)),
                 details);
}

}  // namespace

std::unique_ptr<LoadedPlugin> builtin_workflow_plugin() {
  auto plugin = std::make_unique<LoadedPlugin>();
  plugin->name = "workflow";
  plugin->version = "1";
  plugin->description = "The engine's built-in steps: start another workflow's run.";
  plugin->api_version = LH_API_VERSION;
  plugin->builtin = true;
  auto step = std::make_unique<LoadedStep>();
  step->signature.uses = "workflow.start";
  step->signature.description =
      "Starts a run of another workflow, once per idempotency key (derived from this step's own unless given); with "
      "wait: true, waits for it and returns its outputs.";
  step->signature.input_schema = input_schema();
  step->signature.output_schema = output_schema();
  step->native = &start;
  plugin->steps.push_back(std::move(step));
  return plugin;
}

}  // namespace linkhub
