// One conformance suite for every implementation of the stores a node uses
// (stores.hpp): SqlStore on SQLite and on PostgreSQL (LINKHUB_TEST_PG), and
// the in-memory one Node's unit tests run on (tests/support/memory_stores).
// What a node relies on: claims and their epochs, lapsed leases, fenced
// writes, hand-backs, cancels and requeues, slots, schedules, workflows.
#include "memory_stores.hpp"
#include "test_databases.hpp"

#include <linkhub/engine/sql_store.hpp>

#include <gtest/gtest.h>

namespace linkhub {
namespace {

using namespace std::chrono_literals;

class StoreConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      memory_ = std::make_unique<test::MemoryStores>();
      return;
    }
    if (GetParam() == "postgres" && !test::postgres_unavailable_reason().empty()) {
      GTEST_SKIP() << "\n\n*** " << test::postgres_unavailable_reason() << " ***\n";
    }
    auto opened = SqlStore::open(test::fresh_database(GetParam()));
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    sql_ = std::move(*opened);
  }

  NodeStores s() { return sql_ ? NodeStores::of(*sql_) : memory_->stores(); }

  RunRecord queued(const std::string& workflow = "wf", const std::string& hash = "h1") {
    RunRecord r;
    r.workflow = workflow;
    r.workflow_hash = hash;
    return s().runs.create_run(r);
  }

  // The run's lease lapses at once (its node stalled): a negative renewal.
  void lapse(const std::string& owner, const RunRecord& claimed) {
    s().queue.renew_leases(owner, std::vector<HeldRun>{{claimed.id, claimed.lease_epoch}}, -1000ms);
  }

  static StepRecord step_of(const std::string& run, const std::string& id, StepStatus status) {
    StepRecord st;
    st.run_id = run;
    st.step_id = id;
    st.status = status;
    st.attempt = 1;
    st.input = Json{{"x", 1}};
    return st;
  }
  static EventRecord event_of(const std::string& run, const std::string& type) {
    return EventRecord{run, 0, 0, type, "", -1, Json::object()};
  }

  std::unique_ptr<SqlStore> sql_;
  std::unique_ptr<test::MemoryStores> memory_;
};

TEST_P(StoreConformance, ClaimsOldestFirstEachOnceAndBumpsTheEpochEachTime) {
  const RunRecord first = queued();
  const RunRecord second = queued();
  const auto a = s().queue.claim_runs("node-a", 1, 60s);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].id, first.id);
  EXPECT_EQ(a[0].lease_epoch, first.lease_epoch + 1);
  EXPECT_EQ(a[0].workflow, "wf") << "the claim gives the whole run";
  EXPECT_EQ(a[0].workflow_hash, "h1");
  EXPECT_EQ(a[0].status, RunStatus::Queued);
  EXPECT_EQ(a[0].created_ms, first.created_ms);
  const auto b = s().queue.claim_runs("node-b", 5, 60s);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].id, second.id);
  EXPECT_TRUE(s().queue.claim_runs("node-c", 5, 60s).empty()) << "both are held";
  EXPECT_EQ(s().queue.queue_depth(), 2u);
}

TEST_P(StoreConformance, ALapsedLeaseIsClaimedAgainAndItsOldHolderLearnsItLostTheRun) {
  const RunRecord run = queued();
  const auto a = s().queue.claim_runs("node-a", 1, 60s);
  ASSERT_EQ(a.size(), 1u);
  lapse("node-a", a[0]);
  const auto b = s().queue.claim_runs("node-b", 1, 60s);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].lease_epoch, a[0].lease_epoch + 1);
  const LeaseCheck old = s().queue.renew_leases("node-a", std::vector<HeldRun>{{run.id, a[0].lease_epoch}}, 60s);
  EXPECT_EQ(old.lost, std::vector<std::string>{run.id});
  const LeaseCheck now = s().queue.renew_leases("node-b", std::vector<HeldRun>{{run.id, b[0].lease_epoch}}, 60s);
  EXPECT_TRUE(now.lost.empty());
}

TEST_P(StoreConformance, BusyAndOnlyLimitWhatIsClaimed) {
  const RunRecord first = queued();
  const RunRecord second = queued();
  const auto only = s().queue.claim_runs("node", 5, 60s, second.id);
  ASSERT_EQ(only.size(), 1u);
  EXPECT_EQ(only[0].id, second.id);
  EXPECT_TRUE(s().queue.claim_runs("node", 5, 60s, "", {first.id}).empty()) << "winding down here";
}

TEST_P(StoreConformance, WritesUnderAStaleEpochStoreNothing) {
  const RunRecord run = queued();
  const auto a = s().queue.claim_runs("node-a", 1, 60s);
  ASSERT_EQ(a.size(), 1u);
  lapse("node-a", a[0]);
  const auto b = s().queue.claim_runs("node-b", 1, 60s);
  ASSERT_EQ(b.size(), 1u);
  const size_t events = s().runs.get_events(run.id, 0, 1000).size();
  RunRecord done = *s().runs.get_run(run.id);
  done.status = RunStatus::Succeeded;
  EXPECT_EQ(s().leased.update_run(done, event_of(run.id, "run.succeeded"), a[0].lease_epoch), LeaseWrite::stale);
  EXPECT_EQ(s().leased.transition(step_of(run.id, "s", StepStatus::Succeeded), event_of(run.id, "step.succeeded"),
                                  a[0].lease_epoch),
            LeaseWrite::stale);
  EXPECT_EQ(s().leased.append_event(event_of(run.id, "step.log"), a[0].lease_epoch), LeaseWrite::stale);
  EXPECT_FALSE(s().leased.begin_wait(WaitRecord{run.id, "w", "k"}, a[0].lease_epoch).has_value());
  EXPECT_EQ(s().runs.get_run(run.id)->status, RunStatus::Queued);
  EXPECT_TRUE(s().runs.get_steps(run.id).empty());
  EXPECT_EQ(s().runs.get_events(run.id, 0, 1000).size(), events);

  EXPECT_EQ(s().leased.transition(step_of(run.id, "s", StepStatus::Succeeded), event_of(run.id, "step.succeeded"),
                                  b[0].lease_epoch),
            LeaseWrite::done);
  EXPECT_EQ(s().leased.update_run(done, event_of(run.id, "run.succeeded"), b[0].lease_epoch), LeaseWrite::done);
  EXPECT_EQ(s().runs.get_run(run.id)->status, RunStatus::Succeeded);
  EXPECT_EQ(s().runs.get_events(run.id, 0, 1000).size(), events + 2);
}

TEST_P(StoreConformance, AStepStartsOnlyUnderALiveLease) {
  const RunRecord run = queued();
  const auto a = s().queue.claim_runs("node-a", 1, 60s);
  ASSERT_EQ(a.size(), 1u);
  lapse("node-a", a[0]);  // nobody claimed it yet: the epoch is still a's
  EXPECT_EQ(s().leased.transition(step_of(run.id, "s", StepStatus::Running), event_of(run.id, "step.started"),
                                  a[0].lease_epoch),
            LeaseWrite::stale);
  EXPECT_EQ(s().leased.transition(step_of(run.id, "r", StepStatus::Succeeded), event_of(run.id, "step.succeeded"),
                                  a[0].lease_epoch),
            LeaseWrite::done)
      << "what was done is still reported";
  s().queue.renew_leases("node-a", std::vector<HeldRun>{{run.id, a[0].lease_epoch}}, 60s);
  EXPECT_EQ(s().leased.transition(step_of(run.id, "s", StepStatus::Running), event_of(run.id, "step.started"),
                                  a[0].lease_epoch),
            LeaseWrite::done);
}

// A run's writes as the executor batches them: the run's start, a step's start and end, a log line.
std::vector<RunWrite> a_batch(const RunRecord& run, const std::string& step) {
  RunRecord running = run;
  running.status = RunStatus::Running;
  std::vector<RunWrite> writes;
  writes.push_back(RunWrite{RunWrite::Kind::run_update, {}, running, EventRecord{run.id, 0, 0, "run.started"}});
  for (StepStatus status : {StepStatus::Running, StepStatus::Succeeded}) {
    StepRecord st;
    st.run_id = run.id;
    st.step_id = step;
    st.status = status;
    st.attempt = 1;
    writes.push_back(
        RunWrite{RunWrite::Kind::transition,
                 st,
                 {},
                 EventRecord{run.id, 0, 0, status == StepStatus::Running ? "step.started" : "step.succeeded", step}});
  }
  writes.push_back(RunWrite{RunWrite::Kind::event, {}, {}, EventRecord{run.id, 0, 0, "step.log", step}});
  return writes;
}

TEST_P(StoreConformance, ABatchOfARunsWritesIsStoredWholeInOrderOrNotAtAll) {
  const RunRecord run = queued();
  const auto a = s().queue.claim_runs("node-a", 1, 60s);
  ASSERT_EQ(a.size(), 1u);
  auto writes = a_batch(run, "s");
  EXPECT_EQ(s().leased.write_all(run.id, writes, a[0].lease_epoch), LeaseWrite::done);
  std::vector<std::string> types;
  int64_t seq = 0;
  for (const auto& e : s().runs.get_events(run.id, 0, 100)) {
    types.push_back(e.type);
    EXPECT_EQ(e.seq, ++seq) << "numbered one by one";
  }
  EXPECT_EQ(types,
            (std::vector<std::string>{"run.created", "run.started", "step.started", "step.succeeded", "step.log"}));
  const auto steps = s().runs.get_steps(run.id);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].status, StepStatus::Succeeded);
  EXPECT_EQ(s().runs.get_run(run.id)->status, RunStatus::Running);

  lapse("node-a", a[0]);
  ASSERT_EQ(s().queue.claim_runs("node-b", 1, 60s).size(), 1u);
  auto stale = a_batch(run, "t");
  EXPECT_EQ(s().leased.write_all(run.id, stale, a[0].lease_epoch), LeaseWrite::stale);
  EXPECT_EQ(s().runs.get_events(run.id, 0, 100).size(), types.size()) << "nothing of a stale batch is stored";
  EXPECT_EQ(s().runs.get_steps(run.id).size(), 1u);
}

// Every character of a batch's events and records comes back as written
// (PostgreSQL sends a batch's events as array literals), and a step whose
// start and end are in one batch keeps the start's input and time, with
// the end's status and output; a later attempt's start replaces its input.
TEST_P(StoreConformance, ABatchKeepsEveryCharacterAndAFastStepsStartWithItsEnd) {
  const RunRecord run = queued();
  const auto a = s().queue.claim_runs("node-a", 1, 60s);
  ASSERT_EQ(a.size(), 1u);
  const std::string tricky = "q\"uote \\back\\\\slash {brace}, comma\nline\ttab é 漢 NULL null ''";
  const std::string id = "s,{\"x\"}\\";
  auto attempt = [&](int n, const Json& input) {
    StepRecord start = step_of(run.id, id, StepStatus::Running);
    start.attempt = n;
    start.input = input;
    start.started_ms = 1000 + n;
    StepRecord end = step_of(run.id, id, StepStatus::Succeeded);
    end.attempt = n;
    end.input = Json(nullptr);  // an end is recorded without its input
    end.output = Json{{"out", tricky}, {"n", n}};
    end.finished_ms = 2000 + n;
    std::vector<RunWrite> writes;
    writes.push_back(RunWrite{RunWrite::Kind::transition,
                              start,
                              {},
                              EventRecord{run.id, 0, 0, "step.started", id, -1, Json{{"attempt", n}}}});
    writes.push_back(
        RunWrite{RunWrite::Kind::event, {}, {}, EventRecord{run.id, 0, 0, "step.log", id, 7, Json{{"m", tricky}}}});
    writes.push_back(RunWrite{RunWrite::Kind::transition,
                              end,
                              {},
                              EventRecord{run.id, 0, 0, "step.succeeded", id, -1, Json::array({tricky, "", n})}});
    return writes;
  };
  auto first = attempt(1, Json{{"q", tricky}});
  ASSERT_EQ(s().leased.write_all(run.id, first, a[0].lease_epoch), LeaseWrite::done);
  auto steps = s().runs.get_steps(run.id);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].step_id, id);
  EXPECT_EQ(steps[0].status, StepStatus::Succeeded);
  EXPECT_EQ(steps[0].input, (Json{{"q", tricky}}));
  EXPECT_EQ(steps[0].started_ms, 1001);
  EXPECT_EQ(steps[0].finished_ms, 2001);
  EXPECT_EQ(steps[0].output, (Json{{"out", tricky}, {"n", 1}}));

  auto second = attempt(2, Json::array({tricky}));
  ASSERT_EQ(s().leased.write_all(run.id, second, a[0].lease_epoch), LeaseWrite::done);
  steps = s().runs.get_steps(run.id);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].attempt, 2);
  EXPECT_EQ(steps[0].input, Json::array({tricky}));
  EXPECT_EQ(steps[0].started_ms, 1002);

  const auto events = s().runs.get_events(run.id, 0, 100);
  ASSERT_EQ(events.size(), 7u);  // run.created and three of each attempt
  for (size_t i = 1; i < events.size(); ++i) {
    const EventRecord& e = events[i];
    EXPECT_EQ(e.seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(e.step_id, id);
    const int n = i < 4 ? 1 : 2;
    switch ((i - 1) % 3) {
      case 0:
        EXPECT_EQ(e.type, "step.started");
        EXPECT_EQ(e.payload, (Json{{"attempt", n}}));
        break;
      case 1:
        EXPECT_EQ(e.type, "step.log");
        EXPECT_EQ(e.index, 7);
        EXPECT_EQ(e.payload, (Json{{"m", tricky}}));
        break;
      default:
        EXPECT_EQ(e.type, "step.succeeded");
        EXPECT_EQ(e.index, -1);
        EXPECT_EQ(e.payload, Json::array({tricky, "", n}));
    }
  }
}

TEST_P(StoreConformance, ABatchThatGatesAStepsCallNeedsALiveLeaseOthersTheEpochOnly) {
  const RunRecord run = queued();
  const auto a = s().queue.claim_runs("node-a", 1, 60s);
  ASSERT_EQ(a.size(), 1u);
  lapse("node-a", a[0]);  // nobody claimed it yet
  auto start = [&](const std::string& step, bool gates_call) {
    RunWrite w{
        RunWrite::Kind::transition, step_of(run.id, step, StepStatus::Running), {}, event_of(run.id, "step.started")};
    w.gates_call = gates_call;
    return w;
  };
  std::vector<RunWrite> gate{start("s", true)};
  EXPECT_EQ(s().leased.write_all(run.id, gate, a[0].lease_epoch), LeaseWrite::stale)
      << "its step would be called under a lapsed lease";
  std::vector<RunWrite> late{start("s", false)};
  EXPECT_EQ(s().leased.write_all(run.id, late, a[0].lease_epoch), LeaseWrite::done)
      << "a start written while its step runs: the step was called under a live lease";
  std::vector<RunWrite> ran{start("t", false), RunWrite{RunWrite::Kind::transition,
                                                        step_of(run.id, "t", StepStatus::Succeeded),
                                                        {},
                                                        event_of(run.id, "step.succeeded")}};
  EXPECT_EQ(s().leased.write_all(run.id, ran, a[0].lease_epoch), LeaseWrite::done)
      << "what was done is reported while the epoch is the run's";
  ASSERT_EQ(s().queue.claim_runs("node-b", 1, 60s).size(), 1u);
  std::vector<RunWrite> stale{start("u", false)};
  EXPECT_EQ(s().leased.write_all(run.id, stale, a[0].lease_epoch), LeaseWrite::stale) << "but not after a takeover";
}

TEST_P(StoreConformance, AReleasedRunIsClaimableAtOnceAndAStaleReleaseChangesNothing) {
  const RunRecord run = queued();
  const auto a = s().queue.claim_runs("node-a", 1, 60s);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(s().queue.release("node-a", HeldRun{run.id, a[0].lease_epoch}), LeaseWrite::done);
  const auto b = s().queue.claim_runs("node-b", 1, 60s);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(s().queue.release("node-a", HeldRun{run.id, a[0].lease_epoch}), LeaseWrite::stale);
  EXPECT_TRUE(s().queue.claim_runs("node-c", 1, 60s).empty()) << "b's lease stands";
}

TEST_P(StoreConformance, ACancelEndsAQueuedRunAtOnceAndFlagsAHeldOne) {
  const RunRecord queued_run = queued();
  EXPECT_TRUE(s().queue.request_cancel(queued_run.id));
  EXPECT_EQ(s().runs.get_run(queued_run.id)->status, RunStatus::Cancelled);
  EXPECT_FALSE(s().queue.request_cancel(queued_run.id)) << "already finished";
  EXPECT_FALSE(s().queue.request_cancel("no-such-run"));

  const RunRecord held = queued();
  const auto a = s().queue.claim_runs("node", 1, 60s);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_TRUE(s().queue.request_cancel(held.id));
  EXPECT_EQ(s().runs.get_run(held.id)->status, RunStatus::Queued) << "its node decides";
  const LeaseCheck check = s().queue.renew_leases("node", std::vector<HeldRun>{{held.id, a[0].lease_epoch}}, 60s);
  EXPECT_EQ(check.cancel_requested, std::vector<std::string>{held.id});
}

TEST_P(StoreConformance, ARequeuedRunForgetsItsStepsAndTakesANewEpoch) {
  const RunRecord run = queued();
  const auto a = s().queue.claim_runs("node", 1, 60s);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(s().leased.transition(step_of(run.id, "s", StepStatus::Failed), event_of(run.id, "step.failed"),
                                  a[0].lease_epoch),
            LeaseWrite::done);
  EXPECT_FALSE(s().queue.requeue_run(run.id, {"s"}).ok()) << "only a finished run";
  RunRecord failed = *s().runs.get_run(run.id);
  failed.status = RunStatus::Failed;
  ASSERT_EQ(s().leased.update_run(failed, event_of(run.id, "run.failed"), a[0].lease_epoch), LeaseWrite::done);
  auto again = s().queue.requeue_run(run.id, {"s"});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->status, RunStatus::Queued);
  EXPECT_TRUE(s().runs.get_steps(run.id).empty());
  EXPECT_GT(s().runs.get_run(run.id)->lease_epoch, a[0].lease_epoch);
  const auto b = s().queue.claim_runs("node", 1, 60s);
  ASSERT_EQ(b.size(), 1u) << "claimable at once";
}

TEST_P(StoreConformance, SlotsHoldTheLimitAndAStaleNodeNeitherTakesNorFreesOne) {
  const RunRecord one = queued();
  const RunRecord two = queued();
  const auto held = s().queue.claim_runs("node-a", 2, 60s);
  ASSERT_EQ(held.size(), 2u);
  const HeldRun h1{held[0].id, held[0].lease_epoch};
  const HeldRun h2{held[1].id, held[1].lease_epoch};
  EXPECT_EQ(s().slots.try_acquire_slot("p.s", 1, h1.id + "/s", "node-a", 60s, h1), SlotClaim::taken);
  EXPECT_EQ(s().slots.try_acquire_slot("p.s", 1, h2.id + "/s", "node-a", 60s, h2), SlotClaim::full);
  EXPECT_EQ(s().slots.release_slot("p.s", h1.id + "/s", h1), LeaseWrite::done);
  EXPECT_EQ(s().slots.try_acquire_slot("p.s", 1, h2.id + "/s", "node-a", 60s, h2), SlotClaim::taken);
  EXPECT_EQ(s().slots.try_acquire_slot("p.s", 1, h1.id + "/s", "node-a", 60s, HeldRun{h1.id, h1.epoch - 1}),
            SlotClaim::stale);
  (void)one;
  (void)two;
}

TEST_P(StoreConformance, AWorkflowsConcurrencyHoldsAcrossClaims) {
  s().workflows.save_workflow(StoredWorkflow{"h-limited", "limited", 1, "", "name: limited", 1});
  queued("limited", "h-limited");
  queued("limited", "h-limited");
  EXPECT_EQ(s().queue.claim_runs("node-a", 5, 60s).size(), 1u);
  EXPECT_TRUE(s().queue.claim_runs("node-b", 5, 60s).empty()) << "one at a time";
}

TEST_P(StoreConformance, ARunCreatedClaimedIsItsCreatorsUntilItsLeaseLapses) {
  RunRecord fresh;
  fresh.workflow = "wf";
  fresh.workflow_hash = "h1";
  fresh.idempotency_key = "order-7";
  const CreatedRun mine = s().queue.create_claimed_run(fresh, "node-a", 60s);
  ASSERT_TRUE(mine.claimed);
  EXPECT_EQ(mine.run.status, RunStatus::Queued);
  EXPECT_EQ(mine.run.lease_epoch, 1);
  const auto stored = s().runs.get_run(mine.run.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->lease_epoch, 1);
  const auto events = s().runs.get_events(mine.run.id, 0, 10);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "run.created");
  EXPECT_EQ(events[0].seq, 1);
  EXPECT_TRUE(s().queue.claim_runs("node-b", 5, 60s).empty()) << "node-a holds it from its creation";
  EXPECT_EQ(s().queue.queue_depth(), 1u);

  // Its creator writes under the claim's epoch, renews it, and is told of a cancel.
  ASSERT_EQ(s().leased.transition(step_of(mine.run.id, "s", StepStatus::Running), event_of(mine.run.id, "step.started"),
                                  mine.run.lease_epoch),
            LeaseWrite::done);
  EXPECT_TRUE(s().queue.request_cancel(mine.run.id));
  EXPECT_EQ(s().runs.get_run(mine.run.id)->status, RunStatus::Queued) << "held: its node decides";
  const LeaseCheck check =
      s().queue.renew_leases("node-a", std::vector<HeldRun>{{mine.run.id, mine.run.lease_epoch}}, 60s);
  EXPECT_TRUE(check.lost.empty());
  EXPECT_EQ(check.cancel_requested, std::vector<std::string>{mine.run.id});

  // The same key again: the run it named, not claimed again.
  fresh.id.clear();
  const CreatedRun again = s().queue.create_claimed_run(fresh, "node-b", 60s);
  EXPECT_FALSE(again.claimed);
  EXPECT_EQ(again.run.id, mine.run.id);
  EXPECT_EQ(s().runs.get_run(mine.run.id)->lease_epoch, 1);

  // Its creator stalls past the lease: another node takes the run over, and the creator's writes are stale.
  lapse("node-a", mine.run);
  const auto b = s().queue.claim_runs("node-b", 5, 60s);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].id, mine.run.id);
  EXPECT_EQ(b[0].lease_epoch, 2);
  EXPECT_EQ(s().leased.append_event(event_of(mine.run.id, "log"), mine.run.lease_epoch), LeaseWrite::stale);
}

TEST_P(StoreConformance, ARunCreatedWhileItsWorkflowsConcurrencyIsFullIsQueuedUnclaimed) {
  s().workflows.save_workflow(StoredWorkflow{"h-limited", "limited", 1, "", "name: limited", 1});
  RunRecord fresh;
  fresh.workflow = "limited";
  fresh.workflow_hash = "h-limited";
  const CreatedRun first = s().queue.create_claimed_run(fresh, "node-a", 60s);
  EXPECT_TRUE(first.claimed);
  const CreatedRun second = s().queue.create_claimed_run(fresh, "node-a", 60s);
  EXPECT_FALSE(second.claimed) << "one at a time";
  EXPECT_NE(second.run.id, first.run.id);
  EXPECT_EQ(s().runs.get_run(second.run.id)->status, RunStatus::Queued);
  EXPECT_TRUE(s().queue.claim_runs("node-b", 5, 60s).empty()) << "still one at a time";
  lapse("node-a", first.run);
  EXPECT_EQ(s().queue.claim_runs("node-b", 5, 60s).size(), 1u);
}

TEST_P(StoreConformance, SchedulesAdvanceByCompareAndSetAndKeepTheirNextTickWhenUnchanged) {
  Schedule daily{"wf", 0, "h1", "0 9 * * *", Json::object(), "skip", 1000, 0};
  s().schedules.sync_schedules("wf", {daily});
  EXPECT_TRUE(s().schedules.advance_schedule("wf", 0, 1000, 2000, 1000));
  EXPECT_FALSE(s().schedules.advance_schedule("wf", 0, 1000, 3000, 1000)) << "another node moved it on";
  s().schedules.sync_schedules("wf", {daily});  // registered again, unchanged
  auto all = s().schedules.schedules();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].next_fire_ms, 2000);
  daily.cron = "0 10 * * *";
  daily.next_fire_ms = 5000;
  s().schedules.sync_schedules("wf", {daily});
  EXPECT_EQ(s().schedules.schedules()[0].next_fire_ms, 5000) << "a changed cron starts from its own next tick";
  EXPECT_TRUE(s().schedules.try_scheduler_lock()) << "one process: it holds the lock";
}

TEST_P(StoreConformance, WorkflowsAreKeptByHashAndHeadsByName) {
  s().workflows.save_workflow(StoredWorkflow{"h1", "shop", 1, "/w/shop.yaml", "name: shop", 0});
  s().workflows.save_workflow(StoredWorkflow{"h2", "shop", 2, "/w/shop.yaml", "name: shop # v2", 0});
  ASSERT_TRUE(s().workflows.load_workflow("h1").has_value());
  EXPECT_EQ(s().workflows.load_workflow("h1")->source, "name: shop");
  EXPECT_EQ(s().workflows.load_workflow("h2")->version, 2);
  EXPECT_FALSE(s().workflows.load_workflow("nope").has_value());
  s().workflows.put_workflow_head(WorkflowHead{"shop", "h2", "file", "/w/shop.yaml", false, 0, "h2"});
  const auto head = s().workflows.workflow_head("shop");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->hash, "h2");
  EXPECT_GT(head->updated_ms, 0);
  EXPECT_EQ(s().workflows.workflow_heads().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreConformance, ::testing::Values("memory", "sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace linkhub
