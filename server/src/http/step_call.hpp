#pragma once
// Invoking one plugin step for a request, outside any run: the REST face of
// plugins whose steps are JSON in, JSON out (the catalog's products). The
// call goes through the StepInvoker, as a run's step does (input defaults and
// schema check, secrets, redaction, a deadline), with the context a run's step
// would get (database, plugin config, artifacts, the request's
// Idempotency-Key); its failure becomes an answer.

#include "http/call.hpp"
#include "http/step_failure.hpp"

#include <functional>
#include <optional>
#include <string>

namespace linkhub::http {

// Turns a failure into a route's own answer; nullopt leaves it to the code's status.
using StepFailureMap = std::function<std::optional<ApiError>(const StepFailure& failure)>;

// The step's output (secrets masked), or, with every message redacted:
//  503 plugin_unavailable  no loaded plugin offers `uses` (details name the plugin and the step);
//  400 invalid_step_input  the input breaks the step's input schema (details.violations: each
//                          field's JSON pointer and what is wrong); the plugin is not called;
//  504 step_timeout        the step ran past limits.step_timeout (it was asked to cancel);
//  502 bad_plugin_output   the plugin broke its contract (malformed output, output outside its schema);
//  what `map_failure` says, else, when the plugin gave a code: that code with
//  the status http_status_for (error_status.hpp) gives it and the plugin's details;
//  without a code: 503 step_unavailable for a retryable failure (try again),
//  400 invalid_step_input for LH_INVALID_INPUT, else 500 step_failed.
// `idempotency_key` is handed to the step as ctx.idempotency_key (empty: none).
ApiResult<Json> invoke_step(Call& call, const std::string& uses, const Json& input,
                            const std::string& idempotency_key = "", const StepFailureMap& map_failure = {});

// 502 bad_plugin_output for output that passed the host's checks but is not
// what the route needs; `problem` says what is wrong with it.
ApiError bad_plugin_output(const std::string& uses, const std::string& problem);

// What is wrong with a step's output for a route; empty when it is usable.
using OutputCheck = std::function<std::string(const Json& output)>;

// invoke_step, then `check` on its output: a problem is logged
// (step.bad_output, with the request id) and answered 502 bad_plugin_output.
ApiResult<Json> invoke_checked_step(Call& call, const std::string& uses, const Json& input, const OutputCheck& check,
                                    const StepFailureMap& map_failure, const std::string& idempotency_key = "");

}  // namespace linkhub::http
