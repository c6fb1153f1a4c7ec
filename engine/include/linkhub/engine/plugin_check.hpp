#pragma once
// The conformance suite behind `linkhub plugins check PATH.so`: loads one
// plugin library and checks each of its steps. What each check means:
//
//   load      the library loads as a plugin (API version, descriptor, schemas).
//   schemas   the input and output schemas compile as JSON Schema, the input
//             schema describes an object, every `default` and every entry of
//             `examples` satisfies its own schema.
//   rejects   for each input made to break the input schema (a required
//             property missing, a property of the wrong type, an unknown
//             property under additionalProperties: false, an array for the
//             object): the engine's validator refuses it (that is what keeps
//             it from the step in a run), AND the step, handed it directly as
//             a host that skipped validation would, does not crash or hang.
//             Whether the step itself answers "invalid input" is reported,
//             not required: the engine's validation is the contract.
//   examples  each input listed in the input schema's `examples` keyword
//             succeeds and its output matches the output schema.
//   cancel    called with the run already cancelled and a deadline 1 s away,
//             the step returns (any status) within `cancel_bound`.
//   random    `random_inputs` documents from a fixed seed (random JSON, and the
//             valid input with properties replaced or dropped): the step
//             never crashes, hangs or breaks the ABI (malformed output JSON,
//             an unknown status, output outside its schema).
//
// Each call has a deadline half the call bound away and, as the executor does
// at a step's `timeout:`, is cancelled when it passes; a call still running at
// the call bound is a hang. Every step call runs in a forked child process, so a crash (SIGSEGV,
// abort) or a hang becomes a failed check, not the end of the suite. The
// children run offline: http_proxy/https_proxy point at a closed port on
// 127.0.0.1, and the run database is a SQLite file in a temporary directory.

#include <linkhub/engine/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace linkhub {

struct PluginCheckOptions {
  uint64_t seed = 1;
  int random_inputs = 25;
  std::chrono::milliseconds call_bound{10000};   // a step call that takes longer is a hang
  std::chrono::milliseconds cancel_bound{5000};  // from a cancelled call to its return
  Json plugin_configs = Json::object();          // the config's `plugins` section, by plugin name
  std::string database_url;                      // empty: a SQLite file in the temporary directory
  std::vector<std::string> http_allow;
};

enum class CheckVerdict { pass, fail, skip };

struct CheckResult {
  std::string step;   // "plugin.step", or the library path for the load check
  std::string check;  // load, schemas, rejects, examples, cancel, random
  CheckVerdict verdict = CheckVerdict::pass;
  std::string message;
  int64_t elapsed_ms = -1;  // the measured time, for cancel
};

struct PluginCheckReport {
  std::filesystem::path path;
  std::string plugin;  // empty when it did not load
  std::vector<CheckResult> results;
  size_t count(CheckVerdict verdict) const;
};

PluginCheckReport check_plugin(const std::filesystem::path& library, const PluginCheckOptions& options);

const char* verdict_name(CheckVerdict verdict);
Json report_json(const PluginCheckReport& report);

}  // namespace linkhub
