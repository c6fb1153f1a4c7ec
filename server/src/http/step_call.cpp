#include "http/step_call.hpp"

#include <linkhub/engine/artifact_store.hpp>
#include <linkhub/engine/circuit_breakers.hpp>

namespace linkhub::http {
namespace {

std::string plugin_of(const std::string& uses) {
  return uses.substr(0, uses.find('.'));
}

}  // namespace

ApiError bad_plugin_output(const std::string& uses, const std::string& problem) {
  return ApiError{502, "bad_plugin_output",
                  "plugin step " + uses + " answered something this route cannot use: " + problem,
                  Json{{"plugin", plugin_of(uses)}, {"step", uses}}};
}

ApiResult<Json> invoke_step(Call& call, const std::string& uses, const Json& input, const std::string& idempotency_key,
                            const StepFailureMap& map_failure) {
  const std::string plugin = plugin_of(uses);
  const LoadedStep* step = call.services.host.step(uses);
  if (step == nullptr) {
    return ApiError{503, "plugin_unavailable",
                    "this route needs the " + plugin + " plugin (step " + uses +
                        "), which this server has not loaded; install it in the plugin directory and restart",
                    Json{{"plugin", plugin}, {"step", uses}}};
  }
  const StepSettings& settings = call.services.steps;
  std::optional<ArtifactStore> artifacts;
  if (!settings.artifact_dir.empty()) {
    artifacts.emplace(settings.artifact_dir);
  }
  StepCall step_call;
  step_call.step_id = uses;
  step_call.idempotency_key = idempotency_key;
  step_call.database_url = settings.database_url;
  step_call.http_allow = settings.http_allow;
  use_circuit_breakers(step_call, settings.circuit_breakers);
  if (auto it = settings.plugin_configs.find(plugin); it != settings.plugin_configs.end()) {
    step_call.plugin_config = it->dump();
  }
  step_call.artifacts = artifacts ? &*artifacts : nullptr;
  const Log& log = call.services.log;
  const std::string request_id = call.request_id;
  step_call.log = [&log, &uses, &request_id](lh_log_level level, std::string_view message) {
    const Json fields{{"step", uses}, {"request_id", request_id}, {"message", std::string(message)}};
    if (level >= LH_LOG_WARN) {
      log.warn("step.log", fields);
    } else {
      log.info("step.log", fields);
    }
  };

  StepOutcome outcome = call.services.host.invoke(*step, step_call, input.dump());
  if (outcome.status == LH_OK) {
    return std::move(outcome.output);
  }
  const Json details{{"plugin", plugin}, {"step", uses}};
  log.warn("step.failed", Json{{"step", uses}, {"request_id", request_id}, {"error", outcome.error}});
  if (outcome.bad_output) {
    return bad_plugin_output(uses, outcome.error);
  }
  if (outcome.status == LH_RETRYABLE) {
    return ApiError{503, "step_unavailable", outcome.error + " (a passing failure: try again)", details};
  }
  if (map_failure) {
    if (auto mapped = map_failure(outcome.error)) {
      return std::move(*mapped);
    }
  }
  if (outcome.status == LH_INVALID_INPUT) {
    return ApiError{400, "invalid_step_input", outcome.error, details};
  }
  return ApiError{500, "step_failed", outcome.error, details};
}

}  // namespace linkhub::http
