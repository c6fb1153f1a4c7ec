#pragma once
// The built-in plugins' tests run their steps on the SDK's fake host
// (linkhub/testing.hpp), which, like any fake, does not check a step's output
// against the step's output schema: linkhub does that on every call. This
// runs a step of a loaded plugin and fails the calling test when a
// successful output breaks the schema, checked by linkhub's own validator
// (compiled in here, so the plugins' tests include no engine header).

#include <linkhub/testing.hpp>

#include <string>
#include <string_view>

namespace linkhub::test {

// "" when `output` matches the JSON Schema text `schema` (the step's
// output_schema; null or empty: anything goes); otherwise the first
// violation, "/pointer: message".
std::string output_schema_violation(const char* schema, const sdk::Json& output);

// plugin.run(step, ctx, input), plus a test failure naming the step when a
// successful output breaks the step's output schema.
sdk::testing::StepResult run_checked_step(const sdk::testing::Plugin& plugin, std::string_view step,
                                          sdk::testing::FakeContext& ctx, const sdk::Json& input);

}  // namespace linkhub::test
