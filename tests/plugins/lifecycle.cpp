// A plugin with per-plugin state, for the lifecycle tests: the state is built
// at init from the plugin's config section, shared by every step, and
// destroyed at deinit. Since the library is unloaded right after deinit, init
// and deinit append a line to the file named by the config's `journal`, which
// outlives it.
#include <linkhub/plugin.hpp>

#include <atomic>
#include <fstream>
#include <stdexcept>
#include <string>

namespace {

using linkhub::sdk::Json;

class State {
 public:
  explicit State(const linkhub::sdk::PluginInit& init) : config_(init.config()) {
    if (config_.value("fail_init", false)) {
      throw std::runtime_error("fail_init is set");
    }
    journal("init " + config_.dump());
    init.info("initialised");
  }
  ~State() { journal("deinit after " + std::to_string(calls_.load()) + " calls"); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  const Json& config() const { return config_; }
  int64_t count_call() { return ++calls_; }

 private:
  void journal(const std::string& line) const {
    if (config_.contains("journal")) {
      std::ofstream(config_["journal"].get<std::string>(), std::ios::app) << line << "\n";
    }
  }
  Json config_;
  std::atomic<int64_t> calls_{0};
};

class Peek : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "peek";
  static constexpr const char* description = "the config the plugin saw at init and how often a step ran";
  static Json input_schema() { return {{"type", "object"}}; }
  static Json output_schema() { return {{"type", "object"}, {"required", {"config_at_init", "calls"}}}; }
  Json run(linkhub::sdk::Context& ctx, const Json&) override {
    State& state = ctx.plugin_state<State>();
    return {{"config_at_init", state.config()}, {"calls", state.count_call()}};
  }
};

}  // namespace

LINKHUB_PLUGIN_WITH_STATE("test_lifecycle", "1.0.0", "plugin state for the lifecycle tests", State, Peek)
