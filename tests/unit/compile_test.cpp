// compile_workflow: load, validate, resolve and plan in one call, with the
// validator's findings as the only source of "this workflow cannot run".
#include "builtin_plugins.hpp"

#include <linkhub/engine/compile.hpp>
#include <linkhub/engine/executor.hpp>
#include <linkhub/engine/memory_run_store.hpp>

#include <gtest/gtest.h>

namespace linkhub {
namespace {

using test::builtin_plugins;

bool has_code(const Compiled& c, const std::string& code) {
  for (const auto& d : c.diagnostics) {
    if (d.code == code) {
      return true;
    }
  }
  return false;
}

TEST(CompileWorkflow, AValidWorkflowBecomesAPlanThatRuns) {
  Compiled compiled = compile_workflow(R"(
name: ok
inputs:
  n: { type: integer, default: 2 }
steps:
  - id: a
    uses: core.transform
    with: { value: "${{ inputs.n * 21 }}" }
outputs:
  answer: ${{ steps.a.outputs.value }}
)",
                                       "ok.yaml", builtin_plugins());
  ASSERT_TRUE(compiled.ok()) << compiled.first_problem();
  EXPECT_TRUE(compiled.diagnostics.empty());
  ASSERT_NE(compiled.workflow, nullptr);
  EXPECT_EQ(plan_workflow(*compiled.plan).name, "ok");

  MemoryRunStore store;
  Executor executor(builtin_plugins(), store, ExecutorOptions{});
  auto result = executor.run(compiled.plan, Json::object());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, RunStatus::Succeeded) << result->error;
  EXPECT_EQ(result->outputs["answer"], 42);
}

TEST(CompileWorkflow, ACycleIsTheValidatorsFindingAndNoPlan) {
  const std::string yaml = R"(
name: loop
steps:
  - id: a
    uses: core.transform
    needs: [b]
    with: { value: 1 }
  - id: b
    uses: core.transform
    needs: [a]
    with: { value: 2 }
)";
  Compiled compiled = compile_workflow(yaml, "loop.yaml", builtin_plugins());
  EXPECT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.plan, nullptr);
  ASSERT_NE(compiled.workflow, nullptr);  // it parsed: callers can still show it
  EXPECT_TRUE(has_code(compiled, "needs-cycle")) << compiled.first_problem();

  // The executor's prepare goes the same way: the same finding, not a second check's.
  MemoryRunStore store;
  Executor executor(builtin_plugins(), store, ExecutorOptions{});
  auto plan = executor.prepare(*compiled.workflow);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().message.find("needs-cycle"), std::string::npos) << plan.error().message;
}

TEST(CompileWorkflow, UnreadableTextAndUnknownStepsAreDiagnosticsNotErrors) {
  Compiled broken = compile_workflow("name: [unclosed", "broken.yaml", builtin_plugins());
  EXPECT_FALSE(broken.ok());
  EXPECT_FALSE(broken.diagnostics.empty());
  EXPECT_NE(broken.first_problem().find("broken.yaml"), std::string::npos) << broken.first_problem();

  Compiled unknown = compile_workflow("name: u\nsteps:\n  - id: a\n    uses: core.nope\n", "u.yaml", builtin_plugins());
  EXPECT_FALSE(unknown.ok());
  EXPECT_NE(unknown.first_problem().find("core.nope"), std::string::npos) << unknown.first_problem();
}

TEST(PrepareInputs, TheDeclaredInputsAreAJsonSchemaAndErrorsNameTheInput) {
  Compiled compiled = compile_workflow(R"(
name: inputs
inputs:
  url: { type: string, required: true, description: the page }
  count: { type: integer, default: 3 }
  tags: { type: array }
steps:
  - id: a
    uses: core.transform
    with: { value: 1 }
)",
                                       "inputs.yaml", builtin_plugins());
  ASSERT_NE(compiled.workflow, nullptr);
  const Workflow& wf = *compiled.workflow;

  auto ok = prepare_inputs(wf, Json{{"url", "https://x"}, {"tags", "[\"a\"]"}});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ((*ok)["count"], 3);
  EXPECT_EQ((*ok)["tags"], Json::array({"a"}));  // text that parses as the declared type

  auto fraction = prepare_inputs(wf, Json{{"url", "x"}, {"count", 2.5}});
  ASSERT_FALSE(fraction.ok());
  EXPECT_EQ(fraction.error().message, "input 'count': expected an integer, found a number (2.5)");

  auto missing = prepare_inputs(wf, Json::object());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "input 'url' is required (the page)");

  auto not_object = prepare_inputs(wf, Json::array());
  ASSERT_FALSE(not_object.ok());
  EXPECT_NE(not_object.error().message.find("inputs must be an object"), std::string::npos);
}

}  // namespace
}  // namespace linkhub
