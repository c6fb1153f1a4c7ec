// linkhub plugin SDK: the header-only C++ layer over plugin_api.h.
//
// An author writes one class per step and one registration line:
//
//   #include <linkhub/plugin.hpp>
//
//   class Greet : public linkhub::sdk::Step {
//    public:
//     static constexpr const char* name = "greet";
//     static constexpr const char* description = "Says hello to someone.";
//     static linkhub::sdk::Json input_schema() {
//       return {{"type", "object"},
//               {"properties", {{"who", {{"type", "string"}, {"description", "Whom to greet"}}}}},
//               {"required", {"who"}},
//               {"additionalProperties", false}};
//     }
//     static linkhub::sdk::Json output_schema() {
//       return {{"type", "object"}, {"properties", {{"greeting", {{"type", "string"}}}}}};
//     }
//     linkhub::sdk::Json run(linkhub::sdk::Context& ctx, const linkhub::sdk::Json& input) override {
//       ctx.info("greeting " + input.at("who").get<std::string>());
//       return {{"greeting", "hello, " + input.at("who").get<std::string>()}};
//     }
//   };
//
//   LINKHUB_PLUGIN("hello", "1.0.0", "A friendly example plugin.", Greet)
//
// The engine validates the input against input_schema() before run() is
// called. Throw linkhub::sdk::StepError (retryable or not) to fail a step;
// any other exception becomes a permanent failure with its message. Nothing
// ever propagates across the C ABI.
#pragma once

#include <linkhub/plugin_api.h>

#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace linkhub::sdk {

using Json = nlohmann::json;

// A stable, machine-readable failure code ([a-z][a-z0-9_]*): callers (the
// API, workflows' error handling) branch on it, never on the message.
struct ErrorCode {
  constexpr explicit ErrorCode(std::string_view v) noexcept : value(v) {}
  std::string_view value;
};

// The codes linkhub itself gives meaning to (the server maps them to HTTP
// statuses); a plugin may use others of the same shape.
namespace errors {
inline constexpr ErrorCode invalid_input{"invalid_input"};  // the input makes no sense to the step
inline constexpr ErrorCode not_found{"not_found"};          // what the input names does not exist
inline constexpr ErrorCode conflict{"conflict"};            // it exists, or changed meanwhile
inline constexpr ErrorCode unauthorized{"unauthorized"};    // a remote service refused the credentials
inline constexpr ErrorCode forbidden{"forbidden"};          // a remote service or policy refused the action
inline constexpr ErrorCode rate_limited{"rate_limited"};    // a remote service asked us to slow down
inline constexpr ErrorCode unavailable{"unavailable"};      // a remote service is down or its circuit is open
inline constexpr ErrorCode timeout{"timeout"};              // the step's deadline passed
inline constexpr ErrorCode bad_output{"bad_output"};        // a remote answer or a step's output broke its contract
inline constexpr ErrorCode internal{"internal"};            // a bug
}  // namespace errors

// A failure the step reports on purpose. Retryable failures are retried by
// the engine according to the step's retry policy. With a code (and optional
// JSON object of details) the failure is machine-readable:
//
//   throw StepError(errors::not_found, "no product " + id, false, {{"id", id}});
class StepError : public std::runtime_error {
 public:
  explicit StepError(const std::string& message, bool retryable = false)
      : std::runtime_error(message), retryable_(retryable) {}
  StepError(ErrorCode code, const std::string& message, bool retryable = false, Json details = Json())
      : std::runtime_error(message), retryable_(retryable), code_(code.value), details_(std::move(details)) {}
  bool retryable() const noexcept { return retryable_; }
  // Empty when the step gave none (the host then derives one from the status).
  const std::string& code() const noexcept { return code_; }
  // A JSON object, or null.
  const Json& details() const noexcept { return details_; }

 private:
  bool retryable_;
  std::string code_;
  Json details_;
};

// Thrown by Context::throw_if_cancelled(); reported as LH_CANCELLED.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("step cancelled") {}
};

// What a running step can ask of the engine. Valid only during run().
class Context {
 public:
  explicit Context(const lh_context* ctx) noexcept : ctx_(ctx) {}

  void log(lh_log_level level, std::string_view message) const {
    ctx_->log(ctx_->host_data, level, {message.data(), message.size()});
  }
  void debug(std::string_view m) const { log(LH_LOG_DEBUG, m); }
  void info(std::string_view m) const { log(LH_LOG_INFO, m); }
  void warn(std::string_view m) const { log(LH_LOG_WARN, m); }
  void error(std::string_view m) const { log(LH_LOG_ERROR, m); }

  // Stable per (run, step, foreach index) across attempts and restarts:
  // use it to make external effects exactly-once.
  std::string_view idempotency_key() const { return view(ctx_->idempotency_key(ctx_->host_data)); }

  std::optional<std::string> secret(std::string_view name) const {
    lh_str value{nullptr, 0};
    if (ctx_->secret(ctx_->host_data, {name.data(), name.size()}, &value) == 0) {
      return std::nullopt;
    }
    return std::string(value.data, value.len);
  }

  bool cancelled() const { return ctx_->is_cancelled(ctx_->host_data) != 0; }
  void throw_if_cancelled() const {
    if (cancelled()) {
      throw Cancelled();
    }
  }

  std::string_view artifact_dir() const { return view(ctx_->artifact_dir(ctx_->host_data)); }

  // When the step must be done by, if it has a timeout.
  std::optional<std::chrono::system_clock::time_point> deadline() const {
    const int64_t ms = ctx_->deadline_ms(ctx_->host_data);
    if (ms <= 0) {
      return std::nullopt;
    }
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
  }

  uint32_t attempt() const { return ctx_->attempt(ctx_->host_data); }

  // This plugin's section of linkhub.yaml, {} when absent.
  Json plugin_config() const {
    const std::string_view text = view(ctx_->plugin_config(ctx_->host_data));
    return text.empty() ? Json::object() : Json::parse(text, nullptr, false);
  }
  std::string_view workflow_dir() const { return view(ctx_->workflow_dir(ctx_->host_data)); }
  std::string_view run_id() const { return view(ctx_->run_id(ctx_->host_data)); }
  std::string_view step_id() const { return view(ctx_->step_id(ctx_->host_data)); }

  // Stores `file` in the host's content-addressed artifact store and returns
  // {"hash": "sha256:...", "path", "bytes", "media_type"}: the same content is
  // kept once, whichever run stored it. Throws StepError when it cannot.
  Json put_artifact(const std::string& file, std::string_view media_type = {}) const {
    if (!has(&lh_context::put_artifact)) {
      throw StepError("this linkhub host has no artifact store (upgrade linkhub)");
    }
    lh_str out{nullptr, 0};
    const int ok =
        ctx_->put_artifact(ctx_->host_data, {file.data(), file.size()}, {media_type.data(), media_type.size()}, &out);
    if (ok == 0) {
      throw StepError(std::string(view(out)));
    }
    return Json::parse(view(out));
  }
  // Where the artifact with `hash` is stored; empty when the store has no such artifact.
  std::string artifact_path(std::string_view hash) const {
    if (!has(&lh_context::artifact_path)) {
      return {};
    }
    return std::string(view(ctx_->artifact_path(ctx_->host_data, {hash.data(), hash.size()})));
  }
  // The run database's URL (a SQLite path or postgresql://...), empty when none.
  std::string database_url() const {
    return has(&lh_context::database_url) ? std::string(view(ctx_->database_url(ctx_->host_data))) : std::string();
  }

  // The deployment's outbound HTTP allow-list (http.allow in linkhub.yaml):
  // feed it to http_guard::AllowList::parse. Empty when none, and from hosts
  // older than the SSRF guard (which then allow public addresses only).
  std::vector<std::string> http_allow() const {
    std::vector<std::string> out;
    if (!has(&lh_context::http_allow)) {
      return out;
    }
    const Json list = Json::parse(view(ctx_->http_allow(ctx_->host_data)), nullptr, false);
    if (!list.is_array()) {
      return out;
    }
    for (const Json& item : list) {
      if (item.is_string()) {
        out.push_back(item.get<std::string>());
      }
    }
    return out;
  }

  // The plugin's state (LINKHUB_PLUGIN_WITH_STATE): the object its State
  // class's constructor built at init, shared by every step of the plugin on
  // every thread, so its members need their own locking. Throws StepError
  // when the host gave the plugin none.
  template <class T>
  T& plugin_state() const {
    void* state = has(&lh_context::plugin_state) ? ctx_->plugin_state(ctx_->host_data) : nullptr;
    if (state == nullptr) {
      throw StepError(errors::internal,
                      "this plugin has no state: it was not initialised by a linkhub host with "
                      "plugin API 1.1 or later");
    }
    return *static_cast<T*>(state);
  }

  // Adds `amount` to this plugin's counter `name` with `labels` (a JSON
  // object of strings), summed by the host for /metrics
  // (linkhub_plugin_counter_total). False when the host refused it (a
  // malformed name or labels, too many series) or has no counters: counting
  // never fails a step.
  bool add_counter(std::string_view name, const Json& labels, double amount) const {
    if (!has(&lh_context::add_counter)) {
      return false;
    }
    const std::string labels_text = labels.is_object() && !labels.empty() ? labels.dump() : std::string();
    return ctx_->add_counter(ctx_->host_data, {name.data(), name.size()}, {labels_text.data(), labels_text.size()},
                             amount) != 0;
  }

  const lh_context* raw() const noexcept { return ctx_; }

 private:
  // Whether the host's context has the member (hosts older than it do not).
  template <class M>
  bool has(M lh_context::*member) const {
    static const lh_context probe{};
    const auto offset =
        static_cast<size_t>(reinterpret_cast<const char*>(&(probe.*member)) - reinterpret_cast<const char*>(&probe));
    return ctx_->struct_size >= offset + sizeof(M) && ctx_->*member != nullptr;
  }
  static std::string_view view(lh_str s) {
    return s.data == nullptr ? std::string_view{} : std::string_view(s.data, s.len);
  }
  const lh_context* ctx_;
};

// What a plugin's State constructor gets at init (LINKHUB_PLUGIN_WITH_STATE):
// its config section and the host's log. Valid only during init.
class PluginInit {
 public:
  explicit PluginInit(const lh_host_api* host) noexcept : host_(host) {}

  // This plugin's section of linkhub.yaml, {} when absent (or the host is older than API 1.1).
  Json config() const {
    if (!has(offsetof(lh_host_api, plugin_config) + sizeof(lh_str)) || host_->plugin_config.data == nullptr) {
      return Json::object();
    }
    const Json parsed =
        Json::parse(std::string_view(host_->plugin_config.data, host_->plugin_config.len), nullptr, false);
    return parsed.is_object() ? parsed : Json::object();
  }

  void log(lh_log_level level, std::string_view message) const {
    if (has(offsetof(lh_host_api, log) + sizeof(host_->log)) && host_->log != nullptr) {
      host_->log(host_->host_data, level, {message.data(), message.size()});
    }
  }
  void info(std::string_view m) const { log(LH_LOG_INFO, m); }
  void warn(std::string_view m) const { log(LH_LOG_WARN, m); }

  const lh_host_api* raw() const noexcept { return host_; }

 private:
  bool has(size_t end) const { return host_ != nullptr && host_->struct_size >= end; }
  const lh_host_api* host_;
};

// Base class of every step. One instance serves one attempt of one step (or
// one foreach item), so members need no locking.
class Step {
 public:
  virtual ~Step() = default;
  virtual Json run(Context& ctx, const Json& input) = 0;
};

namespace detail {

inline void report(const lh_context* ctx, std::string_view message) noexcept {
  ctx->set_error(ctx->host_data, {message.data(), message.size()});
}

// Hosts older than API 1.1 have no set_error_code: the code is then dropped
// (the message and the status still reach them).
inline void report(const lh_context* ctx, const StepError& e) noexcept {
  report(ctx, e.what());
  constexpr size_t needed = offsetof(lh_context, set_error_code) + sizeof(lh_context::set_error_code);
  if (e.code().empty() || ctx->struct_size < needed || ctx->set_error_code == nullptr) {
    return;
  }
  try {
    const std::string details = e.details().is_object() ? e.details().dump() : std::string();
    ctx->set_error_code(ctx->host_data, {e.code().data(), e.code().size()}, {details.data(), details.size()});
  } catch (...) {
    // Details that cannot be serialised: the code alone still goes.
    ctx->set_error_code(ctx->host_data, {e.code().data(), e.code().size()}, {nullptr, 0});
  }
}

template <class S>
void* create_step(void*) noexcept {
  try {
    return new S();
  } catch (...) {
    return nullptr;
  }
}

template <class S>
void destroy_step(void* instance) noexcept {
  delete static_cast<S*>(instance);
}

template <class S>
lh_status run_step(void* instance, const lh_context* ctx, lh_str input_json) noexcept {
  if (instance == nullptr) {
    report(ctx, "the step could not be created");
    return LH_ERROR;
  }
  try {
    const Json input = Json::parse(std::string_view(input_json.data, input_json.len));
    Context context(ctx);
    const std::string output = static_cast<S*>(instance)->run(context, input).dump();
    ctx->set_output(ctx->host_data, {output.data(), output.size()});
    return LH_OK;
  } catch (const StepError& e) {
    report(ctx, e);
    return e.retryable() ? LH_RETRYABLE : LH_ERROR;
  } catch (const Cancelled& e) {
    report(ctx, e.what());
    return LH_CANCELLED;
  } catch (const Json::exception& e) {
    report(ctx, std::string("invalid value: ") + e.what());
    return LH_INVALID_INPUT;
  } catch (const std::exception& e) {
    report(ctx, e.what());
    return LH_ERROR;
  } catch (...) {
    report(ctx, "the step threw an unknown exception");
    return LH_ERROR;
  }
}

template <class S>
struct StepSchemas {
  static const std::string& input() {
    static const std::string text = S::input_schema().dump();
    return text;
  }
  static const std::string& output() {
    static const std::string text = S::output_schema().dump();
    return text;
  }
};

// `static constexpr bool pure = true;` in a step class: see LH_STEP_PURE.
template <class S, class = void>
struct declares_pure : std::false_type {};
template <class S>
struct declares_pure<S, std::void_t<decltype(S::pure)>> : std::bool_constant<S::pure> {};

template <class S>
constexpr uint32_t step_flags() {
  return declares_pure<S>::value ? LH_STEP_PURE : 0u;
}

template <class S>
lh_step_def make_step_def() {
  lh_step_def def{};
  def.struct_size = sizeof(lh_step_def);
  def.name = S::name;
  def.description = S::description;
  def.input_schema = StepSchemas<S>::input().c_str();
  def.output_schema = StepSchemas<S>::output().c_str();
  def.user_data = nullptr;
  def.create = &create_step<S>;
  def.run = &run_step<S>;
  def.destroy = &destroy_step<S>;
  return def;
}

template <class... Steps>
lh_status init_plugin(const lh_host_api* host, const lh_plugin_def** out, const char* name, const char* version,
                      const char* description) noexcept {
  try {
    static const lh_step_def steps[] = {make_step_def<Steps>()...};
    static const uint32_t flags[] = {step_flags<Steps>()...};
    static const lh_plugin_def def{sizeof(lh_plugin_def), name, version, description, steps, sizeof...(Steps), flags};
    *out = &def;
    return LH_OK;
  } catch (const std::exception& e) {
    if (host != nullptr && host->set_error != nullptr) {
      const std::string message = e.what();
      host->set_error(host->host_data, {message.data(), message.size()});
    }
    return LH_ERROR;
  }
}

inline void init_failed(const lh_host_api* host, std::string_view message) noexcept {
  if (host != nullptr && host->set_error != nullptr) {
    host->set_error(host->host_data, {message.data(), message.size()});
  }
}

// Builds the plugin's State from its init (config, log) and hands it to the
// host, which passes it to every step and back to deinit_plugin<State>.
template <class State, class... Steps>
lh_status init_plugin_with_state(const lh_host_api* host, const lh_plugin_def** out, const char* name,
                                 const char* version, const char* description) noexcept {
  if (host == nullptr || host->struct_size < offsetof(lh_host_api, set_plugin_state) + sizeof(host->set_plugin_state) ||
      host->set_plugin_state == nullptr) {
    init_failed(host, "this plugin keeps state and needs a linkhub host with plugin API 1.1 or later");
    return LH_ERROR;
  }
  try {
    const PluginInit init(host);
    auto state = std::make_unique<State>(init);
    const lh_status status = init_plugin<Steps...>(host, out, name, version, description);
    if (status == LH_OK) {
      host->set_plugin_state(host->host_data, state.release());
    }
    return status;
  } catch (const std::exception& e) {
    init_failed(host, e.what());
  } catch (...) {
    init_failed(host, "the plugin's state threw an unknown exception");
  }
  return LH_ERROR;
}

template <class State>
void deinit_plugin(void* state) noexcept {
  delete static_cast<State*>(state);
}

}  // namespace detail
}  // namespace linkhub::sdk

// Defines the two exported entry points of a plugin. NAME, VERSION and
// DESCRIPTION are string literals; the rest are the plugin's Step classes.
#define LINKHUB_PLUGIN(NAME, VERSION, DESCRIPTION, ...)                                               \
  extern "C" LH_EXPORT uint32_t lh_plugin_api_version(void) {                                         \
    return LH_API_VERSION;                                                                            \
  }                                                                                                   \
  extern "C" LH_EXPORT lh_status lh_plugin_init(const lh_host_api* host, const lh_plugin_def** out) { \
    return ::linkhub::sdk::detail::init_plugin<__VA_ARGS__>(host, out, NAME, VERSION, DESCRIPTION);   \
  }

// LINKHUB_PLUGIN for a plugin with per-plugin state (connection pools,
// caches): STATE is a class constructible from `const linkhub::sdk::PluginInit&`
// (its config section and log). The host builds it once at load, before any
// step runs; every step reaches it with ctx.plugin_state<STATE>(); it is
// destroyed once, after the last step has returned and before the library is
// unloaded (lh_plugin_deinit). A constructor that throws fails the plugin's
// load with the exception's message.
#define LINKHUB_PLUGIN_WITH_STATE(NAME, VERSION, DESCRIPTION, STATE, ...)                                             \
  extern "C" LH_EXPORT uint32_t lh_plugin_api_version(void) {                                                         \
    return LH_API_VERSION;                                                                                            \
  }                                                                                                                   \
  extern "C" LH_EXPORT lh_status lh_plugin_init(const lh_host_api* host, const lh_plugin_def** out) {                 \
    return ::linkhub::sdk::detail::init_plugin_with_state<STATE, __VA_ARGS__>(host, out, NAME, VERSION, DESCRIPTION); \
  }                                                                                                                   \
  extern "C" LH_EXPORT void lh_plugin_deinit(void* state) {                                                           \
    ::linkhub::sdk::detail::deinit_plugin<STATE>(state);                                                              \
  }
