#include "http/step_call.hpp"

#include "http/error_status.hpp"

#include <linkhub/engine/artifact_store.hpp>
#include <linkhub/engine/error_codes.hpp>

#include <algorithm>

namespace linkhub::http {
namespace {

std::string plugin_of(const std::string& uses) {
  return uses.substr(0, uses.find('.'));
}

// "/price/amount" -> "price.amount", "/tags/1" -> "tags[1]": as the routes' own checks name fields.
std::string field_name(const std::string& pointer) {
  std::string out;
  size_t from = pointer.empty() ? 0 : 1;
  while (from <= pointer.size() && !pointer.empty()) {
    const size_t slash = std::min(pointer.find('/', from), pointer.size());
    const std::string token = pointer.substr(from, slash - from);
    const bool index = !token.empty() && token.find_first_not_of("0123456789") == std::string::npos;
    out += index ? "[" + token + "]" : (out.empty() ? "" : ".") + token;
    from = slash + 1;
  }
  return out;
}

}  // namespace

ApiError bad_plugin_output(const std::string& uses, const std::string& problem) {
  return ApiError{502, "bad_plugin_output",
                  "plugin step " + uses + " answered something this route cannot use: " + problem,
                  Json{{"plugin", plugin_of(uses)}, {"step", uses}}};
}

ApiResult<Json> invoke_checked_step(Call& call, const std::string& uses, const Json& input, const OutputCheck& check,
                                    const StepFailureMap& map_failure, const std::string& idempotency_key) {
  auto output = invoke_step(call, uses, input, idempotency_key, map_failure);
  if (!output) {
    return output;
  }
  if (const std::string problem = check(*output); !problem.empty()) {
    call.services.log.warn("step.bad_output",
                           Json{{"step", uses}, {"request_id", call.request_id}, {"problem", problem}});
    return bad_plugin_output(uses, problem);
  }
  return output;
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
    artifacts.emplace(settings.artifact_dir, settings.artifact_remote);
  }
  StepCall step_call;
  step_call.step_id = uses;
  step_call.idempotency_key = idempotency_key;
  step_call.database_url = settings.database_url;
  step_call.http_allow = settings.http_allow;
  if (auto it = settings.plugin_configs.find(plugin); it != settings.plugin_configs.end()) {
    step_call.plugin_config = it->dump();
  }
  step_call.artifacts = artifacts ? &*artifacts : nullptr;
  const Log& log = call.services.log;
  const std::string request_id = call.request_id;
  // The invoker redacts the message before this sees it.
  step_call.log = [&log, &uses, &request_id](lh_log_level level, std::string_view message) {
    const Json fields{{"step", uses}, {"request_id", request_id}, {"message", std::string(message)}};
    if (level >= LH_LOG_WARN) {
      log.warn("step.log", fields);
    } else {
      log.info("step.log", fields);
    }
  };

  StepOutcome outcome = settings.invoker->invoke(*step, std::move(step_call), input, call.services.limits.step_timeout);
  if (outcome.status == LH_OK) {
    return std::move(outcome.output);
  }
  log.warn("step_call.failed",
           Json{{"step", uses}, {"request_id", request_id}, {"code", outcome.code}, {"error", outcome.error}});
  if (outcome.bad_output) {
    return bad_plugin_output(uses, outcome.error);
  }
  if (outcome.status == LH_INVALID_INPUT && outcome.details.is_object() && outcome.details.contains("violations") &&
      outcome.details["violations"].is_array() && !outcome.details["violations"].empty()) {
    // The input broke the step's schema and the plugin was not called: the
    // route's own mapping of the plugin's failures does not apply.
    Json details{{"plugin", plugin}, {"step", uses}, {"violations", std::move(outcome.details["violations"])}};
    details["field"] = field_name(details["violations"][0].value("pointer", ""));
    return ApiError{http_status_for(error_codes::invalid_input), error_codes::invalid_input,
                    uses + ": " + outcome.error, std::move(details)};
  }
  const bool coded = !outcome.code.empty();
  StepFailure failure{coded ? outcome.code : std::string(error_codes::from_status(outcome.status)), outcome.error,
                      outcome.details.is_object() ? std::move(outcome.details) : Json(nullptr),
                      outcome.status == LH_RETRYABLE};
  if (map_failure) {
    if (auto mapped = map_failure(failure)) {
      return std::move(*mapped);
    }
  }
  Json details = failure.details.is_object() ? failure.details : Json::object();
  details["plugin"] = plugin;
  details["step"] = uses;
  if (coded) {
    return ApiError{http_status_for(failure.code), failure.code, failure.message, std::move(details)};
  }
  if (failure.retryable) {
    return ApiError{503, "step_unavailable", failure.message + " (a passing failure: try again)", details};
  }
  if (outcome.status == LH_INVALID_INPUT) {
    return ApiError{400, "invalid_step_input", failure.message, details};
  }
  return ApiError{500, "step_failed", failure.message, details};
}

}  // namespace linkhub::http
