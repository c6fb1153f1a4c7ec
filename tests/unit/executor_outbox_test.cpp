// Store writes and event callbacks run after the run's mutex is released:
// a callback may call back into the executor, and the stored events keep the
// order things happened in. What queued up is written together (one
// write_all: one transaction in a SQL store), and a step's start is written
// with its end unless the step runs longer than start_record_after.
#include "builtin_plugins.hpp"

#include <linkhub/engine/compile.hpp>
#include <linkhub/engine/executor.hpp>
#include <linkhub/engine/memory_run_store.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace linkhub {
namespace {

using test::builtin_plugins;

std::shared_ptr<const Plan> compile(const std::string& yaml) {
  Compiled compiled = compile_workflow(yaml, "outbox.yaml", builtin_plugins());
  EXPECT_TRUE(compiled.ok()) << compiled.first_problem();
  return compiled.plan;
}

// A new run of `yaml`, as Node::submit has it before it is stored.
RunRecord new_run(const std::string& yaml) {
  Compiled compiled = compile_workflow(yaml, "outbox.yaml", builtin_plugins());
  RunRecord run;
  run.id = new_run_id();
  if (compiled.workflow) {
    run.workflow = compiled.workflow->name;
    run.workflow_hash = workflow_hash(*compiled.workflow);
  }
  return run;
}

// A MemoryRunStore that keeps each write_all's writes, and may refuse calls.
class BatchRecordingStore final : public RunStore {
 public:
  struct Written {
    RunWrite::Kind kind;
    std::string step;
    StepStatus status;
    std::string event;
  };

  RunRecord create_run(RunRecord run) override { return inner_.create_run(std::move(run)); }
  void update_run(const RunRecord& run, EventRecord event) override { inner_.update_run(run, std::move(event)); }
  void transition(StepRecord step, EventRecord event) override { inner_.transition(std::move(step), std::move(event)); }
  void append_event(EventRecord event) override { inner_.append_event(std::move(event)); }
  void write_all(std::vector<RunWrite>& writes) override {
    std::vector<Written> batch;
    for (const RunWrite& w : writes) {
      batch.push_back(Written{w.kind, w.step.step_id, w.step.status, w.event.type});
    }
    inner_.write_all(writes);
    std::lock_guard lock(mutex_);
    batches_.push_back(std::move(batch));
  }
  bool may_call_step(const std::string&) override { return may_call.load(); }
  std::optional<RunRecord> get_run(std::string_view id) const override { return inner_.get_run(id); }
  std::vector<RunRecord> list_runs(size_t limit) const override { return inner_.list_runs(limit); }
  std::vector<StepRecord> get_steps(std::string_view id) const override { return inner_.get_steps(id); }
  std::vector<EventRecord> get_events(std::string_view id, int64_t after, size_t limit) const override {
    return inner_.get_events(id, after, limit);
  }

  std::vector<std::vector<Written>> batches() const {
    std::lock_guard lock(mutex_);
    return batches_;
  }
  // The first batch holding a write `match` accepts; -1 when none.
  template <class Match>
  int first_batch(Match match) const {
    const auto all = batches();
    for (size_t b = 0; b < all.size(); ++b) {
      if (std::any_of(all[b].begin(), all[b].end(), match)) {
        return static_cast<int>(b);
      }
    }
    return -1;
  }
  // The batch holding step `id`'s transition to `status`.
  int batch_of(const std::string& id, StepStatus status) const {
    return first_batch(
        [&](const Written& w) { return w.kind == RunWrite::Kind::transition && w.step == id && w.status == status; });
  }
  int batch_of_event(const std::string& type) const {
    return first_batch([&](const Written& w) { return w.event == type; });
  }

  std::atomic<bool> may_call{true};

 private:
  MemoryRunStore inner_;
  mutable std::mutex mutex_;
  std::vector<std::vector<Written>> batches_;
};

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

// core.transform is pure (LH_STEP_PURE), core.delay is not: b and c have
// everything before them stored before they are called.
constexpr const char* kEffectChain = R"(
name: effects
steps:
  - id: a
    uses: core.transform
    with: { value: 1 }
  - id: b
    uses: core.delay
    needs: [a]
    with: { ms: 0 }
  - id: c
    uses: core.delay
    needs: [b]
    with: { ms: 0 }
)";

// The stored events of a run of kChain, each as "type step".
const std::vector<std::string> kChainStory{"run.created",      "run.started",      "step.started a",
                                           "step.succeeded a", "step.started b",   "step.succeeded b",
                                           "step.started c",   "step.succeeded c", "run.succeeded"};

std::vector<std::string> event_story(const RunStore& store, const std::string& run_id) {
  std::vector<std::string> seen;
  for (const auto& e : store.get_events(run_id, 0, 1000)) {
    seen.push_back(e.type + (e.step_id.empty() ? "" : " " + e.step_id));
  }
  return seen;
}

TEST(ExecutorOutbox, AnEventCallbackMayCancelTheRunItReportsOn) {
  auto plan = compile(kEffectChain);
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
  EXPECT_EQ(event_story(store, result->run_id), kChainStory);
}

// `yaml` (kChain by default) run to its end on `store`, its starts written after `start_record_after`.
void run_chain(BatchRecordingStore& store, std::chrono::milliseconds start_record_after, RunResult& out,
               const char* yaml = kChain) {
  auto plan = compile(yaml);
  ASSERT_NE(plan, nullptr);
  ExecutorOptions options;
  options.start_record_after = start_record_after;
  Executor executor(builtin_plugins(), store, options);
  auto result = executor.run(plan, Json::object());
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(result->status, RunStatus::Succeeded) << result->error;
  out = *result;
}

TEST(ExecutorOutbox, AFastStepsStartIsWrittenWithItsEndAndTheRunsStartWithItsFirstStep) {
  BatchRecordingStore store;
  RunResult result;
  // every step here ends sooner than start_record_after
  ASSERT_NO_FATAL_FAILURE(run_chain(store, std::chrono::hours(1), result, kEffectChain));
  for (const char* id : {"a", "b", "c"}) {
    const int started = store.batch_of(id, StepStatus::Running);
    ASSERT_GE(started, 0) << id << "'s start is written";
    EXPECT_EQ(started, store.batch_of(id, StepStatus::Succeeded)) << id << ": one write for its start and its end";
  }
  EXPECT_EQ(store.batch_of_event("run.started"), store.batch_of("a", StepStatus::Succeeded));
  EXPECT_LT(store.batch_of("a", StepStatus::Succeeded), store.batch_of("b", StepStatus::Running))
      << "a's end (a pure step's, held back) is written before b, which has an effect, is called";
  EXPECT_LT(store.batch_of("b", StepStatus::Succeeded), store.batch_of("c", StepStatus::Running))
      << "b's end is written before c is called";
}

TEST(ExecutorOutbox, ARunOfPureStepsIsWrittenOnceAtItsEnd) {
  BatchRecordingStore store;
  RunResult result;
  ASSERT_NO_FATAL_FAILURE(run_chain(store, std::chrono::hours(1), result));
  EXPECT_EQ(store.batches().size(), 1u) << "the run's start, its steps and its end: one write";
  EXPECT_EQ(store.batch_of("c", StepStatus::Succeeded), store.batch_of_event("run.succeeded"));
  EXPECT_EQ(event_story(store, result.run_id), kChainStory) << "the events are all there, in order";
}

TEST(ExecutorOutbox, WithRunPureStepsHereARunOfPureStepsHasEndedWhenStartReturns) {
  auto plan = compile(kChain);
  ASSERT_NE(plan, nullptr);
  BatchRecordingStore store;
  Executor executor(builtin_plugins(), store, ExecutorOptions{});
  Result<std::string> id = Error{""};
  {
    Executor::RunPureStepsHere here;
    id = executor.start(plan, Json::object());
  }
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto stored = store.get_run(*id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, RunStatus::Succeeded) << "its steps ran on this thread, inside start()";
  EXPECT_EQ(executor.wait(*id).status, RunStatus::Succeeded);
}

TEST(ExecutorOutbox, RunPureStepsHereHandsTheFirstStepWithAnEffectToThePool) {
  auto plan = compile(R"(
name: then_long
steps:
  - id: quick
    uses: core.transform
    with: { value: 1 }
  - id: long
    uses: core.delay
    needs: [quick]
    with: { duration: 1h }
)");
  ASSERT_NE(plan, nullptr);
  BatchRecordingStore store;
  ExecutorOptions options;
  options.start_record_after = std::chrono::milliseconds(20);
  Executor executor(builtin_plugins(), store, options);
  Result<std::string> id = Error{""};
  {
    Executor::RunPureStepsHere here;
    id = executor.start(plan, Json::object());  // would block for an hour if `long` ran here
  }
  ASSERT_TRUE(id.ok()) << id.error().message;
  int long_started = -1;
  for (int i = 0; i < 2000 && long_started < 0; ++i) {  // bounded: 20 s at most
    long_started = store.batch_of("long", StepStatus::Running);
    if (long_started < 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ASSERT_GE(long_started, 0) << "long runs, on a pool thread";
  const int quick = store.batch_of("quick", StepStatus::Succeeded);
  ASSERT_GE(quick, 0);
  EXPECT_LT(quick, long_started) << "quick's end is stored before long is called";
  ASSERT_TRUE(executor.cancel(*id));
  EXPECT_EQ(executor.wait(*id).status, RunStatus::Cancelled);
}

TEST(ExecutorOutbox, APureStepsEndHeldBackIsWrittenWhileTheRunGoesOn) {
  // long and mid start at once (no end held back yet, so no barrier writes
  // anything); quick runs after mid, while long runs: once it has ended, no
  // step starts again, so only the late-write timer can store its end.
  auto plan = compile(R"(
name: beside
steps:
  - id: long
    uses: core.delay
    with: { duration: 1h }
  - id: mid
    uses: core.delay
    with: { ms: 1 }
  - id: quick
    uses: core.transform
    needs: [mid]
    with: { value: 1 }
)");
  ASSERT_NE(plan, nullptr);
  BatchRecordingStore store;
  ExecutorOptions options;
  options.threads = 2;
  options.start_record_after = std::chrono::milliseconds(20);
  Executor executor(builtin_plugins(), store, options);
  auto id = executor.start(plan, Json::object());
  ASSERT_TRUE(id.ok()) << id.error().message;
  bool stored = false;
  for (int i = 0; i < 2000 && !stored; ++i) {  // bounded: 20 s at most
    for (const auto& step : store.get_steps(*id)) {
      stored = stored || (step.step_id == "quick" && step.status == StepStatus::Succeeded);
    }
    if (!stored) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  EXPECT_TRUE(stored) << "quick's end is stored while long still runs";
  ASSERT_TRUE(executor.cancel(*id));
  EXPECT_EQ(executor.wait(*id).status, RunStatus::Cancelled);
}

TEST(ExecutorOutbox, WithStartRecordAfterZeroAStepsStartIsWrittenBeforeItIsCalled) {
  BatchRecordingStore store;
  RunResult result;
  ASSERT_NO_FATAL_FAILURE(run_chain(store, std::chrono::milliseconds(0), result));
  for (const char* id : {"a", "b", "c"}) {
    EXPECT_LT(store.batch_of(id, StepStatus::Running), store.batch_of(id, StepStatus::Succeeded)) << id;
  }
}

TEST(ExecutorOutbox, ASlowStepsStartIsWrittenWhileItRuns) {
  auto plan = compile(R"(
name: slow
steps:
  - id: long
    uses: core.delay
    with: { duration: 1h }
)");
  ASSERT_NE(plan, nullptr);
  BatchRecordingStore store;
  ExecutorOptions options;
  options.start_record_after = std::chrono::milliseconds(20);
  Executor executor(builtin_plugins(), store, options);
  auto id = executor.start(plan, Json::object());
  ASSERT_TRUE(id.ok()) << id.error().message;
  bool running = false;
  for (int i = 0; i < 2000 && !running; ++i) {  // bounded: 20 s at most
    for (const auto& step : store.get_steps(*id)) {
      running = running || (step.step_id == "long" && step.status == StepStatus::Running);
    }
    if (!running) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  EXPECT_TRUE(running) << "the step's start is stored while the step runs";
  EXPECT_GE(store.batch_of_event("run.started"), 0) << "and the run's start with it";
  ASSERT_TRUE(executor.cancel(*id));
  auto result = executor.wait(*id);
  EXPECT_EQ(result.status, RunStatus::Cancelled) << result.error;
}

TEST(ExecutorOutbox, AStepIsNotCalledWhenItsRunMayNoLongerBeCalledHere) {
  auto plan = compile(kChain);
  ASSERT_NE(plan, nullptr);
  BatchRecordingStore store;
  store.may_call = false;  // as a node's store says once its lease on the run lapsed
  Executor executor(builtin_plugins(), store, ExecutorOptions{});
  auto result = executor.run(plan, Json::object());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_NE(result->status, RunStatus::Succeeded);
  ASSERT_FALSE(result->steps.empty());
  EXPECT_NE(result->steps[0].status, StepStatus::Succeeded) << "a was not called";
  EXPECT_EQ(store.batch_of("a", StepStatus::Succeeded), -1);
}

// A run not stored yet (Node::submit on SQLite, for a ?wait trigger): its
// insert is the first write of its first batch, with its start and its first
// steps; for a run of pure steps, the run's only write.
// A new run of `yaml` started unstored on `executor` as a ?wait's thread
// starts it; its id.
void start_unstored_here(Executor& executor, const char* yaml, std::string& id) {
  auto plan = compile(yaml);
  ASSERT_NE(plan, nullptr);
  const RunRecord run = new_run(yaml);
  Result<std::string> started = Error{""};
  {
    Executor::RunPureStepsHere here;
    started = executor.start_unstored(plan, run, Executor::Creation{"node-a", std::chrono::minutes(1)});
  }
  ASSERT_TRUE(started.ok()) << started.error().message;
  ASSERT_EQ(*started, run.id);
  id = *started;
}

ExecutorOptions starts_held_back() {
  ExecutorOptions options;
  options.start_record_after = std::chrono::hours(1);
  return options;
}

TEST(ExecutorOutbox, AnUnstoredRunOfPureStepsIsCreatedInItsOnlyWrite) {
  BatchRecordingStore store;
  Executor executor(builtin_plugins(), store, starts_held_back());
  std::string run_id;
  ASSERT_NO_FATAL_FAILURE(start_unstored_here(executor, kChain, run_id));
  const auto batches = store.batches();
  ASSERT_EQ(batches.size(), 1u) << "the run's insert, its start, its steps and its end: one write";
  ASSERT_FALSE(batches[0].empty());
  EXPECT_EQ(batches[0].front().kind, RunWrite::Kind::create) << "the insert comes first";
  EXPECT_EQ(event_story(store, run_id), kChainStory) << "the events are all there, in order";
  EXPECT_EQ(executor.wait(run_id).status, RunStatus::Succeeded);
}

TEST(ExecutorOutbox, AnUnstoredRunIsStoredBeforeAStepWithAnEffectIsCalled) {
  BatchRecordingStore store;
  Executor executor(builtin_plugins(), store, starts_held_back());
  std::string run_id;
  ASSERT_NO_FATAL_FAILURE(start_unstored_here(executor, kEffectChain, run_id));
  EXPECT_EQ(executor.wait(run_id).status, RunStatus::Succeeded);
  const int created = store.first_batch([](const auto& w) { return w.kind == RunWrite::Kind::create; });
  ASSERT_EQ(created, 0) << "the insert is in the first write";
  EXPECT_EQ(store.batch_of_event("run.started"), created);
  EXPECT_EQ(store.batch_of("a", StepStatus::Succeeded), created) << "a is pure: its end goes with the insert";
  EXPECT_LT(created, store.batch_of("b", StepStatus::Running)) << "b has an effect: called once the run is stored";
  EXPECT_EQ(event_story(store, run_id).front(), "run.created");
}

TEST(ExecutorOutbox, OnlyANewRunStartsUnstored) {
  auto plan = compile(kChain);
  ASSERT_NE(plan, nullptr);
  BatchRecordingStore store;
  Executor executor(builtin_plugins(), store, ExecutorOptions{});
  RunRecord run = new_run(kChain);
  run.status = RunStatus::Running;
  run.started_ms = now_ms();
  auto refused = executor.start_unstored(plan, run, Executor::Creation{"node-a", std::chrono::minutes(1)});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("not a new run"), std::string::npos) << refused.error().message;
  EXPECT_TRUE(store.batches().empty());
}

}  // namespace
}  // namespace linkhub
