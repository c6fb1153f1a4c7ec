// linkhub plugin test kit: a fake host for a plugin's unit tests, so they
// include only the SDK. Header-only, like the SDK itself: nothing to build or
// link that could disagree with the plugin's compiler or standard library
// (link the `linkhub::sdk_testing` target, which adds the dl library).
//
//   #include <linkhub/testing.hpp>
//   namespace lt = linkhub::sdk::testing;
//
//   // A Step class compiled into the test:
//   lt::FakeContext ctx;
//   ctx.secrets["TOKEN"] = "t";
//   lt::StepResult r = lt::run_step<Greet>(ctx, {{"who", "you"}});
//   EXPECT_EQ(r.status, LH_OK) << r.error;
//
//   // The built plugin through its C ABI, as linkhub loads it (init with a
//   // config section, per-plugin state, deinit when `plugin` goes):
//   lt::Plugin plugin("build/linkhub_hello.so", {{"greeting", "hi"}});
//   lt::StepResult r2 = plugin.run("greet", ctx, {{"who", "you"}});
//
// The fake does what the host promises and nothing more: it does not
// validate the input against the step's schema (linkhub does that before
// run(), and `linkhub plugins check` tests the schemas).
#pragma once

#include <linkhub/plugin.hpp>

#include <dlfcn.h>
#include <stdlib.h>

#include <array>
#include <atomic>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace linkhub::sdk::testing {

namespace detail {

inline std::string_view view(lh_str s) {
  return s.data == nullptr ? std::string_view() : std::string_view(s.data, s.len);
}

inline lh_log_level clamp_level(uint32_t level) {
  return level > LH_LOG_ERROR ? LH_LOG_ERROR : static_cast<lh_log_level>(level);
}

// SHA-256 (FIPS 180-4), for the fake artifact store's content addresses.
inline std::string sha256_hex(std::string_view data) {
  static constexpr std::array<uint32_t, 64> k = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
  std::array<uint32_t, 8> h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::string msg(data);
  const uint64_t bits = static_cast<uint64_t>(data.size()) * 8;
  msg += static_cast<char>(0x80);
  while (msg.size() % 64 != 56) {
    msg += '\0';
  }
  for (int i = 7; i >= 0; --i) {
    msg += static_cast<char>((bits >> (i * 8)) & 0xff);
  }
  const auto rotr = [](uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
  for (size_t chunk = 0; chunk < msg.size(); chunk += 64) {
    std::array<uint32_t, 64> w{};
    for (size_t i = 0; i < 16; ++i) {
      const auto* p = reinterpret_cast<const unsigned char*>(msg.data() + chunk + i * 4);
      w[i] = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
    }
    for (size_t i = 16; i < 64; ++i) {
      const uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::array<uint32_t, 8> v = h;
    for (size_t i = 0; i < 64; ++i) {
      const uint32_t s1 = rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25);
      const uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
      const uint32_t t1 = v[7] + s1 + ch + k[i] + w[i];
      const uint32_t s0 = rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22);
      const uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
      const uint32_t t2 = s0 + maj;
      v = {t1 + t2, v[0], v[1], v[2], v[3] + t1, v[4], v[5], v[6]};
    }
    for (size_t i = 0; i < 8; ++i) {
      h[i] += v[i];
    }
  }
  char hex[65];
  for (size_t i = 0; i < 8; ++i) {
    std::snprintf(hex + i * 8, 9, "%08x", h[i]);
  }
  return std::string(hex, 64);
}

// What linkhub's store keeps of a file's extension: ".jpg", ".webp", ".mp4",
// lower-cased; nothing when it is odd (longer than 7 characters, not alphanumeric).
inline std::string safe_extension(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  if (ext.size() < 2 || ext.size() > 8) {
    return "";
  }
  for (size_t i = 1; i < ext.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(ext[i]);
    if (!std::isalnum(c)) {
      return "";
    }
    ext[i] = static_cast<char>(std::tolower(c));
  }
  return ext;
}

// A fresh directory under $TMPDIR (or /tmp).
inline std::filesystem::path make_temp_dir(const char* prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      (base != nullptr && *base != '\0' ? std::string(base) : std::string("/tmp")) + "/" + prefix + "XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("linkhub testing: cannot create a temporary directory from " + pattern);
  }
  return pattern;
}

}  // namespace detail

struct LogLine {
  lh_log_level level;
  std::string message;
  bool operator==(const LogLine& o) const { return level == o.level && message == o.message; }
};

// What one run of a step gave back.
struct StepResult {
  lh_status status = LH_ERROR;
  bool has_output = false;
  std::string output_text;    // what the step passed to set_output
  Json output;                // output_text parsed; {} when the step succeeded silently; null otherwise
  std::string error;          // set_error's message
  std::string code;           // set_error_code's code ("" when none)
  Json details;               // set_error_code's details (an object, or null)
  std::vector<LogLine> logs;  // every ctx.log line, in order
  bool ok() const { return status == LH_OK; }
  // Every logged message, one per line: handy in failure messages and "does not contain" checks.
  std::string log_text() const {
    std::string out;
    for (const auto& line : logs) {
      out += line.message + "\n";
    }
    return out;
  }
};

// A fake host context. Set the public members to what the host would say; a
// run through run_step / Plugin::run records what the step said in a
// StepResult. Not thread-safe: one context per concurrently running step.
class FakeContext {
 public:
  std::string run_id = "run-test";
  std::string step_id = "step";
  std::string idempotency_key = "run-test/step";
  std::string workflow_dir;
  Json plugin_config = Json::object();  // ctx.plugin_config()
  std::map<std::string, std::string> secrets;
  uint32_t attempt = 1;
  int64_t deadline_ms = 0;             // since the epoch; 0 = none
  std::atomic<bool> cancelled{false};  // may be set from another thread while the step runs
  std::vector<std::string> http_allow;
  std::string database_url;
  void* plugin_state = nullptr;  // Plugin::run fills in the plugin's own when unset
  // Where ctx.artifact_dir() points; empty: a fresh temporary directory, made
  // on first use and removed with the context.
  std::filesystem::path artifact_dir;
  // The content-addressed store behind put_artifact / artifact_path, laid
  // out as linkhub's (<store>/objects/ab/<sha256 hex>.<ext>); empty: a
  // temporary one. Tests seed it with put_artifact() below.
  std::filesystem::path artifact_store;
  // The circuit breaker: return 0 to let a call to `host` go, or when it may
  // be probed again (ms since the epoch). Unset: everything goes.
  std::function<int64_t(std::string_view host)> circuit_check;
  // Every circuit_record(host, ok) call, in order.
  std::vector<std::pair<std::string, bool>> circuit_records;
  // Every add_counter(name, labels, amount) call, in order (labels as JSON, null for none).
  struct CounterCall {
    std::string name;
    Json labels;
    double amount = 0;
  };
  std::vector<CounterCall> counter_calls;

  FakeContext() = default;
  FakeContext(const FakeContext&) = delete;
  FakeContext& operator=(const FakeContext&) = delete;
  ~FakeContext() {
    std::error_code ignored;
    for (const auto& dir : temporary_) {
      std::filesystem::remove_all(dir, ignored);
    }
  }

  // Runs one step definition with this context: create, run, destroy.
  // Input as JSON text, so a test can also send what a Json value cannot hold.
  StepResult run_text(const lh_step_def& def, std::string_view input_json) {
    result_ = StepResult();
    buffers_.clear();
    config_text_ = plugin_config.dump();
    http_allow_text_ = Json(http_allow).dump();
    lh_context ctx = make_context();
    void* instance = def.create != nullptr ? def.create(def.user_data) : nullptr;
    const lh_status status = def.run(instance, &ctx, {input_json.data(), input_json.size()});
    if (def.destroy != nullptr && instance != nullptr) {
      def.destroy(instance);
    }
    StepResult out = std::move(result_);
    out.status = status;
    if (status == LH_OK) {
      out.output = out.has_output ? Json::parse(out.output_text, nullptr, false) : Json::object();
      if (out.output.is_discarded()) {
        out.output = Json();
      }
    }
    return out;
  }
  StepResult run(const lh_step_def& def, const Json& input) { return run_text(def, input.dump()); }

  // The store's directory (made on first use).
  const std::filesystem::path& store_dir() {
    if (artifact_store.empty()) {
      artifact_store = temporary("linkhub-test-store-");
    }
    std::filesystem::create_directories(artifact_store);
    return artifact_store;
  }

  // Stores a copy of `file` as a step's ctx.put_artifact would, and returns
  // its descriptor {hash: "sha256:<hex>", path, bytes, media_type}: a test
  // seeds the store this way before a step that takes an artifact hash as
  // input. Laid out as linkhub lays out its store, the same content kept
  // once: <store>/objects/<first 2 hex>/<hex><extension of file>. Throws
  // std::runtime_error naming the file when it cannot be read or stored.
  Json put_artifact(const std::filesystem::path& file, std::string_view media_type = "application/octet-stream") {
    std::error_code ec;
    std::ifstream in(file, std::ios::binary);
    if (!std::filesystem::is_regular_file(file, ec) || !in) {
      throw std::runtime_error("cannot read " + file.string() + ": not a readable file");
    }
    std::stringstream bytes;
    bytes << in.rdbuf();
    const std::string content = bytes.str();
    const std::string hex = detail::sha256_hex(content);
    const std::filesystem::path dir = store_dir() / "objects" / hex.substr(0, 2);
    const std::filesystem::path stored = dir / (hex + detail::safe_extension(file));
    if (!std::filesystem::exists(stored, ec)) {
      // Written aside, then renamed: a step running beside this one never
      // sees half a file (the same content from two writers is the same file).
      std::filesystem::create_directories(dir, ec);
      const std::filesystem::path aside =
          dir / (".tmp-" + hex + "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
      std::ofstream out(aside, std::ios::binary);
      if (!(out << content) || !out.flush()) {
        throw std::runtime_error("cannot write " + aside.string() + " (a copy of " + file.string() + ")");
      }
      out.close();
      std::filesystem::rename(aside, stored, ec);
      if (ec) {
        std::filesystem::remove(aside, ec);
        throw std::runtime_error("cannot store " + stored.string() + " (a copy of " + file.string() + ")");
      }
    }
    return Json{{"hash", "sha256:" + hex},
                {"path", stored.string()},
                {"bytes", content.size()},
                {"media_type", std::string(media_type)}};
  }

  // Where the store keeps the artifact `hash` ("sha256:<64 hex>"), as
  // ctx.artifact_path answers; empty when the store does not have it.
  std::filesystem::path artifact_path(std::string_view hash) {
    if (hash.rfind("sha256:", 0) != 0 || hash.size() != 71 ||
        hash.find_first_not_of("0123456789abcdef", 7) != std::string_view::npos) {
      return {};
    }
    const std::string hex(hash.substr(7));
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(store_dir() / "objects" / hex.substr(0, 2), ec)) {
      const std::string name = entry.path().filename().string();
      if (name.compare(0, 64, hex) == 0 && (name.size() == 64 || name[64] == '.')) {
        return entry.path();
      }
    }
    return {};
  }

 private:
  std::filesystem::path temporary(const char* prefix) {
    temporary_.push_back(detail::make_temp_dir(prefix));
    return temporary_.back();
  }
  lh_str keep(std::string text) {
    buffers_.push_back(std::move(text));
    return {buffers_.back().data(), buffers_.back().size()};
  }
  static FakeContext& self(void* host_data) { return *static_cast<FakeContext*>(host_data); }

  lh_context make_context() {
    lh_context c{};
    c.struct_size = sizeof(lh_context);
    c.host_data = this;
    c.log = [](void* h, uint32_t level, lh_str m) {
      self(h).result_.logs.push_back({detail::clamp_level(level), std::string(detail::view(m))});
    };
    c.idempotency_key = [](void* h) { return self(h).keep(self(h).idempotency_key); };
    c.secret = [](void* h, lh_str name, lh_str* value) {
      auto& s = self(h);
      const auto it = s.secrets.find(std::string(detail::view(name)));
      if (it == s.secrets.end() || value == nullptr) {
        return 0;
      }
      *value = s.keep(it->second);
      return 1;
    };
    c.is_cancelled = [](void* h) { return self(h).cancelled.load() ? 1 : 0; };
    c.artifact_dir = [](void* h) {
      auto& s = self(h);
      if (s.artifact_dir.empty()) {
        s.artifact_dir = s.temporary("linkhub-test-artifacts-");
      }
      std::filesystem::create_directories(s.artifact_dir);
      return s.keep(s.artifact_dir.string());
    };
    c.deadline_ms = [](void* h) { return self(h).deadline_ms; };
    c.attempt = [](void* h) { return self(h).attempt; };
    c.set_output = [](void* h, lh_str json) {
      self(h).result_.output_text = std::string(detail::view(json));
      self(h).result_.has_output = true;
    };
    c.set_error = [](void* h, lh_str message) { self(h).result_.error = std::string(detail::view(message)); };
    c.plugin_config = [](void* h) { return lh_str{self(h).config_text_.data(), self(h).config_text_.size()}; };
    c.workflow_dir = [](void* h) { return self(h).keep(self(h).workflow_dir); };
    c.run_id = [](void* h) { return self(h).keep(self(h).run_id); };
    c.step_id = [](void* h) { return self(h).keep(self(h).step_id); };
    c.put_artifact = [](void* h, lh_str file, lh_str media_type, lh_str* descriptor) {
      auto& s = self(h);
      if (descriptor == nullptr) {
        return 0;
      }
      try {
        *descriptor = s.keep(s.put_artifact(std::string(detail::view(file)), detail::view(media_type)).dump());
        return 1;
      } catch (const std::exception& e) {
        *descriptor = s.keep(e.what());
        return 0;
      }
    };
    c.artifact_path = [](void* h, lh_str hash) {
      return self(h).keep(self(h).artifact_path(detail::view(hash)).string());
    };
    c.database_url = [](void* h) { return self(h).keep(self(h).database_url); };
    c.http_allow = [](void* h) { return lh_str{self(h).http_allow_text_.data(), self(h).http_allow_text_.size()}; };
    c.set_error_code = [](void* h, lh_str code, lh_str details) {
      auto& r = self(h).result_;
      r.code = std::string(detail::view(code));
      r.details = details.len == 0 ? Json() : Json::parse(detail::view(details), nullptr, false);
      if (r.details.is_discarded()) {
        r.details = Json();
      }
    };
    c.plugin_state = [](void* h) { return self(h).plugin_state; };
    c.circuit_check = [](void* h, lh_str host) {
      auto& s = self(h);
      return s.circuit_check ? s.circuit_check(detail::view(host)) : int64_t{0};
    };
    c.circuit_record = [](void* h, lh_str host, int ok) {
      self(h).circuit_records.emplace_back(std::string(detail::view(host)), ok != 0);
    };
    c.add_counter = [](void* h, lh_str name, lh_str labels, double amount) {
      const Json parsed = labels.len == 0 ? Json() : Json::parse(detail::view(labels), nullptr, false);
      self(h).counter_calls.push_back({std::string(detail::view(name)), parsed, amount});
      return 1;
    };
    return c;
  }

  StepResult result_;
  std::deque<std::string> buffers_;  // strings handed to the step stay valid until run() returns
  std::string config_text_;
  std::string http_allow_text_;
  std::vector<std::filesystem::path> temporary_;
};

// Runs a Step class compiled into the test, through the same C wrapper the
// LINKHUB_PLUGIN macro builds.
template <class S>
StepResult run_step(FakeContext& ctx, const Json& input) {
  static const lh_step_def def = ::linkhub::sdk::detail::make_step_def<S>();
  return ctx.run(def, input);
}

// A built plugin library, loaded the way linkhub loads it: the API version is
// checked, lh_plugin_init gets `config` as the plugin's section and a log
// (collected in init_logs()), and lh_plugin_deinit gets the plugin's state
// back when the Plugin is destroyed. Throws std::runtime_error naming the
// library when it cannot be loaded.
class Plugin {
 public:
  explicit Plugin(const std::filesystem::path& library, Json config = Json::object())
      : path_(library), config_text_(config.dump()) {
    handle_ = ::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle_ == nullptr) {
      const char* why = ::dlerror();
      throw std::runtime_error(library.string() + ": " + (why != nullptr ? why : "cannot be loaded"));
    }
    try {
      init();
    } catch (...) {
      ::dlclose(handle_);
      throw;
    }
  }
  ~Plugin() {
    if (deinit_ != nullptr) {
      deinit_(state_);
    }
    ::dlclose(handle_);
  }
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  const lh_plugin_def& def() const { return *def_; }
  void* state() const { return state_; }
  const std::vector<LogLine>& init_logs() const { return init_logs_; }
  // The step named `name` ("greet", not "hello.greet"); throws when there is none.
  const lh_step_def& step(std::string_view name) const {
    for (size_t i = 0; i < def_->step_count; ++i) {
      if (def_->steps[i].name != nullptr && name == def_->steps[i].name) {
        return def_->steps[i];
      }
    }
    throw std::runtime_error(path_.string() + ": no step named " + std::string(name));
  }
  // Runs the step with `ctx`, whose plugin_state is this plugin's unless the test set one.
  StepResult run_text(std::string_view step_name, FakeContext& ctx, std::string_view input_json) const {
    void* const saved = ctx.plugin_state;
    if (saved == nullptr) {
      ctx.plugin_state = state_;
    }
    StepResult out = ctx.run_text(step(step_name), input_json);
    ctx.plugin_state = saved;
    return out;
  }
  StepResult run(std::string_view step_name, FakeContext& ctx, const Json& input) const {
    return run_text(step_name, ctx, input.dump());
  }

 private:
  template <class F>
  F symbol(const char* name) const {
    return reinterpret_cast<F>(::dlsym(handle_, name));
  }
  void init() {
    const auto version_fn = symbol<lh_plugin_api_version_fn>(LH_PLUGIN_API_VERSION_SYMBOL);
    const auto init_fn = symbol<lh_plugin_init_fn>(LH_PLUGIN_INIT_SYMBOL);
    if (version_fn == nullptr || init_fn == nullptr) {
      throw std::runtime_error(path_.string() + ": not a linkhub plugin (no " LH_PLUGIN_API_VERSION_SYMBOL
                                                " or " LH_PLUGIN_INIT_SYMBOL ")");
    }
    const uint32_t version = version_fn();
    const uint32_t major = version == LH_API_VERSION_LEGACY_1 ? 1u : version >> 16;
    const uint32_t minor = version == LH_API_VERSION_LEGACY_1 ? 0u : version & 0xffffu;
    if (major != LH_API_VERSION_MAJOR || minor > LH_API_VERSION_MINOR) {
      throw std::runtime_error(path_.string() + ": built for plugin API " + std::to_string(major) + "." +
                               std::to_string(minor) + ", this SDK is " + std::to_string(LH_API_VERSION_MAJOR) + "." +
                               std::to_string(LH_API_VERSION_MINOR));
    }
    deinit_ = symbol<lh_plugin_deinit_fn>(LH_PLUGIN_DEINIT_SYMBOL);
    lh_host_api host{};
    host.struct_size = sizeof(lh_host_api);
    host.host_data = this;
    host.host_api_version = LH_API_VERSION;
    host.set_error = [](void* h, lh_str m) { static_cast<Plugin*>(h)->init_error_ = std::string(detail::view(m)); };
    host.plugin_config = {config_text_.data(), config_text_.size()};
    host.log = [](void* h, uint32_t level, lh_str m) {
      static_cast<Plugin*>(h)->init_logs_.push_back({detail::clamp_level(level), std::string(detail::view(m))});
    };
    host.set_plugin_state = [](void* h, void* state) { static_cast<Plugin*>(h)->state_ = state; };
    const lh_status status = init_fn(&host, &def_);
    if (status != LH_OK || def_ == nullptr) {
      if (deinit_ != nullptr && state_ != nullptr) {
        deinit_(state_);
      }
      deinit_ = nullptr;
      throw std::runtime_error(path_.string() + ": initialisation failed" +
                               (init_error_.empty() ? std::string() : ": " + init_error_));
    }
  }

  std::filesystem::path path_;
  std::string config_text_;
  void* handle_ = nullptr;
  const lh_plugin_def* def_ = nullptr;
  lh_plugin_deinit_fn deinit_ = nullptr;
  void* state_ = nullptr;
  std::string init_error_;
  std::vector<LogLine> init_logs_;
};

}  // namespace linkhub::sdk::testing
