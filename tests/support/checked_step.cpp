#include "checked_step.hpp"

#include <linkhub/engine/json_schema.hpp>

#include <gtest/gtest.h>

namespace linkhub::test {

std::string output_schema_violation(const char* schema, const sdk::Json& output) {
  if (schema == nullptr || *schema == '\0') {
    return "";
  }
  const Json parsed = Json::parse(schema, nullptr, false);
  if (parsed.is_discarded()) {
    return "the output schema is not valid JSON";
  }
  auto compiled = JsonSchema::compile(parsed);
  if (!compiled) {
    return "the output schema does not compile: " + compiled.error().message;
  }
  const auto violations = compiled->validate(output);
  if (violations.empty()) {
    return "";
  }
  return (violations[0].pointer.empty() ? "" : violations[0].pointer + ": ") + violations[0].message;
}

sdk::testing::StepResult run_checked_step(const sdk::testing::Plugin& plugin, std::string_view step,
                                          sdk::testing::FakeContext& ctx, const sdk::Json& input) {
  sdk::testing::StepResult result = plugin.run(step, ctx, input);
  if (result.status == LH_OK) {
    const std::string violation = output_schema_violation(plugin.step(step).output_schema, result.output);
    if (!violation.empty()) {
      ADD_FAILURE() << plugin.def().name << "." << step
                    << " returned output that does not match its output schema: " << violation
                    << "\noutput: " << result.output_text;
    }
  }
  return result;
}

}  // namespace linkhub::test
