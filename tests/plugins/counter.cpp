// Reports what the host hands a step: idempotency key, attempt, secrets,
// config, and logs a line. For context and idempotency tests.
#include <linkhub/plugin.hpp>

class Echo : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "echo";
  static constexpr const char* description = "returns what the context says";
  static linkhub::sdk::Json input_schema() {
    return {{"type", "object"}, {"properties", {{"secret", {{"type", "string"}}}}}, {"additionalProperties", false}};
  }
  static linkhub::sdk::Json output_schema() { return {{"type", "object"}}; }
  linkhub::sdk::Json run(linkhub::sdk::Context& ctx, const linkhub::sdk::Json& input) override {
    ctx.info("echo for " + std::string(ctx.step_id()));
    linkhub::sdk::Json out{{"key", std::string(ctx.idempotency_key())},
                           {"attempt", ctx.attempt()},
                           {"run_id", std::string(ctx.run_id())},
                           {"step_id", std::string(ctx.step_id())},
                           {"config", ctx.plugin_config()},
                           {"artifact_dir", std::string(ctx.artifact_dir())},
                           {"has_deadline", ctx.deadline().has_value()}};
    if (input.contains("secret")) {
      out["secret_found"] = ctx.secret(input["secret"].get<std::string>()).has_value();
    }
    return out;
  }
};

LINKHUB_PLUGIN("counter", "1.0.0", "context echo for tests", Echo)
