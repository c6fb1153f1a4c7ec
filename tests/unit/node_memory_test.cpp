// Node on the in-memory stores (tests/support/memory_stores.hpp): the node's
// own logic, without a database. It runs what is queued; a run it lost to
// another node (its lease lapsed while a step ran, and the run was claimed
// again) is dropped without a write, and the node goes on with its others; a
// cancellation asked from elsewhere stops the running step.
#include "builtin_plugins.hpp"
#include "memory_stores.hpp"

#include <linkhub/engine/compile.hpp>
#include <linkhub/engine/node.hpp>
#include <linkhub/engine/workflow.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace linkhub {
namespace {

using test::builtin_plugins;

constexpr const char* kMemoryQuick = R"(name: quick
steps:
  - id: a
    uses: core.transform
    with: { value: "${{ inputs.word }}" }
  - id: b
    uses: core.transform
    needs: [a]
    with: { value: "${{ steps.a.outputs.value }}!" }
inputs:
  word: { type: string, default: hello }
outputs:
  b: "${{ steps.b.outputs.value }}"
)";

constexpr const char* kMemorySlow = R"(name: slow
steps:
  - id: wait
    uses: core.delay
    with: { duration: 1h }
  - id: after
    uses: core.transform
    needs: [wait]
    with: { value: 1 }
)";

class NodeOnMemoryStores : public ::testing::Test {
 protected:
  Workflow load(const std::string& yaml) {
    Compiled compiled = compile_workflow(yaml, ::testing::TempDir() + "/node-memory.yaml", builtin_plugins());
    for (const auto& d : compiled.diagnostics) {
      ADD_FAILURE() << format_diagnostic(d);
    }
    EXPECT_TRUE(compiled.workflow != nullptr);
    return compiled.workflow ? *compiled.workflow : Workflow{};
  }

  ExecutorOptions executor_options() {
    ExecutorOptions o;
    o.threads = 2;
    o.artifact_dir = ::testing::TempDir() + "/node-memory-artifacts";
    return o;
  }

  static NodeOptions node_options(bool exit_when_idle) {
    NodeOptions o;
    o.owner = "node-under-test";
    o.lease = std::chrono::milliseconds(600);  // heartbeats every 200 ms
    o.poll = std::chrono::milliseconds(50);
    o.exit_when_idle = exit_when_idle;
    o.shutdown_grace = std::chrono::milliseconds(0);
    return o;
  }

  // Started steps are told through the executor's events; waits (bounded) for `step` of `run`.
  struct Started {
    std::mutex m;
    std::condition_variable cv;
    std::set<std::pair<std::string, std::string>> seen;  // (run, step)
    bool wait_for(const std::string& run, const std::string& step) {
      std::unique_lock lock(m);
      return cv.wait_for(lock, std::chrono::seconds(30), [&] { return seen.count({run, step}) != 0; });
    }
  };
  ExecutorOptions watching(Started& started) {
    ExecutorOptions exec = executor_options();
    exec.on_event = [&started](const EventRecord& e) {
      if (e.type == "step.started") {
        std::lock_guard lock(started.m);
        started.seen.insert({e.run_id, e.step_id});
        started.cv.notify_all();
      }
    };
    return exec;
  }

  // A run of `wf` as a trigger makes it (Node::submit's argument).
  RunRecord trigger_of(const Workflow& wf, const Json& inputs, const std::string& key = "") {
    auto hash = register_workflow(memory_.stores(), wf);
    EXPECT_TRUE(hash.ok());
    RunRecord run;
    run.workflow = wf.name;
    run.workflow_hash = hash.ok() ? *hash : "";
    run.inputs = inputs;
    run.idempotency_key = key;
    return run;
  }

  // Bounded polling of the store: until the run has `status` (30 s at most).
  bool reaches(const std::string& run_id, RunStatus status) {
    for (int i = 0; i < 600; ++i) {
      if (memory_.get_run(run_id)->status == status) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  test::MemoryStores memory_;
};

TEST_F(NodeOnMemoryStores, RunsEveryQueuedRunToItsEnd) {
  const Workflow wf = load(kMemoryQuick);
  std::vector<std::string> ids;
  for (const char* word : {"one", "two", "three", "four", "five"}) {
    auto run = enqueue_run(memory_.stores(), wf, {{"word", word}});
    ASSERT_TRUE(run.ok()) << run.error().message;
    ids.push_back(run->id);
  }
  Node node(builtin_plugins(), memory_.stores(), executor_options(), node_options(true));
  node.run();
  EXPECT_EQ(node.stats().claimed, 5u);
  EXPECT_EQ(node.stats().finished, 5u);
  for (const auto& id : ids) {
    const auto run = memory_.get_run(id);
    ASSERT_TRUE(run.has_value());
    EXPECT_EQ(run->status, RunStatus::Succeeded) << run->error;
    EXPECT_EQ(run->outputs["b"], run->inputs["word"].get<std::string>() + "!");
  }
  EXPECT_EQ(memory_.queue_depth(), 0u);
}

// A step called under a live lease whose start is written once the lease has
// lapsed (no heartbeat could renew it), with nobody having taken the run
// over: the late start is not a gate, the step's result is kept, and the
// step is not called a second time.
TEST_F(NodeOnMemoryStores, AStepStartWrittenAfterTheLeaseLapsedUnclaimedKeepsWhatTheStepDid) {
  const Workflow wf = load(R"(name: one_long
steps:
  - id: long
    uses: core.delay
    with: { duration: 900ms }
)");
  auto run = enqueue_run(memory_.stores(), wf, Json::object());
  ASSERT_TRUE(run.ok()) << run.error().message;
  memory_.renewals_fail = true;
  ExecutorOptions exec = executor_options();
  exec.start_record_after = std::chrono::milliseconds(400);  // later than the lease
  NodeOptions options = node_options(false);
  options.lease = std::chrono::milliseconds(200);
  Node node(builtin_plugins(), memory_.stores(), std::move(exec), options);
  std::thread worker([&] { node.run(); });
  // Bounded polling: until the run ends or the node claims it a second time.
  for (int i = 0; i < 400 && memory_.get_run(run->id)->status != RunStatus::Succeeded && node.stats().claimed < 2;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  node.stop();
  worker.join();
  EXPECT_EQ(memory_.get_run(run->id)->status, RunStatus::Succeeded);
  EXPECT_EQ(node.stats().claimed, 1u) << "the run was not dropped and claimed again: its step ran once";
  EXPECT_EQ(node.stats().stale_writes, 0u);
}

TEST_F(NodeOnMemoryStores, ARunTakenOverWhileItsStepRanIsDroppedWithoutAWriteAndTheNodeGoesOn) {
  const Workflow slow = load(kMemorySlow);
  auto lost = enqueue_run(memory_.stores(), slow, Json::object());
  ASSERT_TRUE(lost.ok());
  Started started;
  Node node(builtin_plugins(), memory_.stores(), watching(started), node_options(false));
  std::thread worker([&] { node.run(); });
  ASSERT_TRUE(started.wait_for(lost->id, "wait"));

  // The node stalls past its lease (as far as the store can tell) and another node claims the run.
  const auto taken = memory_.take_over(lost->id, "other-node");
  ASSERT_TRUE(taken.has_value());
  const size_t events = memory_.get_events(lost->id, 0, 100000).size();
  const size_t steps = memory_.get_steps(lost->id).size();

  // The node finds out at a heartbeat, drops the run, and keeps serving: a new run finishes.
  const Workflow quick = load(kMemoryQuick);
  auto next = enqueue_run(memory_.stores(), quick, {{"word", "still here"}});
  ASSERT_TRUE(next.ok());
  for (int i = 0; i < 600 && memory_.get_run(next->id)->status != RunStatus::Succeeded; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // bounded polling of the store
  }
  EXPECT_EQ(memory_.get_run(next->id)->status, RunStatus::Succeeded);
  for (int i = 0; i < 600 && node.stats().lost == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(node.stats().lost, 1u);
  node.stop();
  worker.join();
  EXPECT_EQ(memory_.get_events(lost->id, 0, 100000).size(), events) << "nothing written into a run it lost";
  EXPECT_EQ(memory_.get_steps(lost->id).size(), steps);
  EXPECT_EQ(memory_.get_run(lost->id)->status, taken->status) << "the other node's to finish";
}

TEST_F(NodeOnMemoryStores, ACancellationAskedElsewhereStopsTheRunningStep) {
  const Workflow slow = load(kMemorySlow);
  auto run = enqueue_run(memory_.stores(), slow, Json::object());
  ASSERT_TRUE(run.ok());
  Started started;
  Node node(builtin_plugins(), memory_.stores(), watching(started), node_options(true));
  std::thread worker([&] { node.run(); });
  ASSERT_TRUE(started.wait_for(run->id, "wait"));
  EXPECT_TRUE(memory_.request_cancel(run->id));
  worker.join();
  EXPECT_EQ(memory_.get_run(run->id)->status, RunStatus::Cancelled);
  for (const auto& e : memory_.get_events(run->id, 0, 100000)) {
    EXPECT_FALSE(e.type == "step.started" && e.step_id == "after") << "what needed the cancelled step never ran";
  }
}

TEST_F(NodeOnMemoryStores, ARunSubmittedToAWorkingNodeIsCreatedClaimedAndRunHere) {
  const Workflow wf = load(kMemoryQuick);
  Node node(builtin_plugins(), memory_.stores(), executor_options(), node_options(false));
  std::thread worker([&] { node.run(); });
  std::vector<std::string> ids;
  for (const char* word : {"one", "two", "three"}) {
    const RunRecord run = node.submit(trigger_of(wf, {{"word", word}}));
    EXPECT_EQ(run.lease_epoch, 1) << "claimed by its creation";
    ids.push_back(run.id);
  }
  for (const auto& id : ids) {
    EXPECT_TRUE(reaches(id, RunStatus::Succeeded));
  }
  node.stop();
  worker.join();
  EXPECT_EQ(node.stats().submitted, 3u);
  EXPECT_EQ(node.stats().claimed, 3u);
  EXPECT_EQ(node.stats().finished, 3u);
  for (const auto& id : ids) {
    const auto run = memory_.get_run(id);
    EXPECT_EQ(run->lease_epoch, 1) << "never claimed again";
    EXPECT_EQ(run->outputs["b"], run->inputs["word"].get<std::string>() + "!");
    const auto events = memory_.get_events(id, 0, 100);
    ASSERT_GE(events.size(), 2u);
    EXPECT_EQ(events[0].type, "run.created");
    EXPECT_EQ(events[1].type, "run.started");
  }
}

TEST_F(NodeOnMemoryStores, ARunSubmittedTwiceWithOneKeyIsOneRun) {
  const Workflow wf = load(kMemoryQuick);
  Node node(builtin_plugins(), memory_.stores(), executor_options(), node_options(false));
  std::thread worker([&] { node.run(); });
  const RunRecord first = node.submit(trigger_of(wf, {{"word", "once"}}, "order-1"));
  ASSERT_TRUE(reaches(first.id, RunStatus::Succeeded));
  const RunRecord second = node.submit(trigger_of(wf, {{"word", "twice"}}, "order-1"));
  node.stop();
  worker.join();
  EXPECT_EQ(second.id, first.id);
  EXPECT_EQ(second.status, RunStatus::Succeeded) << "the run the key named, as stored";
  EXPECT_EQ(node.stats().submitted, 1u);
  EXPECT_EQ(node.stats().claimed, 1u);
}

TEST_F(NodeOnMemoryStores, ARunSubmittedToAFullNodeIsQueuedAndClaimedOnceThereIsRoom) {
  const Workflow slow = load(kMemorySlow);
  const Workflow quick = load(kMemoryQuick);
  Started started;
  NodeOptions options = node_options(false);
  options.max_runs = 1;
  Node node(builtin_plugins(), memory_.stores(), watching(started), options);
  std::thread worker([&] { node.run(); });
  const RunRecord busy = node.submit(trigger_of(slow, Json::object()));
  ASSERT_TRUE(started.wait_for(busy.id, "wait"));
  const RunRecord waiting = node.submit(trigger_of(quick, {{"word", "later"}}));
  EXPECT_EQ(waiting.lease_epoch, 0) << "not claimed: the node had no room";
  EXPECT_EQ(memory_.get_run(waiting.id)->status, RunStatus::Queued);
  EXPECT_TRUE(memory_.request_cancel(busy.id));
  EXPECT_TRUE(reaches(busy.id, RunStatus::Cancelled));
  EXPECT_TRUE(reaches(waiting.id, RunStatus::Succeeded)) << "claimed from the queue once the slow run ended";
  node.stop();
  worker.join();
  EXPECT_EQ(node.stats().submitted, 1u);
  EXPECT_EQ(node.stats().claimed, 2u);
}

TEST_F(NodeOnMemoryStores, ARunSubmittedAfterTheNodeStoppedIsQueuedForAnother) {
  const Workflow wf = load(kMemoryQuick);
  Node node(builtin_plugins(), memory_.stores(), executor_options(), node_options(false));
  std::thread worker([&] { node.run(); });
  node.stop();
  worker.join();
  const RunRecord run = node.submit(trigger_of(wf, {{"word", "late"}}));
  EXPECT_EQ(run.lease_epoch, 0);
  EXPECT_EQ(node.stats().submitted, 0u);
  Node next(builtin_plugins(), memory_.stores(), executor_options(), node_options(true));
  next.run();
  EXPECT_EQ(memory_.get_run(run.id)->status, RunStatus::Succeeded);
  EXPECT_EQ(next.stats().claimed, 1u);
}

}  // namespace
}  // namespace linkhub
