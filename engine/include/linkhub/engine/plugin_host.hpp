#pragma once

#include <linkhub/plugin_api.h>
#include <linkhub/engine/artifact_store.hpp>
#include <linkhub/engine/json.hpp>
#include <linkhub/engine/json_schema.hpp>
#include <linkhub/engine/step_catalog.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace linkhub {

class PluginCounters;
struct LoadedPlugin;
struct StepCall;
struct StepOutcome;
class RunStarter;

// A step type offered by a loaded plugin, with its schemas compiled once.
struct LoadedStep {
  StepSignature signature;
  JsonSchema input_validator;
  JsonSchema output_validator;
  const lh_step_def* def = nullptr;
  const LoadedPlugin* plugin = nullptr;
  // A step the engine itself implements (def is null): called instead of the
  // C ABI, with the input already checked; its output is checked the same way.
  std::function<StepOutcome(const StepCall&, const Json& input)> native;
};

struct LoadedPlugin {
  std::string name;
  std::string version;
  std::string description;
  std::filesystem::path path;
  uint32_t api_version = 0;
  bool builtin = false;  // the engine's own steps (path is empty)
  std::vector<std::unique_ptr<LoadedStep>> steps;
  // What the plugin handed to host->set_plugin_state() during init (API 1.1).
  void* state = nullptr;
  // Its optional lh_plugin_deinit, called with `state` before the library is unloaded.
  lh_plugin_deinit_fn deinit = nullptr;
};

// "1.1" for an api_version of 1 << 16 | 1; "1.0" for a plugin that said 1.
std::string plugin_api_version_text(uint32_t version);

// A library that was not loaded, and why ("not a linkhub plugin: ...",
// "built for plugin API 2, this linkhub supports 1 to 1", ...).
struct PluginProblem {
  std::filesystem::path path;
  std::string message;
};

// Everything one step invocation may ask of the host through lh_context.
struct StepCall {
  std::string run_id;
  std::string step_id;
  int index = -1;  // the foreach item, -1 for the step as a whole
  std::string idempotency_key;
  std::string artifact_dir;
  std::string workflow_dir;
  std::string plugin_config = "{}";  // JSON text of the plugin's config section
  uint32_t attempt = 1;
  int64_t deadline_ms = 0;  // since the epoch; 0 = none
  const std::atomic<bool>* cancelled = nullptr;
  std::function<void(lh_log_level, std::string_view)> log;
  std::function<std::optional<std::string>(std::string_view)> secret;
  const ArtifactStore* artifacts = nullptr;  // none: put_artifact fails with a clear message
  std::string database_url;                  // the run database, for plugins that keep data beside it
  // Outbound HTTP may reach these non-public addresses, ranges and hosts (http.allow).
  std::vector<std::string> http_allow;
  // The process's per-host circuit breakers (lh_context circuit_check /
  // circuit_record). Unset: every call may go and nothing is recorded.
  std::function<int64_t(std::string_view host)> circuit_check;
  std::function<void(std::string_view host, bool ok)> circuit_record;
  // Starts other workflows' runs (the built-in workflow.start); null outside a node's run.
  RunStarter* runs = nullptr;
};

// "ok", "error", "retryable error", "cancelled", "invalid input", or
// "unknown status N": how messages name a step's lh_status.
std::string status_name(lh_status status);

struct StepOutcome {
  lh_status status = LH_ERROR;
  Json output;        // set when status == LH_OK
  std::string error;  // set otherwise
  // The plugin's error code (set_error_code, API 1.1) and details (a JSON
  // object or null); empty when it gave none or gave a malformed one.
  std::string code;
  Json details;
  // The plugin broke the ABI contract (an unknown status, malformed output
  // JSON, output outside its schema) rather than reporting a failure: callers
  // such as the REST API answer 502 for this, not the step's own error class.
  bool bad_output = false;
};

// What a PluginHost gives every plugin it loads (lh_host_api, API 1.1).
struct PluginHostOptions {
  // linkhub.yaml `plugins:`: plugin name -> its config section. A library
  // gets the section of its file stem without the linkhub_ / lh_ prefix
  // (linkhub_catalog.so: `catalog`) at init, since its name is not known yet.
  Json plugin_configs = Json::object();
  // Lines a plugin logs during init (host->log). Unset: warnings and errors
  // go to stderr, debug and info are dropped.
  std::function<void(const std::filesystem::path& library, lh_log_level, std::string_view)> log;
};

// Every host offers the engine's built-in steps first, as the plugin
// `workflow` (a library of that name is refused): workflow.start.
//
// Loads plugin libraries (absolute paths, RTLD_LOCAL), checks the API version
// before any other call, and invokes steps through the C ABI. A library that
// is not a plugin, has the wrong version, fails or throws in init, or repeats a
// plugin name is recorded in problems() and skipped. Libraries are never
// unloaded while the host lives; step instances never outlive invoke(). The
// destructor calls each plugin's lh_plugin_deinit (when it exports one) once,
// then unloads the libraries: destroy the host only after every invoke()
// has returned.
class PluginHost : public StepCatalog {
 public:
  PluginHost();
  explicit PluginHost(PluginHostOptions options);
  ~PluginHost() override;
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  // Loads every regular file ending in .so in `dir` (sorted by name). A missing
  // directory is a problem, not an error.
  void load_directory(const std::filesystem::path& dir);
  // True when the library was loaded as a plugin.
  bool load_file(const std::filesystem::path& file);

  const std::vector<PluginProblem>& problems() const;
  std::vector<const LoadedPlugin*> plugins() const;
  const LoadedPlugin* plugin(std::string_view name) const;
  const LoadedStep* step(std::string_view uses) const;

  // StepCatalog
  const StepSignature* find_signature(std::string_view uses) const override;
  std::vector<std::string> all_uses() const override;

  // Runs one attempt: create, run, destroy. Never throws for anything the
  // plugin does: malformed output JSON, output that fails the output schema,
  // or a missing set_output become a failed outcome naming the step.
  // The input is NOT validated here (the executor does it, with positions).
  StepOutcome invoke(const LoadedStep& step, const StepCall& call, std::string_view input_json) const;

  // What this host's plugins counted through lh_context add_counter (for /metrics).
  const PluginCounters& counters() const;

 private:
  // Fails an LH_OK outcome whose output breaks the step's output schema.
  static StepOutcome checked_output(const LoadedStep& step, StepOutcome outcome);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linkhub
