// Breaks each rule of `linkhub plugins check` in its own step, so the tests
// can see every check fail with its own message. Never load it in a run.
#include <linkhub/plugin.hpp>

#include <chrono>
#include <cstdlib>
#include <thread>

using linkhub::sdk::Json;

// Trusts its input blindly: aborts when `n` is missing, as a step that reads a
// field without checking would crash on what the engine would have refused.
class CrashesOnBadInput : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "crashes";
  static constexpr const char* description = "aborts on an input without an integer n";
  static Json input_schema() {
    return {{"type", "object"},
            {"properties", {{"n", {{"type", "integer"}}}}},
            {"required", {"n"}},
            {"additionalProperties", false},
            {"examples", {{{"n", 2}}}}};
  }
  static Json output_schema() { return {{"type", "object"}}; }
  Json run(linkhub::sdk::Context&, const Json& input) override {
    if (!input.is_object() || !input.contains("n") || !input["n"].is_number_integer()) {
      std::abort();
    }
    return {{"n", input["n"]}};
  }
};

// Stands for a step stuck in a blocking call that never looks at
// cancellation: once cancelled it sleeps (bounded, 60 s) instead of stopping.
class IgnoresCancel : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "ignores_cancel";
  static constexpr const char* description = "keeps going when the run is cancelled";
  static Json input_schema() { return {{"type", "object"}, {"examples", {Json::object()}}}; }
  static Json output_schema() { return {{"type", "object"}}; }
  Json run(linkhub::sdk::Context& ctx, const Json&) override {
    for (int k = 0; ctx.cancelled() && k < 6000; ++k) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return Json::object();
  }
};

// Its example's output breaks its own output schema.
class WrongExample : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "wrong_example";
  static constexpr const char* description = "declares an integer count, returns text";
  static Json input_schema() { return {{"type", "object"}, {"examples", {Json::object()}}}; }
  static Json output_schema() {
    return {{"type", "object"}, {"properties", {{"count", {{"type", "integer"}}}}}, {"required", {"count"}}};
  }
  Json run(linkhub::sdk::Context&, const Json&) override { return {{"count", "many"}}; }
};

// A default that its own property schema refuses.
class BadDefault : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "bad_default";
  static constexpr const char* description = "an integer property whose default is text";
  static Json input_schema() {
    return {{"type", "object"}, {"properties", {{"limit", {{"type", "integer"}, {"default", "ten"}}}}}};
  }
  static Json output_schema() { return {{"type", "object"}}; }
  Json run(linkhub::sdk::Context&, const Json&) override { return Json::object(); }
};

LINKHUB_PLUGIN("nonconforming", "1.0.0", "fails linkhub plugins check, one rule per step", CrashesOnBadInput,
               IgnoresCancel, WrongExample, BadDefault)
