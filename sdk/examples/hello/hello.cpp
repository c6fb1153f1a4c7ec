// A template for a linkhub plugin: one step, `hello.greet`.
#include <linkhub/plugin.hpp>

class Greet : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "greet";
  static constexpr const char* description = "Greets someone, politely or not.";

  static linkhub::sdk::Json input_schema() {
    return {{"type", "object"},
            {"properties",
             {{"who", {{"type", "string"}, {"description", "Whom to greet"}}},
              {"shout", {{"type", "boolean"}, {"default", false}, {"description", "Upper-case the greeting"}}}}},
            {"required", {"who"}},
            {"additionalProperties", false}};
  }

  static linkhub::sdk::Json output_schema() {
    return {{"type", "object"},
            {"properties", {{"greeting", {{"type", "string"}, {"description", "The greeting"}}}}},
            {"additionalProperties", false}};
  }

  linkhub::sdk::Json run(linkhub::sdk::Context& ctx, const linkhub::sdk::Json& input) override {
    std::string greeting = "hello, " + input.at("who").get<std::string>();
    if (input.value("shout", false)) {
      for (auto& c : greeting) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
    }
    ctx.info("greeted " + input.at("who").get<std::string>());
    return {{"greeting", greeting}};
  }
};

LINKHUB_PLUGIN("hello", "1.0.0", "An example plugin built out of tree.", Greet)
