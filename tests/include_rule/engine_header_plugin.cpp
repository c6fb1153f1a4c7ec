// A plugin that breaks the include rule: plugins see only the SDK, never the
// engine. Built by the `plugin_include_rule` test, which passes only when
// this fails to compile because the engine header is not found.
#include <linkhub/engine/plugin_host.hpp>
#include <linkhub/plugin.hpp>

class Sneaky : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "sneaky";
  static constexpr const char* description = "reaches into the engine";
  static linkhub::sdk::Json input_schema() { return {{"type", "object"}}; }
  static linkhub::sdk::Json output_schema() { return {{"type", "object"}}; }
  linkhub::sdk::Json run(linkhub::sdk::Context&, const linkhub::sdk::Json&) override {
    return {{"steps", linkhub::PluginHost().all_uses().size()}};
  }
};

LINKHUB_PLUGIN("sneaky", "1.0.0", "breaks the include rule", Sneaky)
