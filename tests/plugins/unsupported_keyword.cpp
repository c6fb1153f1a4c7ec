// Declares an input schema with a keyword the engine's validator does not
// support (patternProperties): the host must refuse it at load, naming both.
#include <linkhub/plugin.hpp>

class Loose : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "loose";
  static constexpr const char* description = "relies on patternProperties";
  static linkhub::sdk::Json input_schema() {
    return {{"type", "object"},
            {"properties", {{"tags", {{"type", "object"}, {"patternProperties", {{"^x-", {{"type", "string"}}}}}}}}}};
  }
  static linkhub::sdk::Json output_schema() { return {{"type", "object"}}; }
  linkhub::sdk::Json run(linkhub::sdk::Context&, const linkhub::sdk::Json&) override { return {}; }
};

LINKHUB_PLUGIN("unsupported_keyword", "1.0.0", "a schema keyword linkhub does not check", Loose)
