// Takes a name that the built-in core plugin already has.
#include <linkhub/plugin.hpp>

class Noop : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "noop";
  static constexpr const char* description = "does nothing";
  static linkhub::sdk::Json input_schema() { return {{"type", "object"}}; }
  static linkhub::sdk::Json output_schema() { return {{"type", "object"}}; }
  linkhub::sdk::Json run(linkhub::sdk::Context&, const linkhub::sdk::Json&) override {
    return linkhub::sdk::Json::object();
  }
};

LINKHUB_PLUGIN("core", "9.9.9", "an impostor", Noop)
