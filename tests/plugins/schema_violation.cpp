// Returns output that its own output schema forbids.
#include <linkhub/plugin.hpp>

class Liar : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "liar";
  static constexpr const char* description = "declares an integer count, returns text";
  static linkhub::sdk::Json input_schema() { return {{"type", "object"}}; }
  static linkhub::sdk::Json output_schema() {
    return {{"type", "object"}, {"properties", {{"count", {{"type", "integer"}}}}}, {"required", {"count"}}};
  }
  linkhub::sdk::Json run(linkhub::sdk::Context&, const linkhub::sdk::Json&) override { return {{"count", "many"}}; }
};

LINKHUB_PLUGIN("schema_violation", "1.0.0", "lies about its output", Liar)
