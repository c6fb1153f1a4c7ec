// read_run_summary, the numbers behind GET /api/v1/summary: the same suite on
// SQLite and on PostgreSQL (LINKHUB_TEST_PG). Runs are made with chosen
// creation times relative to a fixed `now`, so every expected count is known.
#include "test_databases.hpp"

#include <linkhub/engine/run_summary.hpp>

#include <gtest/gtest.h>

#include <map>

namespace linkhub {
namespace {

using namespace std::chrono_literals;

constexpr int64_t kMinute = 60000;

class SummaryStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !test::postgres_unavailable_reason().empty()) {
      GTEST_SKIP() << "\n\n*** " << test::postgres_unavailable_reason() << " ***\n";
    }
    const std::string url = test::fresh_database(GetParam());
    ASSERT_FALSE(url.empty());
    auto opened = SqlStore::open(url);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(*opened);
    now_ = now_ms();
  }

  RunRecord run_at(int64_t created_ms, const std::string& hash = "h1") {
    RunRecord r;
    r.workflow = "wf";
    r.workflow_hash = hash;
    r.created_ms = created_ms;
    return store_->create_run(r);
  }

  void finish(RunRecord run, RunStatus status) {
    run.status = status;
    run.finished_ms = now_;
    store_->update_run(run, EventRecord{"", 0, 0, "run." + std::string(to_string(status)), "", -1, Json::object()});
  }

  void step(const RunRecord& run, const std::string& id, int index, StepStatus status, int64_t started,
            int64_t finished) {
    store_->transition(StepRecord{run.id, id, index, 1, status, Json(), Json(), "", started, finished},
                       EventRecord{"", 0, 0,
                                   status == StepStatus::Succeeded ? "step.succeeded"
                                   : status == StepStatus::Failed  ? "step.failed"
                                                                   : "step.started",
                                   id, index, Json::object()});
  }

  std::unique_ptr<SqlStore> store_;
  int64_t now_ = 0;
};

TEST_P(SummaryStoreTest, CountsRunsPerMinuteOverTheLastHourOnly) {
  const int64_t minute_start = (now_ / kMinute) * kMinute;
  run_at(now_);
  run_at(minute_start);                 // the current minute, too
  run_at(minute_start - 5 * kMinute);   // five minutes ago
  run_at(minute_start - 59 * kMinute);  // the oldest minute shown
  run_at(minute_start - 60 * kMinute);  // just outside
  run_at(now_ - 3 * 60 * kMinute);      // hours ago
  const RunSummary s = read_run_summary(*store_, now_, 100);
  ASSERT_EQ(s.created_per_minute.size(), 60u);
  EXPECT_EQ(s.minute_start_ms, minute_start - 59 * kMinute);
  EXPECT_EQ(s.created_per_minute[59], 2);
  EXPECT_EQ(s.created_per_minute[54], 1);
  EXPECT_EQ(s.created_per_minute[0], 1);
  int64_t total = 0;
  for (int64_t n : s.created_per_minute) {
    total += n;
  }
  EXPECT_EQ(total, 4);
}

TEST_P(SummaryStoreTest, CountsOutcomesOfTheLastHourAndDayAndTheQueue) {
  finish(run_at(now_ - 10 * kMinute), RunStatus::Succeeded);
  finish(run_at(now_ - 20 * kMinute), RunStatus::Failed);
  finish(run_at(now_ - 5 * 60 * kMinute), RunStatus::Failed);      // the day, not the hour
  finish(run_at(now_ - 6 * 60 * kMinute), RunStatus::Cancelled);   // the day, not the hour
  finish(run_at(now_ - 30 * 60 * kMinute), RunStatus::Succeeded);  // neither
  run_at(now_ - kMinute);                                          // queued
  RunRecord waiting = run_at(now_ - kMinute);
  waiting.status = RunStatus::Waiting;
  store_->update_run(waiting, EventRecord{"", 0, 0, "run.waiting", "", -1, Json::object()});

  const RunSummary s = read_run_summary(*store_, now_, 100);
  EXPECT_EQ(s.last_hour.succeeded, 1);
  EXPECT_EQ(s.last_hour.failed, 1);
  EXPECT_EQ(s.last_hour.cancelled, 0);
  EXPECT_EQ(s.last_hour.unfinished, 2);
  EXPECT_EQ(s.last_day.succeeded, 1);
  EXPECT_EQ(s.last_day.failed, 2);
  EXPECT_EQ(s.last_day.cancelled, 1);
  EXPECT_EQ(s.last_day.unfinished, 2);
  EXPECT_EQ(s.queued, 1);
  EXPECT_EQ(s.waiting, 1);
  EXPECT_EQ(s.running, 0);
}

TEST_P(SummaryStoreTest, ListsNodesByTheRunsTheirLeasesHold) {
  RunRecord a1 = run_at(now_ - 3);
  RunRecord a2 = run_at(now_ - 2);
  RunRecord b1 = run_at(now_ - 1);
  ASSERT_EQ(store_->claim_runs("node-a", 2, 60s).size(), 2u);
  const auto b = store_->claim_runs("node-b", 1, 60s);
  ASSERT_EQ(b.size(), 1u);
  // node-b stopped renewing: its lease lapsed (a negative lease expires at once).
  store_->renew_leases("node-b", std::vector<HeldRun>{{b1.id, b[0].lease_epoch}}, -1000ms);
  finish(a2, RunStatus::Succeeded);  // a finished run no longer counts

  const RunSummary s = read_run_summary(*store_, now_ms(), 100);
  ASSERT_EQ(s.nodes.size(), 2u);
  EXPECT_EQ(s.nodes[0].node, "node-a");
  EXPECT_EQ(s.nodes[0].runs, 1);
  EXPECT_EQ(s.nodes[0].live_runs, 1);
  EXPECT_GT(s.nodes[0].lease_expires_ms, s.now_ms);
  EXPECT_EQ(s.nodes[1].node, "node-b");
  EXPECT_EQ(s.nodes[1].runs, 1);
  EXPECT_EQ(s.nodes[1].live_runs, 0);
  EXPECT_LT(s.nodes[1].lease_expires_ms, s.now_ms);
  (void)a1;
}

TEST_P(SummaryStoreTest, GivesFinishedStepDurationsOfTheLastDayBounded) {
  RunRecord r = run_at(now_ - kMinute, "hash-1");
  step(r, "fetch", -1, StepStatus::Succeeded, 1000, 1250);
  step(r, "boom", -1, StepStatus::Failed, 2000, 2010);
  step(r, "each", 0, StepStatus::Succeeded, 3000, 3040);
  step(r, "later", -1, StepStatus::Running, 4000, 0);    // not finished
  step(r, "skip", -1, StepStatus::Skipped, 5000, 5000);  // never ran
  RunRecord old = run_at(now_ - 2 * 24 * 60 * kMinute, "hash-old");
  step(old, "fetch", -1, StepStatus::Succeeded, 1000, 9000);

  RunSummary s = read_run_summary(*store_, now_, 100);
  EXPECT_FALSE(s.steps_truncated);
  ASSERT_EQ(s.steps.size(), 3u);
  std::map<std::string, RunSummary::StepTime> by_id;
  for (const auto& t : s.steps) {
    by_id[t.step_id] = t;
  }
  EXPECT_EQ(by_id["fetch"].duration_ms, 250);
  EXPECT_EQ(by_id["fetch"].workflow_hash, "hash-1");
  EXPECT_EQ(by_id["fetch"].status, "succeeded");
  EXPECT_EQ(by_id["boom"].status, "failed");
  EXPECT_EQ(by_id["boom"].duration_ms, 10);
  EXPECT_EQ(by_id["each"].index, 0);
  EXPECT_EQ(by_id["each"].duration_ms, 40);

  s = read_run_summary(*store_, now_, 2);
  EXPECT_TRUE(s.steps_truncated);
  EXPECT_EQ(s.steps.size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, SummaryStoreTest, ::testing::ValuesIn(test::all_sql_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace linkhub
