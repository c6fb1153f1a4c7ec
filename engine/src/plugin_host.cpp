#include <linkhub/engine/error_codes.hpp>
#include <linkhub/engine/plugin_counters.hpp>
#include <linkhub/engine/plugin_host.hpp>

#include "builtin_steps.hpp"
#include "wait_steps.hpp"

#include <dlfcn.h>
#include <boost/dll/shared_library.hpp>

#include <algorithm>
#include <cctype>
#include <deque>
#include <iostream>
#include <set>
#include <stdexcept>

namespace linkhub {
namespace {

namespace fs = std::filesystem;

bool valid_plugin_name(const char* name) {
  if (name == nullptr || !std::islower(static_cast<unsigned char>(name[0]))) {
    return false;
  }
  for (const char* p = name; *p != '\0'; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (!std::islower(c) && !std::isdigit(c) && c != '_') {
      return false;
    }
  }
  return true;
}

lh_str view(const std::string& s) {
  return lh_str{s.data(), s.size()};
}

// The lh_context handed to a step: each callback reads the StepCall.
struct CallState {
  const StepCall* call = nullptr;
  const LoadedStep* step = nullptr;
  PluginCounters* counters = nullptr;
  std::string output;
  std::string error;
  std::string error_code;
  Json error_details;
  bool has_output = false;
  std::string secret_buffer;
  std::deque<std::string> artifact_buffers;  // each stays valid until the step returns
  std::string http_allow_json;
  lh_str keep(std::string text) {
    artifact_buffers.push_back(std::move(text));
    return view(artifact_buffers.back());
  }
};

void ctx_log(void* host_data, uint32_t level, lh_str message) {
  auto* state = static_cast<CallState*>(host_data);
  if (state->call->log && message.data != nullptr) {
    state->call->log(static_cast<lh_log_level>(std::min<uint32_t>(level, LH_LOG_ERROR)),
                     std::string_view(message.data, message.len));
  }
}
lh_str ctx_idempotency_key(void* host_data) {
  return view(static_cast<CallState*>(host_data)->call->idempotency_key);
}
int ctx_secret(void* host_data, lh_str name, lh_str* value) {
  auto* state = static_cast<CallState*>(host_data);
  if (!state->call->secret || name.data == nullptr || value == nullptr) {
    return 0;
  }
  auto found = state->call->secret(std::string_view(name.data, name.len));
  if (!found) {
    return 0;
  }
  state->secret_buffer = std::move(*found);
  *value = view(state->secret_buffer);
  return 1;
}
int ctx_is_cancelled(void* host_data) {
  const auto* flag = static_cast<CallState*>(host_data)->call->cancelled;
  return flag != nullptr && flag->load(std::memory_order_relaxed) ? 1 : 0;
}
lh_str ctx_artifact_dir(void* host_data) {
  const auto& dir = static_cast<CallState*>(host_data)->call->artifact_dir;
  if (!dir.empty()) {
    std::error_code ec;
    fs::create_directories(dir, ec);  // the ABI promises the directory exists
  }
  return view(dir);
}
int64_t ctx_deadline_ms(void* host_data) {
  return static_cast<CallState*>(host_data)->call->deadline_ms;
}
uint32_t ctx_attempt(void* host_data) {
  return static_cast<CallState*>(host_data)->call->attempt;
}
void ctx_set_output(void* host_data, lh_str json) {
  auto* state = static_cast<CallState*>(host_data);
  state->output.assign(json.data == nullptr ? "" : json.data, json.len);
  state->has_output = true;
}
void ctx_set_error(void* host_data, lh_str message) {
  static_cast<CallState*>(host_data)->error.assign(message.data == nullptr ? "" : message.data, message.len);
}
void ctx_set_error_code(void* host_data, lh_str code, lh_str details_json) {
  auto* state = static_cast<CallState*>(host_data);
  const std::string_view text = code.data == nullptr ? std::string_view() : std::string_view(code.data, code.len);
  // A malformed code is dropped (the message and status still stand): a
  // plugin's typo must not turn a clean failure into a broken step.
  if (!error_codes::is_valid(text)) {
    return;
  }
  state->error_code.assign(text);
  state->error_details = Json();
  if (details_json.data != nullptr && details_json.len > 0) {
    Json details = Json::parse(std::string_view(details_json.data, details_json.len), nullptr, false);
    if (details.is_object()) {
      state->error_details = std::move(details);
    }
  }
}
void* ctx_plugin_state(void* host_data) {
  const auto* step = static_cast<CallState*>(host_data)->step;
  return step != nullptr && step->plugin != nullptr ? step->plugin->state : nullptr;
}
int64_t ctx_circuit_check(void* host_data, lh_str host) {
  const auto* call = static_cast<CallState*>(host_data)->call;
  if (!call->circuit_check || host.data == nullptr) {
    return 0;
  }
  return call->circuit_check(std::string_view(host.data, host.len));
}
void ctx_circuit_record(void* host_data, lh_str host, int ok) {
  const auto* call = static_cast<CallState*>(host_data)->call;
  if (call->circuit_record && host.data != nullptr) {
    call->circuit_record(std::string_view(host.data, host.len), ok != 0);
  }
}
int ctx_add_counter(void* host_data, lh_str name, lh_str labels_json, double amount) {
  const auto* state = static_cast<CallState*>(host_data);
  if (state->counters == nullptr || state->step == nullptr || state->step->plugin == nullptr || name.data == nullptr) {
    return 0;
  }
  Json labels;  // null: none
  if (labels_json.data != nullptr && labels_json.len > 0) {
    labels = Json::parse(std::string_view(labels_json.data, labels_json.len), nullptr, false);
    if (!labels.is_object()) {
      return 0;
    }
  }
  return state->counters->add(state->step->plugin->name, std::string_view(name.data, name.len), labels, amount) ? 1 : 0;
}

lh_str ctx_plugin_config(void* host_data) {
  return view(static_cast<CallState*>(host_data)->call->plugin_config);
}
lh_str ctx_workflow_dir(void* host_data) {
  return view(static_cast<CallState*>(host_data)->call->workflow_dir);
}
lh_str ctx_run_id(void* host_data) {
  return view(static_cast<CallState*>(host_data)->call->run_id);
}
lh_str ctx_step_id(void* host_data) {
  return view(static_cast<CallState*>(host_data)->call->step_id);
}

int ctx_put_artifact(void* host_data, lh_str file, lh_str media_type, lh_str* descriptor) {
  auto* state = static_cast<CallState*>(host_data);
  if (descriptor == nullptr) {
    return 0;
  }
  if (state->call->artifacts == nullptr) {
    *descriptor = state->keep("this run has no artifact store");
    return 0;
  }
  auto stored =
      state->call->artifacts->put_file(std::string(file.data == nullptr ? "" : file.data, file.len),
                                       std::string(media_type.data == nullptr ? "" : media_type.data, media_type.len));
  *descriptor = state->keep(stored ? stored->to_json().dump() : stored.error().message);
  return stored ? 1 : 0;
}
lh_str ctx_artifact_path(void* host_data, lh_str hash) {
  auto* state = static_cast<CallState*>(host_data);
  if (state->call->artifacts == nullptr) {
    return lh_str{"", 0};
  }
  const std::string key(hash.data == nullptr ? "" : hash.data, hash.len);
  return state->keep(state->call->artifacts->path_of(key).string());
}
lh_str ctx_database_url(void* host_data) {
  return view(static_cast<CallState*>(host_data)->call->database_url);
}

lh_str ctx_http_allow(void* host_data) {
  auto* state = static_cast<CallState*>(host_data);
  if (state->http_allow_json.empty()) {
    state->http_allow_json = Json(state->call->http_allow).dump();
  }
  return view(state->http_allow_json);
}

// What lh_plugin_init may ask of the host (lh_host_api::host_data).
struct InitState {
  const fs::path* library = nullptr;
  const PluginHostOptions* options = nullptr;
  std::string error;
  void* plugin_state = nullptr;
  bool state_set = false;
};

void init_set_error(void* host_data, lh_str message) {
  static_cast<InitState*>(host_data)->error.assign(message.data == nullptr ? "" : message.data, message.len);
}
void init_log(void* host_data, uint32_t level, lh_str message) {
  const auto* state = static_cast<InitState*>(host_data);
  const auto lvl = static_cast<lh_log_level>(std::min<uint32_t>(level, LH_LOG_ERROR));
  const std::string_view text =
      message.data == nullptr ? std::string_view() : std::string_view(message.data, message.len);
  if (state->options->log) {
    state->options->log(*state->library, lvl, text);
  } else if (lvl >= LH_LOG_WARN) {
    std::cerr << "linkhub: plugin " << state->library->filename().string() << ": " << text << "\n";
  }
}
void init_set_plugin_state(void* host_data, void* plugin_state) {
  auto* state = static_cast<InitState*>(host_data);
  state->plugin_state = plugin_state;
  state->state_set = true;
}

// The config key of a library before its plugin has a name: the file stem
// without the prefix plugins are built with (linkhub_catalog.so: catalog).
std::string config_key_of(const fs::path& library) {
  std::string stem = library.stem().string();
  for (const std::string_view prefix : {"linkhub_", "lh_"}) {
    if (stem.size() > prefix.size() && stem.compare(0, prefix.size(), prefix) == 0) {
      return stem.substr(prefix.size());
    }
  }
  return stem;
}

}  // namespace

std::string status_name(lh_status s) {
  switch (s) {
    case LH_OK:
      return "ok";
    case LH_ERROR:
      return "error";
    case LH_RETRYABLE:
      return "retryable error";
    case LH_CANCELLED:
      return "cancelled";
    case LH_INVALID_INPUT:
      return "invalid input";
  }
  return "unknown status " + std::to_string(static_cast<int>(s));
}

namespace {

// Compiles a step's input and output schemas (signature.*_schema) into its
// validators; returns why they cannot be used, or "".
std::string compile_schemas(LoadedStep& step) {
  for (auto [schema, validator, what] : {std::tuple{&step.signature.input_schema, &step.input_validator, "input"},
                                         std::tuple{&step.signature.output_schema, &step.output_validator, "output"}}) {
    if (auto unsupported = unsupported_schema_keywords(*schema); !unsupported.empty()) {
      const auto& u = unsupported.front();
      return "step '" + step.signature.uses + "': its " + what + " schema uses '" + u.keyword + "'" +
             (u.pointer.empty() ? "" : " at '" + u.pointer + "'") +
             ", a keyword linkhub's validator does not support (sdk/README.md, Schemas, lists them)";
    }
    auto compiled = JsonSchema::compile(*schema);
    if (!compiled) {
      return "step '" + step.signature.uses + "': its " + what + " schema: " + compiled.error().message;
    }
    *validator = std::move(*compiled);
  }
  // The validator checks every step's `with:` against it: compiled once, here.
  step.signature.input_validator = &step.input_validator;
  return "";
}

}  // namespace

struct PluginHost::Impl {
  PluginHostOptions options;
  // Plugins are declared before the libraries so their step objects (which
  // point into library memory) are destroyed first.
  std::vector<boost::dll::shared_library> libraries;
  std::vector<std::unique_ptr<LoadedPlugin>> plugins;
  std::map<std::string, const LoadedStep*, std::less<>> steps;
  std::vector<PluginProblem> problems;
  PluginCounters counters;

  void problem(const fs::path& path, std::string message) { problems.push_back({path, std::move(message)}); }

  bool load(const fs::path& requested) {
    std::error_code ec;
    const fs::path path = fs::absolute(requested, ec).lexically_normal();
    // rtld_local: a plugin's own dependencies must not satisfy another's
    // symbols. A library that fails any check below is unloaded again when
    // `lib` goes out of scope.
    boost::dll::shared_library lib;
    boost::dll::fs::error_code ec_load;
    lib.load(path, boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now, ec_load);
    if (ec_load || !lib.is_loaded()) {
      // Boost.DLL reports a generic error code; the loader's own reason is in dlerror().
      const char* why = dlerror();
      problem(path, "cannot be loaded as a shared library: " + (why != nullptr ? std::string(why) : ec_load.message()));
      return false;
    }
    if (!lib.has(LH_PLUGIN_API_VERSION_SYMBOL)) {
      problem(path, "not a linkhub plugin: it has no " LH_PLUGIN_API_VERSION_SYMBOL " symbol");
      return false;
    }
    const uint32_t version = lib.get<uint32_t()>(LH_PLUGIN_API_VERSION_SYMBOL)();
    // Before the major/minor pair a plugin said 1: that is version 1.0.
    const uint32_t major = version == LH_API_VERSION_LEGACY_1 ? 1u : version >> 16;
    const uint32_t minor = version == LH_API_VERSION_LEGACY_1 ? 0u : version & 0xffffu;
    if (major != LH_API_VERSION_MAJOR || minor > LH_API_VERSION_MINOR) {
      const bool newer =
          major > LH_API_VERSION_MAJOR || (major == LH_API_VERSION_MAJOR && minor > LH_API_VERSION_MINOR);
      problem(path, "built for plugin API " + std::to_string(major) + "." + std::to_string(minor) +
                        ", this linkhub loads " + std::to_string(LH_API_VERSION_MAJOR) + ".0 to " +
                        std::to_string(LH_API_VERSION_MAJOR) + "." + std::to_string(LH_API_VERSION_MINOR) +
                        (newer ? " (upgrade linkhub)" : " (rebuild the plugin against this SDK)"));
      return false;
    }
    if (!lib.has(LH_PLUGIN_INIT_SYMBOL)) {
      problem(path, "not a linkhub plugin: it has no " LH_PLUGIN_INIT_SYMBOL " symbol");
      return false;
    }
    auto& init_fn = lib.get<lh_status(const lh_host_api*, const lh_plugin_def**)>(LH_PLUGIN_INIT_SYMBOL);
    lh_plugin_deinit_fn deinit = nullptr;
    if (lib.has(LH_PLUGIN_DEINIT_SYMBOL)) {
      deinit = &lib.get<void(void*)>(LH_PLUGIN_DEINIT_SYMBOL);
    }
    InitState init{&path, &options};
    const std::string config_key = config_key_of(path);
    const std::string config = options.plugin_configs.is_object() && options.plugin_configs.contains(config_key)
                                   ? options.plugin_configs[config_key].dump()
                                   : "{}";
    lh_host_api host_api{};
    host_api.struct_size = sizeof(lh_host_api);
    host_api.host_data = &init;
    host_api.host_api_version = LH_API_VERSION;
    host_api.set_error = &init_set_error;
    host_api.plugin_config = view(config);
    host_api.log = &init_log;
    host_api.set_plugin_state = &init_set_plugin_state;
    const lh_plugin_def* def = nullptr;
    const lh_status status = init_fn(&host_api, &def);
    // From here a refusal deinitialises what init set up before `lib` unloads:
    // a plugin that initialised, or handed over state before failing.
    struct DeinitOnRefusal {
      lh_plugin_deinit_fn deinit;
      const InitState& init;
      bool initialised;
      bool armed = true;
      ~DeinitOnRefusal() {
        if (armed && deinit != nullptr && (initialised || init.state_set)) {
          deinit(init.plugin_state);
        }
      }
    } guard{deinit, init, status == LH_OK};
    if (status != LH_OK) {
      problem(path,
              "initialisation failed (" + status_name(status) + ")" + (init.error.empty() ? "" : ": " + init.error));
      return false;
    }
    // The descriptor grew with API 1.2 (step_flags): a 1.0 or 1.1 one ends at step_count.
    constexpr size_t kSmallestDef = offsetof(lh_plugin_def, step_count) + sizeof(lh_plugin_def::step_count);
    if (def == nullptr || def->struct_size < kSmallestDef) {
      problem(path, def == nullptr
                        ? "initialisation returned no plugin descriptor"
                        : "the plugin descriptor is smaller than API 1.0's (" + std::to_string(def->struct_size) +
                              " < " + std::to_string(kSmallestDef) + " bytes)");
      return false;
    }
    const uint32_t* step_flags =
        def->struct_size >= offsetof(lh_plugin_def, step_flags) + sizeof(lh_plugin_def::step_flags) ? def->step_flags
                                                                                                    : nullptr;
    if (!valid_plugin_name(def->name)) {
      problem(path, std::string("invalid plugin name '") + (def->name ? def->name : "") +
                        "': expected lower-case letters, digits and _ starting with a letter");
      return false;
    }
    for (const auto& existing : plugins) {
      if (existing->name == def->name) {
        problem(path, std::string("a plugin named '") + def->name + "' is already " +
                          (existing->builtin ? "built into linkhub" : "loaded from " + existing->path.string()));
        return false;
      }
    }
    auto plugin = std::make_unique<LoadedPlugin>();
    plugin->name = def->name;
    plugin->version = def->version ? def->version : "";
    plugin->description = def->description ? def->description : "";
    plugin->path = path;
    plugin->api_version = version;
    plugin->state = init.plugin_state;
    plugin->deinit = deinit;
    if (def->step_count > 0 && def->steps == nullptr) {
      problem(path, "the descriptor declares " + std::to_string(def->step_count) + " steps but no step table");
      return false;
    }
    std::set<std::string> names;
    for (size_t k = 0; k < def->step_count; ++k) {
      const lh_step_def& sd = def->steps[k];
      const std::string where = "step #" + std::to_string(k + 1);
      if (sd.struct_size < sizeof(lh_step_def)) {
        problem(path, where + ": its definition is smaller than this API version's");
        return false;
      }
      if (sd.name == nullptr || sd.name[0] == '\0' || sd.run == nullptr) {
        problem(path, where + ": a step needs a name and a run callback");
        return false;
      }
      if (!names.insert(sd.name).second) {
        problem(path, std::string("step '") + sd.name + "' is declared twice");
        return false;
      }
      auto step = std::make_unique<LoadedStep>();
      step->def = &sd;
      step->plugin = plugin.get();
      step->signature.uses = plugin->name + "." + sd.name;
      step->signature.description = sd.description ? sd.description : "";
      step->signature.pure = step_flags != nullptr && (step_flags[k] & LH_STEP_PURE) != 0;
      for (auto [text, schema, what] : {std::tuple{sd.input_schema, &step->signature.input_schema, "input"},
                                        std::tuple{sd.output_schema, &step->signature.output_schema, "output"}}) {
        *schema = text == nullptr ? Json::object() : Json::parse(text, nullptr, false);
        if (schema->is_discarded()) {
          problem(path, "step '" + step->signature.uses + "': its " + what + " schema is not valid JSON");
          return false;
        }
      }
      if (std::string why = compile_schemas(*step); !why.empty()) {
        problem(path, why);
        return false;
      }
      plugin->steps.push_back(std::move(step));
    }
    for (const auto& step : plugin->steps) {
      steps[step->signature.uses] = step.get();
    }
    plugins.push_back(std::move(plugin));
    libraries.push_back(std::move(lib));
    guard.armed = false;  // the plugin owns it now; ~PluginHost hands it back
    return true;
  }
};

PluginHost::PluginHost() : PluginHost(PluginHostOptions{}) {}

PluginHost::PluginHost(PluginHostOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  auto builtin = builtin_workflow_plugin();
  for (auto& step : builtin->steps) {
    step->plugin = builtin.get();
    // The engine's own schemas: a failure here is a bug caught by every test.
    if (std::string why = compile_schemas(*step); !why.empty()) {
      throw std::logic_error("built-in " + why);
    }
    impl_->steps[step->signature.uses] = step.get();
  }
  impl_->plugins.push_back(std::move(builtin));
}

PluginHost::~PluginHost() {
  // Step objects never outlive invoke(), so the last step has returned: each
  // plugin gets its state back once, while its library is still loaded. Then
  // drop our views of the plugins before their libraries go (Impl's member
  // order), never the other way round.
  impl_->steps.clear();
  for (const auto& plugin : impl_->plugins) {
    if (plugin->deinit != nullptr) {
      plugin->deinit(plugin->state);
    }
  }
  impl_->plugins.clear();
}

std::string plugin_api_version_text(uint32_t version) {
  const uint32_t major = version == LH_API_VERSION_LEGACY_1 ? 1u : version >> 16;
  const uint32_t minor = version == LH_API_VERSION_LEGACY_1 ? 0u : version & 0xffffu;
  return std::to_string(major) + "." + std::to_string(minor);
}

void PluginHost::load_directory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    impl_->problem(dir, "plugin directory does not exist");
    return;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec) && entry.path().extension() == ".so") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    impl_->load(file);
  }
}

bool PluginHost::load_file(const fs::path& file) {
  return impl_->load(file);
}

const std::vector<PluginProblem>& PluginHost::problems() const {
  return impl_->problems;
}

std::vector<const LoadedPlugin*> PluginHost::plugins() const {
  std::vector<const LoadedPlugin*> out;
  for (const auto& p : impl_->plugins) {
    out.push_back(p.get());
  }
  return out;
}

const LoadedPlugin* PluginHost::plugin(std::string_view name) const {
  for (const auto& p : impl_->plugins) {
    if (p->name == name) {
      return p.get();
    }
  }
  return nullptr;
}

const PluginCounters& PluginHost::counters() const {
  return impl_->counters;
}

const LoadedStep* PluginHost::step(std::string_view uses) const {
  // The engine's own steps (core.wait_for, core.sleep) come first: a plugin
  // cannot park a run, so one offering the same name is never called.
  if (const LoadedStep* builtin = builtin_step(uses)) {
    return builtin;
  }
  auto it = impl_->steps.find(uses);
  return it == impl_->steps.end() ? nullptr : it->second;
}

const StepSignature* PluginHost::find_signature(std::string_view uses) const {
  const LoadedStep* s = step(uses);
  return s == nullptr ? nullptr : &s->signature;
}

std::vector<std::string> PluginHost::all_uses() const {
  std::vector<std::string> out = builtin_step_names();
  for (const auto& [uses, step] : impl_->steps) {
    if (builtin_step(uses) == nullptr) {
      out.push_back(uses);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

StepOutcome PluginHost::invoke(const LoadedStep& step, const StepCall& call, std::string_view input_json) const {
  if (step.def == nullptr && !step.native) {  // core.wait_for, core.sleep: the executor parks them
    StepOutcome refused;
    refused.code = error_codes::invalid_input;
    refused.error = step.signature.uses + " is built into the engine and runs only as a step of a workflow";
    return refused;
  }
  CallState state;
  state.call = &call;
  state.step = &step;
  state.counters = &impl_->counters;
  lh_context ctx{};
  ctx.struct_size = sizeof(lh_context);
  ctx.host_data = &state;
  ctx.log = &ctx_log;
  ctx.idempotency_key = &ctx_idempotency_key;
  ctx.secret = &ctx_secret;
  ctx.is_cancelled = &ctx_is_cancelled;
  ctx.artifact_dir = &ctx_artifact_dir;
  ctx.deadline_ms = &ctx_deadline_ms;
  ctx.attempt = &ctx_attempt;
  ctx.set_output = &ctx_set_output;
  ctx.set_error = &ctx_set_error;
  ctx.plugin_config = &ctx_plugin_config;
  ctx.workflow_dir = &ctx_workflow_dir;
  ctx.run_id = &ctx_run_id;
  ctx.step_id = &ctx_step_id;
  ctx.put_artifact = &ctx_put_artifact;
  ctx.artifact_path = &ctx_artifact_path;
  ctx.database_url = &ctx_database_url;
  ctx.http_allow = &ctx_http_allow;
  ctx.set_error_code = &ctx_set_error_code;
  ctx.plugin_state = &ctx_plugin_state;
  ctx.circuit_check = &ctx_circuit_check;
  ctx.circuit_record = &ctx_circuit_record;
  ctx.add_counter = &ctx_add_counter;

  if (step.native) {
    try {
      return checked_output(step, step.native(call, Json::parse(input_json, nullptr, false)));
    } catch (const std::exception& e) {
      StepOutcome failed;
      failed.code = error_codes::internal;
      failed.error = "step " + step.signature.uses + " failed: " + e.what();
      return failed;
    }
  }
  const lh_step_def& def = *step.def;
  StepOutcome outcome;
  void* instance = def.create != nullptr ? def.create(def.user_data) : nullptr;
  const lh_status status = def.run(instance, &ctx, lh_str{input_json.data(), input_json.size()});
  if (def.destroy != nullptr && instance != nullptr) {
    def.destroy(instance);
  }
  const std::string& uses = step.signature.uses;
  switch (status) {
    case LH_OK:
    case LH_ERROR:
    case LH_RETRYABLE:
    case LH_CANCELLED:
    case LH_INVALID_INPUT:
      outcome.status = status;
      break;
    default:
      outcome.status = LH_ERROR;
      outcome.bad_output = true;
      outcome.code = error_codes::bad_output;
      outcome.error = "step " + uses + " returned an unknown status " + std::to_string(static_cast<int>(status));
      return outcome;
  }
  if (status != LH_OK) {
    outcome.error = state.error.empty() ? "step " + uses + " failed (" + status_name(status) + ") without a message"
                                        : std::move(state.error);
    outcome.code = std::move(state.error_code);
    outcome.details = std::move(state.error_details);
    return outcome;
  }
  if (!state.has_output) {
    outcome.output = Json::object();  // a step with nothing to say succeeds with {}
  } else {
    outcome.output = Json::parse(state.output, nullptr, false);
    if (outcome.output.is_discarded()) {
      outcome.status = LH_ERROR;
      outcome.bad_output = true;
      outcome.code = error_codes::bad_output;
      outcome.error =
          "step " + uses + " returned malformed JSON output (" + std::to_string(state.output.size()) + " bytes)";
      outcome.output = Json();
      return outcome;
    }
  }
  return checked_output(step, std::move(outcome));
}

StepOutcome PluginHost::checked_output(const LoadedStep& step, StepOutcome outcome) {
  if (outcome.status != LH_OK) {
    return outcome;
  }
  if (auto violations = step.output_validator.validate(outcome.output); !violations.empty()) {
    outcome.status = LH_ERROR;
    outcome.bad_output = true;
    outcome.code = error_codes::bad_output;
    outcome.error = "step " + step.signature.uses + " returned output that does not match its output schema: " +
                    (violations[0].pointer.empty() ? "" : violations[0].pointer + ": ") + violations[0].message;
    outcome.output = Json();
  }
  return outcome;
}

}  // namespace linkhub
