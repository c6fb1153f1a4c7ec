// Durable waits on the SQL store, SQLite and PostgreSQL: core.wait_for parks
// its run (status waiting, no lease, no thread) until deliver_event hands it
// an event with its key, through any node, or until its timeout; core.sleep
// rides on the same deadlines. Nodes here run in this process, each on its
// own connection to the database, and run a batch of runs until each one
// finished or parked: the tests wait for states, never for time.
#include "builtin_plugins.hpp"
#include "test_databases.hpp"

#include <linkhub/engine/compile.hpp>
#include <linkhub/engine/node.hpp>
#include <linkhub/engine/waits.hpp>
#include <linkhub/engine/workflow.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

namespace linkhub {
namespace {

using test::builtin_plugins;

// A conversation: greet, wait for the customer's answer (or the timeout), reply.
constexpr const char* kConversation = R"(name: conversation
inputs:
  from: { type: string }
  timeout: { type: string, default: 1h }
steps:
  - id: hello
    uses: core.transform
    with: { value: "hi ${{ inputs.from }}" }
  - id: answer
    uses: core.wait_for
    needs: [hello]
    with: { key: "wa:${{ inputs.from }}", timeout: "${{ inputs.timeout }}" }
  - id: reply
    uses: core.transform
    needs: [answer]
    with:
      value: "${{ steps.answer.outputs.received and ('you said ' .. steps.answer.outputs.event.text) or 'nobody answered' }}"
outputs:
  reply: "${{ steps.reply.outputs.value }}"
  answer: "${{ steps.answer.outputs }}"
)";

constexpr const char* kNap = R"(name: nap
steps:
  - id: nap
    uses: core.sleep
    with: { for: 300ms }
  - id: after
    uses: core.transform
    needs: [nap]
    with: { value: "${{ steps.nap.outputs.until_ms }}" }
outputs:
  until: "${{ steps.nap.outputs.until_ms }}"
  after: "${{ steps.after.outputs.value }}"
  slept_ms: "${{ steps.nap.outputs.slept_ms }}"
)";

// A wait on one branch while another branch works: the run parks only once
// the other branch is done.
constexpr const char* kBranches = R"(name: branches
steps:
  - id: wait
    uses: core.wait_for
    with: { key: "order:7" }
  - id: work
    uses: core.transform
    with: { value: busy }
  - id: join
    uses: core.transform
    needs: [wait, work]
    with: { value: "${{ steps.wait.outputs.event.total }}" }
outputs:
  total: "${{ steps.join.outputs.value }}"
)";

class WaitsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !test::postgres_unavailable_reason().empty()) {
      GTEST_SKIP() << "\n\n*** " << test::postgres_unavailable_reason() << " ***\n";
    }
    url_ = test::fresh_database(GetParam());
    store_ = open();
    ASSERT_TRUE(store_);
  }

  std::unique_ptr<SqlStore> open() {
    auto store = SqlStore::open(url_);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    return store.ok() ? std::move(*store) : nullptr;
  }

  Workflow load(const std::string& yaml) {
    Compiled compiled = compile_workflow(yaml, ::testing::TempDir() + "/waits-test.yaml", builtin_plugins());
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

  std::string enqueue(const Workflow& wf, const Json& inputs) {
    auto run = enqueue_run(*store_, wf, inputs);
    EXPECT_TRUE(run.ok()) << (run.ok() ? "" : run.error().message);
    return run.ok() ? run->id : "";
  }

  // A node on `store` that works on `ids` until each one finished or parked.
  NodeStats run_node(SqlStore& store, std::vector<std::string> ids) {
    ExecutorOptions exec;
    exec.threads = 2;
    exec.artifact_dir = ::testing::TempDir() + "/waits-artifacts";
    NodeOptions o;
    o.lease = std::chrono::seconds(5);  // far past any heartbeat delay of a busy machine: no test here wants a takeover
    o.poll = std::chrono::milliseconds(100);
    o.only_runs = std::move(ids);
    o.scheduler = false;
    Node node(builtin_plugins(), store, std::move(exec), o);
    node.run();
    return node.stats();
  }

  RunRecord run_of(const std::string& id) {
    auto run = store_->get_run(id);
    EXPECT_TRUE(run.has_value()) << id;
    return run.value_or(RunRecord{});
  }

  size_t count_events(const std::string& run_id, const std::string& type) {
    auto events = store_->get_events(run_id, 0, 100000);
    return static_cast<size_t>(
        std::count_if(events.begin(), events.end(), [&](const EventRecord& e) { return e.type == type; }));
  }

  std::string url_;
  std::unique_ptr<SqlStore> store_;
};

TEST_P(WaitsTest, AWaitingRunHoldsNoLeaseAndGoesOnWithTheDeliveredPayload) {
  Workflow wf = load(kConversation);
  const std::string id = enqueue(wf, {{"from", "4915550001"}});
  NodeStats first = run_node(*store_, {id});
  EXPECT_EQ(first.parked, 1u);
  EXPECT_EQ(first.finished, 0u);

  RunRecord parked = run_of(id);
  ASSERT_EQ(parked.status, RunStatus::Waiting);
  EXPECT_EQ(store_->queue_depth(), 0u) << "a waiting run is not work for any node";
  auto waits = store_->waits(id);
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0].step_id, "answer");
  EXPECT_EQ(waits[0].key, "wa:4915550001");
  EXPECT_EQ(waits[0].state, "waiting");
  EXPECT_GT(waits[0].deadline_ms, now_ms() + 3500 * 1000) << "timeout 1h counts from when the step started";
  RunFilter filter;
  filter.status = "waiting";
  auto listed = store_->list_runs(filter);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, id);
  // Nothing claims it meanwhile.
  EXPECT_TRUE(store_->claim_runs("somebody", 10, std::chrono::seconds(1)).empty());

  auto delivered = deliver_event(*store_, "wa:4915550001", Json{{"text", "2 please"}});
  ASSERT_TRUE(delivered.ok()) << delivered.error().message;
  EXPECT_TRUE(delivered->delivered);
  EXPECT_EQ(delivered->run_id, id);
  EXPECT_EQ(delivered->step_id, "answer");
  EXPECT_EQ(run_of(id).status, RunStatus::Queued) << "the event made it runnable in the same transaction";

  NodeStats second = run_node(*store_, {id});
  EXPECT_EQ(second.finished, 1u);
  RunRecord done = run_of(id);
  ASSERT_EQ(done.status, RunStatus::Succeeded) << done.error;
  EXPECT_EQ(done.outputs["reply"], "you said 2 please");
  EXPECT_EQ(done.outputs["answer"]["received"], true);
  EXPECT_EQ(done.outputs["answer"]["timed_out"], false);
  EXPECT_EQ(done.outputs["answer"]["key"], "wa:4915550001");
  EXPECT_EQ(done.outputs["answer"]["event"], (Json{{"text", "2 please"}}));
  EXPECT_GT(done.outputs["answer"]["at"].get<int64_t>(), 0);
  EXPECT_TRUE(store_->waits(id).empty()) << "a finished run keeps no waits";
  // The greeting ran once: the resumed run kept it.
  EXPECT_EQ(count_events(id, "run.waiting"), 1u);
  EXPECT_EQ(count_events(id, "wait.received"), 1u);
  EXPECT_EQ(count_events(id, "run.succeeded"), 1u);
  auto events = store_->get_events(id, 0, 100000);
  EXPECT_EQ(std::count_if(events.begin(), events.end(),
                          [](const EventRecord& e) { return e.type == "step.started" && e.step_id == "hello"; }),
            1);
  for (size_t k = 1; k < events.size(); ++k) {
    EXPECT_EQ(events[k].seq, events[k - 1].seq + 1) << "event numbers stay dense across parking";
  }
}

TEST_P(WaitsTest, AnEventDeliveredThroughAnotherNodeResumesARunParkedByTheFirst) {
  Workflow wf = load(kConversation);
  const std::string id = enqueue(wf, {{"from", "62811000"}});
  auto node_a = open();
  auto node_b = open();
  ASSERT_TRUE(node_a && node_b);
  ASSERT_EQ(run_node(*node_a, {id}).parked, 1u);
  node_a.reset();  // node A is gone

  auto delivered = deliver_event(*node_b, "wa:62811000", Json{{"text", "yes"}});
  ASSERT_TRUE(delivered.ok() && delivered->delivered);
  NodeStats b = run_node(*node_b, {id});
  EXPECT_EQ(b.claimed, 1u);
  EXPECT_EQ(b.finished, 1u);
  RunRecord done = run_of(id);
  ASSERT_EQ(done.status, RunStatus::Succeeded) << done.error;
  EXPECT_EQ(done.outputs["reply"], "you said yes");
}

TEST_P(WaitsTest, TheTimeoutEndsTheWaitWithTimedOut) {
  Workflow wf = load(kConversation);
  const std::string id = enqueue(wf, {{"from", "111"}, {"timeout", "300ms"}});
  ASSERT_EQ(run_node(*store_, {id}).parked, 1u);
  // The node's deadline pass wakes the run; the batch node waits for it.
  NodeStats stats = run_node(*store_, {id});
  EXPECT_EQ(stats.finished, 1u);
  RunRecord done = run_of(id);
  ASSERT_EQ(done.status, RunStatus::Succeeded) << done.error;
  EXPECT_EQ(done.outputs["reply"], "nobody answered");
  EXPECT_EQ(done.outputs["answer"]["received"], false);
  EXPECT_EQ(done.outputs["answer"]["timed_out"], true);
  EXPECT_EQ(count_events(id, "wait.timed_out"), 1u);
  // Too late now: nobody waits on the key any more.
  auto late = deliver_event(*store_, "wa:111", Json{{"text", "hello?"}});
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->delivered);
}

TEST_P(WaitsTest, CoreSleepParksTheRunUntilItsTime) {
  Workflow wf = load(kNap);
  const std::string id = enqueue(wf, Json::object());
  const int64_t before = now_ms();
  ASSERT_EQ(run_node(*store_, {id}).parked, 1u);
  auto waits = store_->waits(id);
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0].key, "");
  EXPECT_GE(waits[0].deadline_ms, before + 300);
  EXPECT_EQ(run_of(id).status, RunStatus::Waiting);
  EXPECT_EQ(run_node(*store_, {id}).finished, 1u);
  RunRecord done = run_of(id);
  ASSERT_EQ(done.status, RunStatus::Succeeded) << done.error;
  EXPECT_GE(done.finished_ms, waits[0].deadline_ms) << "it did not wake before its time";
  EXPECT_EQ(done.outputs["until"], waits[0].deadline_ms);
  EXPECT_GE(done.outputs["slept_ms"].get<int64_t>(), 300);
}

TEST_P(WaitsTest, AnEventForAKeyNobodyWaitsOnIsNotDeliveredNorKept) {
  auto none = deliver_event(*store_, "wa:nobody", Json{{"text", "hi"}});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->delivered);
  EXPECT_TRUE(none->run_id.empty());
  // Arriving before the wait does not count for it: the run still waits.
  Workflow wf = load(kConversation);
  const std::string id = enqueue(wf, {{"from", "nobody"}});
  ASSERT_EQ(run_node(*store_, {id}).parked, 1u);
  EXPECT_EQ(run_of(id).status, RunStatus::Waiting);
}

TEST_P(WaitsTest, MalformedKeysAreRefusedWithTheReason) {
  for (const std::string& key :
       {std::string(), std::string("a b"), std::string("a/b"), std::string(201, 'k'), std::string("caf\xc3\xa9")}) {
    auto result = deliver_event(*store_, key, Json::object());
    ASSERT_FALSE(result.ok()) << key;
    EXPECT_NE(result.error().message.find("event key"), std::string::npos) << result.error().message;
  }
  EXPECT_FALSE(event_key_problem("wa:+49_1.2@x=y-z").has_value());
}

TEST_P(WaitsTest, TwoRunsWaitingOnDifferentKeysGetOnlyTheirOwnEvents) {
  Workflow wf = load(kConversation);
  const std::string ana = enqueue(wf, {{"from", "ana"}});
  const std::string bob = enqueue(wf, {{"from", "bob"}});
  ASSERT_EQ(run_node(*store_, {ana, bob}).parked, 2u);

  auto to_bob = deliver_event(*store_, "wa:bob", Json{{"text", "for bob"}});
  ASSERT_TRUE(to_bob.ok() && to_bob->delivered);
  EXPECT_EQ(to_bob->run_id, bob);
  EXPECT_EQ(run_of(ana).status, RunStatus::Waiting) << "ana's run did not get bob's event";
  auto to_ana = deliver_event(*store_, "wa:ana", Json{{"text", "for ana"}});
  ASSERT_TRUE(to_ana.ok() && to_ana->delivered);
  EXPECT_EQ(to_ana->run_id, ana);

  EXPECT_EQ(run_node(*store_, {ana, bob}).finished, 2u);
  EXPECT_EQ(run_of(ana).outputs["reply"], "you said for ana");
  EXPECT_EQ(run_of(bob).outputs["reply"], "you said for bob");
}

TEST_P(WaitsTest, TheSameKeyDeliveredTwiceResumesTheRunOnce) {
  Workflow wf = load(kConversation);
  const std::string id = enqueue(wf, {{"from", "twice"}});
  ASSERT_EQ(run_node(*store_, {id}).parked, 1u);
  auto first = deliver_event(*store_, "wa:twice", Json{{"text", "first"}});
  auto second = deliver_event(*store_, "wa:twice", Json{{"text", "second"}});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(first->delivered);
  EXPECT_FALSE(second->delivered) << "one event per wait";
  EXPECT_EQ(run_node(*store_, {id}).finished, 1u);
  RunRecord done = run_of(id);
  EXPECT_EQ(done.outputs["reply"], "you said first");
  EXPECT_EQ(count_events(id, "run.succeeded"), 1u);
  EXPECT_EQ(count_events(id, "wait.received"), 1u);
}

TEST_P(WaitsTest, ARunParksOnlyOnceItsOtherBranchesAreDone) {
  Workflow wf = load(kBranches);
  const std::string id = enqueue(wf, Json::object());
  ASSERT_EQ(run_node(*store_, {id}).parked, 1u);
  bool work_done = false;
  for (const auto& s : store_->get_steps(id)) {
    if (s.step_id == "work") {
      work_done = s.status == StepStatus::Succeeded;
    }
    if (s.step_id == "wait") {
      EXPECT_EQ(s.status, StepStatus::Waiting);
    }
  }
  EXPECT_TRUE(work_done);
  auto delivered = deliver_event(*store_, "order:7", Json{{"total", 42}});
  ASSERT_TRUE(delivered.ok() && delivered->delivered);
  EXPECT_EQ(run_node(*store_, {id}).finished, 1u);
  RunRecord done = run_of(id);
  ASSERT_EQ(done.status, RunStatus::Succeeded) << done.error;
  EXPECT_EQ(done.outputs["total"], 42);
}

TEST_P(WaitsTest, CancellingAWaitingRunEndsItAtOnce) {
  Workflow wf = load(kConversation);
  const std::string id = enqueue(wf, {{"from", "gone"}});
  ASSERT_EQ(run_node(*store_, {id}).parked, 1u);
  EXPECT_TRUE(store_->request_cancel(id));
  EXPECT_EQ(run_of(id).status, RunStatus::Cancelled);
  EXPECT_TRUE(store_->waits(id).empty());
  auto late = deliver_event(*store_, "wa:gone", Json::object());
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->delivered);
}

INSTANTIATE_TEST_SUITE_P(Backends, WaitsTest, ::testing::ValuesIn(test::all_sql_backends()),
                         [](const auto& info) { return info.param; });

// ---------------------------------------------------------------- validation

std::vector<std::string> codes_of(const std::string& yaml) {
  Compiled compiled = compile_workflow(yaml, "waits.yaml", builtin_plugins());
  std::vector<std::string> out;
  for (const auto& d : compiled.diagnostics) {
    out.push_back(d.code + ": " + d.message);
  }
  return out;
}

bool has(const std::vector<std::string>& found, const std::string& needle) {
  return std::any_of(found.begin(), found.end(),
                     [&](const std::string& s) { return s.find(needle) != std::string::npos; });
}

TEST(WaitsValidation, TheWaitStepsAreKnownAndTheirInputsChecked) {
  EXPECT_TRUE(codes_of(kConversation).empty());
  EXPECT_TRUE(codes_of(kNap).empty());

  auto bad = codes_of(R"(name: bad
steps:
  - id: a
    uses: core.wait_for
    with: { key: "has space", timeout: soon }
  - id: b
    uses: core.sleep
    with: { for: 2h, until: "2026-12-24T18:00:00Z" }
  - id: c
    uses: core.sleep
    with: { until: "tomorrow" }
  - id: d
    uses: core.wait_for
    foreach: [1, 2]
    with: { key: "k:${{ item }}" }
  - id: e
    uses: core.wait_for
    with: { timeout: 1h }
)");
  EXPECT_TRUE(has(bad, "'soon' is not a positive duration")) << testing::PrintToString(bad);
  EXPECT_TRUE(has(bad, "event key may hold")) << testing::PrintToString(bad);
  EXPECT_TRUE(has(bad, "either `for` (a duration) or `until`")) << testing::PrintToString(bad);
  EXPECT_TRUE(has(bad, "'tomorrow' is not an RFC 3339 time")) << testing::PrintToString(bad);
  EXPECT_TRUE(has(bad, "wait-in-foreach")) << testing::PrintToString(bad);
  EXPECT_TRUE(has(bad, "needs the input 'key'")) << testing::PrintToString(bad);
}

TEST(WaitsValidation, TimestampsParseInRfc3339) {
  EXPECT_EQ(parse_timestamp_ms("1970-01-01T00:00:01Z"), 1000);
  EXPECT_EQ(parse_timestamp_ms("1970-01-01T01:00:00.250+01:00"), 250);
  EXPECT_EQ(parse_timestamp_ms("2026-12-24T18:00:00Z"), 1798135200000);
  EXPECT_FALSE(parse_timestamp_ms("2026-12-24 18:00:00Z"));
  EXPECT_FALSE(parse_timestamp_ms("2026-13-24T18:00:00Z"));
  EXPECT_FALSE(parse_timestamp_ms("2026-12-24T18:00:00"));
}

}  // namespace
}  // namespace linkhub
