// Nodes on the SQL store, in this process, on SQLite and PostgreSQL: queued
// runs, idempotent run keys, dead letters, retry and retry --from re-running
// exactly what they should, cancellation of a running step from another
// connection, and cron ticks fired once with two nodes up.
#include "builtin_plugins.hpp"
#include "test_databases.hpp"

#include <linkhub/engine/compile.hpp>
#include <linkhub/engine/node.hpp>
#include <linkhub/engine/workflow.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace linkhub {
namespace {

using test::builtin_plugins;

// a -> b -> c, and d on its own; b fails (no retries) while the node's
// environment says B_FAILS=yes, as a broken service would until it is fixed.
constexpr const char* kRetryable = R"(name: retryable
steps:
  - id: a
    uses: core.transform
    with: { value: "${{ inputs.word }}" }
  - id: b
    uses: core.fail
    needs: [a]
    with: { fail_attempts: 0, always: "${{ env.B_FAILS == 'yes' }}", retryable: false, message: "b is broken" }
  - id: c
    uses: core.transform
    needs: [b]
    with: { value: "after b" }
  - id: d
    uses: core.transform
    with: { value: "alone" }
inputs:
  word: { type: string, default: hello }
outputs:
  c: "${{ steps.c.outputs.value }}"
)";

class NodeTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !test::postgres_unavailable_reason().empty()) {
      GTEST_SKIP() << "\n\n*** " << test::postgres_unavailable_reason() << " ***\n";
    }
    url_ = test::fresh_database(GetParam());
    store_ = open();
  }

  std::unique_ptr<SqlStore> open() {
    auto store = SqlStore::open(url_);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    return store.ok() ? std::move(*store) : nullptr;
  }

  Workflow load(const std::string& yaml) {
    Compiled compiled = compile_workflow(yaml, ::testing::TempDir() + "/node-test.yaml", builtin_plugins());
    for (const auto& d : compiled.diagnostics) {
      ADD_FAILURE() << format_diagnostic(d);
    }
    EXPECT_TRUE(compiled.workflow != nullptr);
    if (!compiled.workflow) {
      return Workflow{};
    }
    auto hash = register_workflow(*store_, *compiled.workflow);
    EXPECT_TRUE(hash.ok()) << (hash.ok() ? "" : hash.error().message);
    return *compiled.workflow;
  }

  ExecutorOptions executor_options() {
    ExecutorOptions o;
    o.threads = 2;
    o.env = {{"B_FAILS", b_fails_ ? "yes" : "no"}};
    o.artifact_dir = ::testing::TempDir() + "/node-artifacts";
    return o;
  }

  NodeOptions node_options() {
    NodeOptions o;
    o.lease = std::chrono::milliseconds(600);  // heartbeats (and cancel checks) every 200 ms
    o.poll = std::chrono::milliseconds(100);
    o.exit_when_idle = true;
    return o;
  }

  // Runs everything queued to the end on one node.
  NodeStats drain(SqlStore& store) {
    Node node(builtin_plugins(), store, executor_options(), node_options());
    node.run();
    return node.stats();
  }

  RunRecord run_of(const std::string& id) {
    auto run = store_->get_run(id);
    EXPECT_TRUE(run.has_value()) << id;
    return run.value_or(RunRecord{});
  }

  // How many times each step started, from the run's events.
  std::map<std::string, int> starts(const std::string& run_id) {
    std::map<std::string, int> out;
    for (const auto& e : store_->get_events(run_id, 0, 100000)) {
      if (e.type == "step.started") {
        ++out[e.step_id];
      }
    }
    return out;
  }

  std::string url_;
  std::unique_ptr<SqlStore> store_;
  bool b_fails_ = true;
};

TEST_P(NodeTest, RunsAQueuedRunAndKeepsOneRunPerIdempotencyKey) {
  Workflow wf = load(kRetryable);
  auto first = enqueue_run(*store_, wf, {{"word", "hi"}}, "order-7");
  auto again = enqueue_run(*store_, wf, {{"word", "other"}}, "order-7");
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->id, again->id);
  EXPECT_EQ(store_->queue_depth(), 1u);
  NodeStats stats = drain(*store_);
  EXPECT_EQ(stats.claimed, 1u);
  EXPECT_EQ(stats.finished, 1u);
  RunRecord run = run_of(first->id);
  EXPECT_EQ(run.status, RunStatus::Failed);
  EXPECT_EQ(run.inputs, (Json{{"word", "hi"}}));
}

TEST_P(NodeTest, AFailedStepBecomesADeadLetterAndRetryRunsOnlyItAndWhatNeedsIt) {
  Workflow wf = load(kRetryable);
  auto queued = enqueue_run(*store_, wf, Json::object());
  ASSERT_TRUE(queued.ok());
  drain(*store_);
  const std::string id = queued->id;
  ASSERT_EQ(run_of(id).status, RunStatus::Failed);

  auto letters = store_->dead_letters(id, 10);
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].step_id, "b");
  EXPECT_EQ(letters[0].attempts, 1);
  EXPECT_NE(letters[0].error.find("b is broken"), std::string::npos) << letters[0].error;
  EXPECT_EQ(letters[0].input.value("always", false), true);

  b_fails_ = false;
  auto retried = retry_run(*store_, id);
  ASSERT_TRUE(retried.ok()) << retried.error().message;
  EXPECT_EQ(retried->status, RunStatus::Queued);
  drain(*store_);
  RunRecord run = run_of(id);
  EXPECT_EQ(run.status, RunStatus::Succeeded) << run.error;
  EXPECT_EQ(run.outputs, (Json{{"c", "after b"}}));
  // a and d kept their outputs; b ran again and c ran once.
  EXPECT_EQ(starts(id), (std::map<std::string, int>{{"a", 1}, {"b", 2}, {"c", 1}, {"d", 1}}));
}

TEST_P(NodeTest, RetryFromAStepRunsThatStepAndEverythingDownstreamOfIt) {
  Workflow wf = load(kRetryable);
  auto queued = enqueue_run(*store_, wf, Json::object());
  ASSERT_TRUE(queued.ok());
  const std::string id = queued->id;
  drain(*store_);
  b_fails_ = false;
  ASSERT_TRUE(retry_run(*store_, id).ok());
  drain(*store_);
  ASSERT_EQ(run_of(id).status, RunStatus::Succeeded);

  auto again = retry_run(*store_, id, "a");
  ASSERT_TRUE(again.ok()) << again.error().message;
  drain(*store_);
  EXPECT_EQ(run_of(id).status, RunStatus::Succeeded);
  EXPECT_EQ(starts(id), (std::map<std::string, int>{{"a", 2}, {"b", 3}, {"c", 2}, {"d", 1}}));

  auto unknown = retry_run(*store_, id, "nope");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("nope"), std::string::npos) << unknown.error().message;
}

TEST_P(NodeTest, RetryingARunThatIsStillGoingIsRefused) {
  Workflow wf = load(kRetryable);
  auto queued = enqueue_run(*store_, wf, Json::object());
  ASSERT_TRUE(queued.ok());
  auto retried = retry_run(*store_, queued->id);
  EXPECT_FALSE(retried.ok());
}

TEST_P(NodeTest, ContinueOnErrorFinishesTheRunAndStillKeepsTheDeadLetter) {
  Workflow wf = load(R"(name: tolerant
steps:
  - id: flaky
    uses: core.fail
    with: { always: true, retryable: false, message: "no luck" }
    continue_on_error: true
  - id: after
    uses: core.transform
    needs: [flaky]
    with: { value: "${{ steps.flaky.status }}" }
outputs:
  seen: "${{ steps.after.outputs.value }}"
)");
  auto queued = enqueue_run(*store_, wf, Json::object());
  ASSERT_TRUE(queued.ok());
  drain(*store_);
  RunRecord run = run_of(queued->id);
  EXPECT_EQ(run.status, RunStatus::Succeeded) << run.error;
  EXPECT_EQ(run.outputs, (Json{{"seen", "failed"}}));
  auto letters = store_->dead_letters(queued->id, 10);
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].step_id, "flaky");
}

TEST_P(NodeTest, CancelFromAnotherConnectionStopsTheRunningStep) {
  Workflow wf = load(R"(name: slow
steps:
  - id: wait
    uses: core.delay
    with: { duration: 1h }
  - id: never
    uses: core.transform
    needs: [wait]
    with: { value: 1 }
)");
  auto queued = enqueue_run(*store_, wf, Json::object());
  ASSERT_TRUE(queued.ok());

  std::mutex m;
  std::condition_variable cv;
  bool started = false;
  ExecutorOptions exec = executor_options();
  exec.on_event = [&](const EventRecord& e) {
    if (e.type == "step.started" && e.step_id == "wait") {
      std::lock_guard lock(m);
      started = true;
      cv.notify_all();
    }
  };
  Node node(builtin_plugins(), *store_, exec, node_options());
  std::thread worker([&] { node.run(); });
  {
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return started; }));
  }
  // As `linkhub runs cancel` does: its own connection to the database.
  auto other = open();
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->request_cancel(queued->id));
  worker.join();
  RunRecord run = run_of(queued->id);
  EXPECT_EQ(run.status, RunStatus::Cancelled);
  EXPECT_EQ(starts(queued->id), (std::map<std::string, int>{{"wait", 1}}));
  EXPECT_FALSE(other->request_cancel(queued->id)) << "a finished run cannot be cancelled again";
}

TEST_P(NodeTest, WorkflowConcurrencyLimitHoldsWhileRunsExecute) {
  Workflow wf = load(R"(name: one-at-a-time
concurrency: 1
steps:
  - id: s
    uses: core.transform
    with: { value: 1 }
)");
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    auto r = enqueue_run(*store_, wf, Json::object());
    ASSERT_TRUE(r.ok());
    ids.push_back(r->id);
  }
  // Two nodes on their own connections; runs of this workflow never overlap.
  auto second = open();
  ASSERT_TRUE(second);
  std::thread other([&] { drain(*second); });
  drain(*store_);
  other.join();
  std::vector<std::pair<int64_t, int64_t>> spans;
  for (const auto& id : ids) {
    RunRecord run = run_of(id);
    ASSERT_EQ(run.status, RunStatus::Succeeded);
    auto events = store_->get_events(id, 0, 1000);
    ASSERT_FALSE(events.empty());
    spans.emplace_back(run.started_ms, run.finished_ms);
  }
  // Each run started only after the one before it (in start order) had finished.
  std::sort(spans.begin(), spans.end());
  for (size_t i = 1; i < spans.size(); ++i) {
    EXPECT_GE(spans[i].first, spans[i - 1].second) << "run " << i << " overlapped the one before";
  }
}

TEST_P(NodeTest, StepConcurrencyHoldsAcrossNodes) {
  Workflow wf = load(R"(name: limited
steps:
  - id: call
    uses: core.delay
    foreach: [1, 2, 3]
    with: { duration: 15ms }
)");
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(enqueue_run(*store_, wf, Json::object()).ok());
  }
  // Two nodes, each able to run everything at once, share one slot of core.delay.
  auto second = open();
  ASSERT_TRUE(second);
  auto node_on = [&](SqlStore& store) {
    ExecutorOptions exec = executor_options();
    exec.threads = 4;
    exec.step_limits = {{"core.delay", 1}};
    return std::make_unique<Node>(builtin_plugins(), store, exec, node_options());
  };
  auto a = node_on(*store_);
  auto b = node_on(*second);
  std::thread other([&] { b->run(); });
  a->run();
  other.join();
  std::vector<std::pair<int64_t, int64_t>> spans;
  for (const auto& run : store_->list_runs(RunFilter{"limited", "", 100})) {
    ASSERT_EQ(run.status, RunStatus::Succeeded) << run.error;
    for (const auto& step : store_->get_steps(run.id)) {
      if (step.index >= 0) {
        spans.emplace_back(step.started_ms, step.finished_ms);
      }
    }
  }
  ASSERT_EQ(spans.size(), 12u);
  std::sort(spans.begin(), spans.end());
  for (size_t i = 1; i < spans.size(); ++i) {
    EXPECT_GE(spans[i].first, spans[i - 1].second) << "two core.delay steps ran at once";
  }
}

// Cron: the schedule is moved three minutes into the past, as if the
// cluster had been down; two nodes then come up together.
class NodeCronTest : public NodeTest {
 protected:
  size_t fire_with_two_nodes(const std::string& missed) {
    Workflow wf = load(std::string(R"(name: ticker
triggers:
  - schedule: { cron: "* * * * *", inputs: { note: "tick" }, missed: )") +
                       missed + R"( }
steps:
  - id: s
    uses: core.transform
    with: { value: "${{ inputs.note }}" }
inputs:
  note: { type: string }
)");
    auto schedules = store_->schedules();
    EXPECT_EQ(schedules.size(), 1u);
    if (schedules.size() != 1) {
      return 0;
    }
    const Schedule s = schedules[0];
    const int64_t minute = 60'000;
    const int64_t now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    const int64_t past = (now / minute - 2) * minute;  // ticks at past, past+1m and past+2m are due
    EXPECT_TRUE(store_->advance_schedule(s.workflow, s.trigger_index, s.next_fire_ms, past, 0));

    auto second = open();
    EXPECT_TRUE(second);
    NodeStats a, b;
    std::thread other([&] { b = drain(*second); });
    a = drain(*store_);
    other.join();
    EXPECT_GE(store_->schedules().at(0).next_fire_ms, now) << "the schedule moved on past now";
    size_t runs = 0;
    for (const auto& run : store_->list_runs(RunFilter{"ticker", "", 1000})) {
      EXPECT_EQ(run.status, RunStatus::Succeeded);
      EXPECT_EQ(run.inputs, (Json{{"note", "tick"}}));
      EXPECT_EQ(run.idempotency_key.rfind("cron:ticker:0:", 0), 0u) << run.idempotency_key;
      ++runs;
    }
    // On PostgreSQL one node holds the scheduler lock; on SQLite both may try
    // a tick, and its idempotency key still makes one run of it.
    EXPECT_GE(a.fired + b.fired, runs);
    return runs;
  }
};

TEST_P(NodeCronTest, CatchUpFiresEveryMissedTickOnce) {
  // A tick that comes due while the test runs may add one more.
  const size_t runs = fire_with_two_nodes("catch_up");
  EXPECT_GE(runs, 3u);
  EXPECT_LE(runs, 4u);
}

TEST_P(NodeCronTest, SkipFiresOnlyTheLatestMissedTick) {
  const size_t runs = fire_with_two_nodes("skip");
  EXPECT_GE(runs, 1u);
  EXPECT_LE(runs, 2u);
}

// SIGTERM with a step that will not finish in time: past shutdown_grace the
// node hands the run back instead of waiting; nothing it did after that is
// recorded, and the next node resumes the run, re-running the step.
TEST_P(NodeTest, StoppingPastTheGraceHandsRunsBackToTheQueue) {
  Workflow wf = load(R"(name: slow
steps:
  - id: first
    uses: core.transform
    with: { value: 1 }
  - id: wait
    uses: core.delay
    needs: [first]
    with: { duration: 1h }
)");
  auto queued = enqueue_run(*store_, wf, Json::object());
  ASSERT_TRUE(queued.ok());

  std::mutex m;
  std::condition_variable cv;
  int wait_started = 0;
  std::vector<std::string> heard;  // events the listeners of both nodes were told
  ExecutorOptions exec = executor_options();
  exec.on_event = [&](const EventRecord& e) {
    std::lock_guard lock(m);
    heard.push_back(e.type);
    if (e.type == "step.started" && e.step_id == "wait") {
      ++wait_started;
      cv.notify_all();
    }
  };
  NodeOptions leaving_options = node_options();
  leaving_options.exit_when_idle = false;
  leaving_options.shutdown_grace = std::chrono::milliseconds(0);
  leaving_options.owner = "leaving";
  Node leaving(builtin_plugins(), *store_, exec, leaving_options);
  std::thread first([&] { leaving.run(); });
  {
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return wait_started == 1; }));
  }
  leaving.stop();
  first.join();
  EXPECT_EQ(leaving.stats().released, 1u);
  EXPECT_EQ(leaving.stats().finished, 0u);

  RunRecord handed_back = run_of(queued->id);
  EXPECT_EQ(handed_back.status, RunStatus::Running) << "a released run is neither finished nor cancelled";
  std::vector<std::string> stored;
  for (const auto& e : store_->get_events(queued->id, 0, 1000)) {
    stored.push_back(e.type);
  }
  EXPECT_EQ(stored.back(), "run.released");
  EXPECT_EQ(std::count(stored.begin(), stored.end(), "step.cancelled"), 0);
  EXPECT_EQ(std::count(stored.begin(), stored.end(), "run.cancelled"), 0);
  {
    std::lock_guard lock(m);
    EXPECT_EQ(std::count(heard.begin(), heard.end(), "run.cancelled"), 0) << "listeners heard of a fenced run";
  }

  // The next node takes it at once (no lease to wait out) and runs `wait` again.
  auto other = open();
  ASSERT_TRUE(other);
  NodeOptions next_options = node_options();
  next_options.exit_when_idle = false;
  next_options.owner = "next";
  Node next(builtin_plugins(), *other, exec, next_options);
  std::thread second([&] { next.run(); });
  {
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return wait_started == 2; }));
  }
  EXPECT_TRUE(other->request_cancel(queued->id));
  next.stop();
  second.join();
  EXPECT_EQ(next.stats().resumed, 1u);
  EXPECT_EQ(run_of(queued->id).status, RunStatus::Cancelled);
  EXPECT_EQ(starts(queued->id), (std::map<std::string, int>{{"first", 1}, {"wait", 2}}))
      << "the finished step keeps its output; the released one runs again";
}

INSTANTIATE_TEST_SUITE_P(Backends, NodeTest, ::testing::ValuesIn(test::all_sql_backends()),
                         [](const auto& info) { return info.param; });
INSTANTIATE_TEST_SUITE_P(Backends, NodeCronTest, ::testing::ValuesIn(test::all_sql_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace linkhub
