// Store writes and event callbacks run after the run's mutex is released:
// a callback may call back into the executor, and the stored events keep the
// order things happened in.
#include "builtin_plugins.hpp"

#include <linkhub/engine/compile.hpp>
#include <linkhub/engine/executor.hpp>
#include <linkhub/engine/memory_run_store.hpp>

#include <gtest/gtest.h>

#include <atomic>

namespace linkhub {
namespace {

using test::builtin_plugins;

std::shared_ptr<const Plan> compile(const std::string& yaml) {
  Compiled compiled = compile_workflow(yaml, "outbox.yaml", builtin_plugins());
  EXPECT_TRUE(compiled.ok()) << compiled.first_problem();
  return compiled.plan;
}

constexpr const char* kChain = R"(
name: chain
steps:
  - id: a
    uses: core.transform
    with: { value: 1 }
  - id: b
    uses: core.transform
    needs: [a]
    with: { value: 2 }
  - id: c
    uses: core.transform
    needs: [b]
    with: { value: 3 }
)";

TEST(ExecutorOutbox, AnEventCallbackMayCancelTheRunItReportsOn) {
  auto plan = compile(kChain);
  ASSERT_NE(plan, nullptr);
  MemoryRunStore store;
  std::atomic<Executor*> self{nullptr};
  std::atomic<int> cancels{0};
  ExecutorOptions options;
  options.threads = 2;
  // Before, this ran under the run's mutex and cancel() (which takes it) deadlocked.
  options.on_event = [&](const EventRecord& e) {
    if (e.type == "step.succeeded" && e.step_id == "a" && self.load() != nullptr) {
      cancels += self.load()->cancel(e.run_id) ? 1 : 0;
    }
  };
  Executor executor(builtin_plugins(), store, options);
  self = &executor;
  auto result = executor.run(plan, Json::object());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(cancels.load(), 1);
  EXPECT_EQ(result->status, RunStatus::Cancelled) << result->error;
  ASSERT_EQ(result->steps.size(), 3u);
  EXPECT_EQ(result->steps[0].status, StepStatus::Succeeded);
  EXPECT_EQ(result->steps[1].status, StepStatus::Cancelled);  // recorded before b could start
  EXPECT_EQ(result->steps[2].status, StepStatus::Cancelled);
}

TEST(ExecutorOutbox, StoredEventsKeepTheRunsOrderAndAreAllInWhenWaitReturns) {
  auto plan = compile(kChain);
  ASSERT_NE(plan, nullptr);
  MemoryRunStore store;
  ExecutorOptions options;
  options.threads = 2;
  Executor executor(builtin_plugins(), store, options);
  auto result = executor.run(plan, Json::object());
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(result->status, RunStatus::Succeeded) << result->error;
  std::vector<std::string> seen;
  for (const auto& e : store.get_events(result->run_id, 0, 1000)) {
    seen.push_back(e.type + (e.step_id.empty() ? "" : " " + e.step_id));
  }
  const std::vector<std::string> expected{"run.created",      "run.started",      "step.started a",
                                          "step.succeeded a", "step.started b",   "step.succeeded b",
                                          "step.started c",   "step.succeeded c", "run.succeeded"};
  EXPECT_EQ(seen, expected);
}

}  // namespace
}  // namespace linkhub
