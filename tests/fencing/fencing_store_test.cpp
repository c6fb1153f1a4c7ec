// Fencing tokens in the SQL store (docs/durable-runs.md, "A node that stalls"):
// every claim bumps a run's lease epoch, and each kind of write a node makes
// for a run under an epoch that moved on is refused by the database and
// stores nothing; the same write under the current epoch is stored. On
// SQLite and on PostgreSQL (LINKHUB_TEST_PG).
#include "test_databases.hpp"

#include <linkhub/engine/sql_store.hpp>

#include <gtest/gtest.h>

namespace linkhub {
namespace {

using namespace std::chrono_literals;

class FencingStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !test::postgres_unavailable_reason().empty()) {
      GTEST_SKIP() << "\n\n*** " << test::postgres_unavailable_reason() << " ***\n";
    }
    url_ = test::fresh_database(GetParam());
    ASSERT_FALSE(url_.empty());
    auto opened = SqlStore::open(url_);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(*opened);
    RunRecord r;
    r.workflow = "wf";
    r.workflow_hash = "h1";
    run_ = store_->create_run(r).id;
    // Node a claims the run and stalls past its lease; node b takes it over.
    auto a = store_->claim_runs("node-a", 1, 60s);
    ASSERT_EQ(a.size(), 1u);
    old_ = a[0].lease_epoch;
    store_->renew_leases("node-a", std::vector<HeldRun>{{run_, old_}}, -1000ms);  // lapsed
    auto b = store_->claim_runs("node-b", 1, 60s);
    ASSERT_EQ(b.size(), 1u);
    now_ = b[0].lease_epoch;
    events_ = store_->get_events(run_, 0, 1000).size();
  }

  size_t events() const { return store_->get_events(run_, 0, 1000).size(); }

  StepRecord step(const std::string& id, StepStatus status) const {
    StepRecord s;
    s.run_id = run_;
    s.step_id = id;
    s.status = status;
    s.attempt = 1;
    s.input = Json{{"x", 1}};
    s.output = Json{{"by", "whoever"}};
    return s;
  }
  EventRecord event(const std::string& type) const { return EventRecord{run_, 0, 0, type, "", -1, Json::object()}; }

  std::string url_;
  std::unique_ptr<SqlStore> store_;
  std::string run_;
  int64_t old_ = 0;  // node a's epoch, stale
  int64_t now_ = 0;  // node b's
  size_t events_ = 0;
};

TEST_P(FencingStoreTest, EveryClaimBumpsTheEpoch) {
  EXPECT_EQ(now_, old_ + 1);
  EXPECT_EQ(store_->get_run(run_)->lease_epoch, now_);
}

TEST_P(FencingStoreTest, AStaleRunUpdateIsRefused) {
  RunRecord run = *store_->get_run(run_);
  run.status = RunStatus::Succeeded;
  run.outputs = Json{{"by", "a"}};
  EXPECT_EQ(store_->update_run(run, event("run.succeeded"), old_), LeaseWrite::stale);
  EXPECT_EQ(store_->get_run(run_)->status, RunStatus::Queued);
  EXPECT_EQ(events(), events_);
  run.status = RunStatus::Running;
  EXPECT_EQ(store_->update_run(run, event("run.started"), now_), LeaseWrite::done);
  EXPECT_EQ(store_->get_run(run_)->status, RunStatus::Running);
  EXPECT_EQ(events(), events_ + 1);
}

TEST_P(FencingStoreTest, AStaleStepTransitionAndItsDeadLetterAreRefused) {
  EXPECT_EQ(store_->transition(step("s", StepStatus::Failed), event("step.failed"), old_), LeaseWrite::stale);
  EXPECT_TRUE(store_->get_steps(run_).empty());
  EXPECT_TRUE(store_->dead_letters(run_, 10).empty());
  EXPECT_EQ(events(), events_);
  EXPECT_EQ(store_->transition(step("s", StepStatus::Failed), event("step.failed"), now_), LeaseWrite::done);
  EXPECT_EQ(store_->get_steps(run_).size(), 1u);
  EXPECT_EQ(store_->dead_letters(run_, 10).size(), 1u);
  EXPECT_EQ(events(), events_ + 1);
}

// The gap a 50-second chaos run found: a node thawed after its lease lapsed,
// before any other node had claimed the run; its epoch was still current, so
// it recorded a step's start and called the step, and the node that claimed
// the run a moment later called it again. A step's start now also needs a
// live lease; what the node reports of work already done still lands.
TEST_P(FencingStoreTest, AStepStartUnderALapsedLeaseIsRefusedEvenUnclaimed) {
  store_->renew_leases("node-b", std::vector<HeldRun>{{run_, now_}}, -1000ms);  // b stalls; nobody claims yet
  EXPECT_EQ(store_->transition(step("s", StepStatus::Running), event("step.started"), now_), LeaseWrite::stale);
  EXPECT_TRUE(store_->get_steps(run_).empty());
  EXPECT_EQ(events(), events_);
  EXPECT_EQ(store_->transition(step("r", StepStatus::Succeeded), event("step.succeeded"), now_), LeaseWrite::done);
  EXPECT_EQ(store_->get_steps(run_).size(), 1u);
  EXPECT_EQ(store_->get_run(run_)->lease_epoch, now_);  // still b's until a claim

  store_->renew_leases("node-b", std::vector<HeldRun>{{run_, now_}}, 60s);  // b renewed in time instead
  EXPECT_EQ(store_->transition(step("s", StepStatus::Running), event("step.started"), now_), LeaseWrite::done);
  EXPECT_EQ(store_->get_steps(run_).size(), 2u);
}

TEST_P(FencingStoreTest, AStaleEventIsRefused) {
  EXPECT_EQ(store_->append_event(event("step.log"), old_), LeaseWrite::stale);
  EXPECT_EQ(events(), events_);
  EXPECT_EQ(store_->append_event(event("step.log"), now_), LeaseWrite::done);
  EXPECT_EQ(events(), events_ + 1);
}

TEST_P(FencingStoreTest, AStaleWaitAndParkAreRefused) {
  RunRecord run = *store_->get_run(run_);
  run.status = RunStatus::Running;
  ASSERT_EQ(store_->update_run(run, event("run.started"), now_), LeaseWrite::done);
  ASSERT_EQ(store_->transition(step("w", StepStatus::Waiting), event("step.waiting"), now_), LeaseWrite::done);
  const WaitRecord wait{run_, "w", "k1", 0, 0};
  EXPECT_FALSE(store_->begin_wait(wait, old_).has_value());
  EXPECT_TRUE(store_->waits(run_).empty());
  EXPECT_FALSE(store_->park_run(run_, event("run.waiting"), old_).has_value());
  EXPECT_EQ(store_->get_run(run_)->status, RunStatus::Running);

  EXPECT_TRUE(store_->begin_wait(wait, now_).has_value());
  EXPECT_EQ(store_->waits(run_).size(), 1u);
  auto parked = store_->park_run(run_, event("run.waiting"), now_);
  ASSERT_TRUE(parked.has_value());
  EXPECT_TRUE(parked->empty());
  EXPECT_EQ(store_->get_run(run_)->status, RunStatus::Waiting);
  // A delivered event makes the parked run nobody's: a new epoch.
  ASSERT_TRUE(store_->deliver_event("k1", Json{{"n", 1}}).delivered);
  EXPECT_EQ(store_->get_run(run_)->lease_epoch, now_ + 1);
}

TEST_P(FencingStoreTest, AStaleSlotIsNeitherTakenNorFreedNorRenewed) {
  EXPECT_EQ(store_->try_acquire_slot("p.s", 1, run_ + "/s", "node-a", 60s, HeldRun{run_, old_}), SlotClaim::stale);
  // Node b takes the same holder's slot; a stale release leaves it taken.
  EXPECT_EQ(store_->try_acquire_slot("p.s", 1, run_ + "/s", "node-b", 60s, HeldRun{run_, now_}), SlotClaim::taken);
  EXPECT_EQ(store_->release_slot("p.s", run_ + "/s", HeldRun{run_, old_}), LeaseWrite::stale);
  RunRecord other;
  other.workflow = "wf";
  other.workflow_hash = "h1";
  const std::string second = store_->create_run(other).id;
  auto claimed = store_->claim_runs("node-c", 1, 60s);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(store_->try_acquire_slot("p.s", 1, second + "/s", "node-c", 60s, HeldRun{second, claimed[0].lease_epoch}),
            SlotClaim::full);
  EXPECT_EQ(store_->release_slot("p.s", run_ + "/s", HeldRun{run_, now_}), LeaseWrite::done);
  EXPECT_EQ(store_->try_acquire_slot("p.s", 1, second + "/s", "node-c", 60s, HeldRun{second, claimed[0].lease_epoch}),
            SlotClaim::taken);
}

TEST_P(FencingStoreTest, AStaleHeartbeatLosesTheRunAndExtendsNothing) {
  LeaseCheck a = store_->renew_leases("node-a", std::vector<HeldRun>{{run_, old_}}, 600s);
  EXPECT_EQ(a.lost, std::vector<std::string>{run_});
  LeaseCheck b = store_->renew_leases("node-b", std::vector<HeldRun>{{run_, now_}}, 60s);
  EXPECT_TRUE(b.lost.empty());
  // A run that was taken over and finished is lost too, not "finished here".
  RunRecord run = *store_->get_run(run_);
  run.status = RunStatus::Succeeded;
  ASSERT_EQ(store_->update_run(run, event("run.succeeded"), now_), LeaseWrite::done);
  EXPECT_EQ(store_->renew_leases("node-a", std::vector<HeldRun>{{run_, old_}}, 60s).lost,
            std::vector<std::string>{run_});
  EXPECT_TRUE(store_->renew_leases("node-b", std::vector<HeldRun>{{run_, now_}}, 60s).lost.empty());
}

TEST_P(FencingStoreTest, AStaleReleaseLeavesTheNewOwnersLease) {
  EXPECT_EQ(store_->release("node-a", HeldRun{run_, old_}), LeaseWrite::stale);
  EXPECT_TRUE(store_->claim_runs("node-c", 1, 60s).empty());  // still node b's
  EXPECT_EQ(store_->release("node-b", HeldRun{run_, now_}), LeaseWrite::done);
  auto c = store_->claim_runs("node-c", 1, 60s);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].lease_epoch, now_ + 1);
}

TEST_P(FencingStoreTest, CancelWithoutTheNodeAndRetryBumpTheEpoch) {
  // Node b stalls too: its lease lapses, and `runs cancel` ends the queued run itself.
  store_->renew_leases("node-b", std::vector<HeldRun>{{run_, now_}}, -1000ms);
  ASSERT_TRUE(store_->request_cancel(run_));
  const int64_t cancelled = store_->get_run(run_)->lease_epoch;
  EXPECT_EQ(cancelled, now_ + 1);
  EXPECT_EQ(store_->append_event(event("step.log"), now_), LeaseWrite::stale);
  ASSERT_TRUE(store_->requeue_run(run_, {}).ok());
  EXPECT_EQ(store_->get_run(run_)->lease_epoch, cancelled + 1);
}

TEST_P(FencingStoreTest, AClaimSkipsTheRunsItsNodeIsStillWindingDown) {
  store_->renew_leases("node-b", std::vector<HeldRun>{{run_, now_}}, -1000ms);
  EXPECT_TRUE(store_->claim_runs("node-b", 4, 60s, "", {run_}).empty());
  EXPECT_EQ(store_->claim_runs("node-b", 4, 60s).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, FencingStoreTest, ::testing::ValuesIn(test::all_sql_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace linkhub
