// Steps that throw things that are not std::exception, and std::exceptions.
#include <linkhub/plugin.hpp>

class ThrowsInt : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "int";
  static constexpr const char* description = "throws 42";
  static linkhub::sdk::Json input_schema() { return {{"type", "object"}}; }
  static linkhub::sdk::Json output_schema() { return {{"type", "object"}}; }
  linkhub::sdk::Json run(linkhub::sdk::Context&, const linkhub::sdk::Json&) override { throw 42; }
};

class ThrowsStd : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "std";
  static constexpr const char* description = "throws std::out_of_range";
  static linkhub::sdk::Json input_schema() { return {{"type", "object"}}; }
  static linkhub::sdk::Json output_schema() { return {{"type", "object"}}; }
  linkhub::sdk::Json run(linkhub::sdk::Context&, const linkhub::sdk::Json& input) override {
    return {{"x", input.at("missing")}};  // nlohmann throws out_of_range
  }
};

LINKHUB_PLUGIN("step_throws", "1.0.0", "steps that throw", ThrowsInt, ThrowsStd)
