#pragma once
// The stable error codes of failed steps and runs: the one list. A plugin
// sets a code with sdk::StepError (sdk/include/linkhub/plugin.hpp names the
// same plugin codes); the engine sets its own for failures it makes; clients
// (the REST API's status table, `linkhub runs show`) branch on the code, never
// on the message. Codes are [a-z][a-z0-9_]*; a new one is added here and in
// docs/api.md, never renamed.

#include <linkhub/plugin_api.h>

#include <string_view>
#include <vector>

namespace linkhub::error_codes {

// Plugin codes (sdk::errors), also used by the engine where they fit.
inline constexpr const char* invalid_input = "invalid_input";  // the input breaks the step's schema or sense
inline constexpr const char* not_found = "not_found";          // what the input names does not exist
inline constexpr const char* conflict = "conflict";            // it exists already, or changed meanwhile
inline constexpr const char* unauthorized = "unauthorized";    // a remote service refused the credentials
inline constexpr const char* forbidden = "forbidden";          // a remote service or policy refused the action
inline constexpr const char* rate_limited = "rate_limited";    // a remote service asked us to slow down
inline constexpr const char* unavailable = "unavailable";  // a service or plugin is missing, down or its circuit open
inline constexpr const char* timeout = "timeout";          // the step's deadline passed
inline constexpr const char* bad_output = "bad_output";    // a step broke its contract (status, JSON, output schema)
inline constexpr const char* internal = "internal";        // a bug

// Engine codes.
inline constexpr const char* step_failed = "step_failed";  // a plugin failed without giving a code
inline constexpr const char* cancelled = "cancelled";      // the run was cancelled
inline constexpr const char* expression_error =
    "expression_error";  // an if:, foreach:, with: or outputs: expression failed
inline constexpr const char* invalid_workflow = "invalid_workflow";  // the workflow cannot run as written

// Every code above, in this order.
const std::vector<std::string_view>& all();

// [a-z][a-z0-9_]*, at most 64 characters: what a plugin may set.
bool is_valid(std::string_view code);

// The code of a failure a plugin reported without one, from its status:
// LH_INVALID_INPUT -> invalid_input, LH_CANCELLED -> cancelled, else step_failed.
std::string_view from_status(lh_status status);

}  // namespace linkhub::error_codes
