// The SQL run store: the same suite on SQLite and on a real PostgreSQL 15
// (started by scripts/test.sh). Each test gets a fresh database.
#include "test_databases.hpp"

#include <linkhub/engine/database.hpp>
#include <linkhub/engine/sql_store.hpp>

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <soci/soci.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

namespace linkhub {
namespace {

using namespace std::chrono_literals;

class SqlStoreTest : public ::testing::TestWithParam<std::string> {
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
  }

  RunRecord new_run(const std::string& workflow = "wf", const std::string& key = "", const std::string& hash = "h1",
                    int64_t created_ms = 0) {
    RunRecord r;
    r.created_ms = created_ms;
    r.workflow = workflow;
    r.workflow_hash = hash;
    r.inputs = Json{{"n", 3}};
    r.idempotency_key = key;
    return store_->create_run(r);
  }

  std::string url_;
  std::unique_ptr<SqlStore> store_;
};

TEST_P(SqlStoreTest, CreatesAndReadsBackARun) {
  RunRecord r = new_run();
  ASSERT_FALSE(r.id.empty());
  auto back = store_->get_run(r.id);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->workflow, "wf");
  EXPECT_EQ(back->status, RunStatus::Queued);
  EXPECT_EQ(back->inputs, (Json{{"n", 3}}));
  EXPECT_GT(back->created_ms, 0);
  EXPECT_FALSE(store_->get_run("no-such-run").has_value());
  auto events = store_->get_events(r.id, 0, 100);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "run.created");
  EXPECT_EQ(events[0].seq, 1);
}

TEST_P(SqlStoreTest, SameIdempotencyKeyReturnsTheSameRun) {
  RunRecord a = new_run("wf", "order-42");
  RunRecord b = new_run("wf", "order-42");
  RunRecord c = new_run("wf", "order-43");
  EXPECT_EQ(a.id, b.id);
  EXPECT_NE(a.id, c.id);
  EXPECT_EQ(store_->list_runs(100).size(), 2u);
}

TEST_P(SqlStoreTest, ConcurrentCreatesWithOneKeyMakeOneRun) {
  std::vector<std::string> ids(4);
  std::vector<std::thread> threads;
  auto second = SqlStore::open(url_);
  ASSERT_TRUE(second.ok());
  SqlStore* stores[2] = {store_.get(), second->get()};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      RunRecord r;
      r.workflow = "wf";
      r.workflow_hash = "h";
      r.idempotency_key = "same-key";
      ids[static_cast<size_t>(t)] = stores[t % 2]->create_run(r).id;
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u);
}

// Creates are committed in the group commit of other writes (SQLite): a
// create whose key another made first fails alone, and the creates beside it
// in its group are stored, each with its run.created event numbered 1.
TEST_P(SqlStoreTest, ConcurrentCreatesWithSharedAndOwnKeysEachGetTheirRun) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 10;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        RunRecord r;
        r.workflow = "wf";
        r.workflow_hash = "h";
        // Even threads share one key per round; odd ones have their own.
        r.idempotency_key = "round-" + std::to_string(round) + (t % 2 == 0 ? "" : "-own-" + std::to_string(t));
        ids[static_cast<size_t>(t)].push_back(store_->create_run(r).id);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  std::set<std::string> all;
  for (int round = 0; round < kRounds; ++round) {
    std::set<std::string> shared;
    for (int t = 0; t < kThreads; ++t) {
      const std::string& id = ids[static_cast<size_t>(t)][static_cast<size_t>(round)];
      all.insert(id);
      if (t % 2 == 0) {
        shared.insert(id);
      }
    }
    EXPECT_EQ(shared.size(), 1u) << "round " << round << ": one run for the shared key";
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kRounds * (1 + kThreads / 2)));
  for (const auto& id : all) {
    const auto events = store_->get_events(id, 0, 10);
    ASSERT_EQ(events.size(), 1u) << id;
    EXPECT_EQ(events[0].type, "run.created");
    EXPECT_EQ(events[0].seq, 1);
  }
}

TEST_P(SqlStoreTest, StepTransitionsKeepTheInputOfTheAttemptThatRan) {
  RunRecord r = new_run();
  StepRecord running{r.id, "fetch", -1, 1, StepStatus::Running, Json{{"url", "x"}}, Json(), "", 1000, 0};
  store_->transition(running, EventRecord{"", 0, 0, "step.started", "fetch", -1, Json{{"attempt", 1}}});
  StepRecord done{r.id, "fetch", -1, 1, StepStatus::Succeeded, Json(), Json{{"ok", true}}, "", 0, 2000};
  store_->transition(done, EventRecord{"", 0, 0, "step.succeeded", "fetch", -1, Json::object()});
  auto steps = store_->get_steps(r.id);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].status, StepStatus::Succeeded);
  EXPECT_EQ(steps[0].input, (Json{{"url", "x"}}));
  EXPECT_EQ(steps[0].output, (Json{{"ok", true}}));
  EXPECT_EQ(steps[0].started_ms, 1000);
  EXPECT_EQ(steps[0].finished_ms, 2000);
}

// Two stores on one database are two processes' nodes. A commit that queues
// work wakes the other's waiting node (SQLite: the wake file is written
// before the commit's caller gets control back, so a zero wait sees it;
// PostgreSQL's NOTIFY comes over the network); a step's record does not.
TEST_P(SqlStoreTest, ARunQueuedByAnotherProcessWakesThisOnesNodeAndStepRecordsDoNot) {
  auto other = SqlStore::open(url_);
  ASSERT_TRUE(other.ok()) << other.error().message;
  SqlStore& them = **other;
  const bool sqlite = GetParam() == "sqlite";
  store_->wait_for_work(0ms);  // nothing pending before the test's own commits
  RunRecord r = new_run();     // queued, unclaimed: a NOTIFY / the wake file
  EXPECT_TRUE(store_->wait_for_work(sqlite ? 0ms : 60000ms));
  if (!sqlite) {
    return;  // a missing NOTIFY could not be told from a late one
  }
  EXPECT_FALSE(store_->wait_for_work(0ms)) << "woken once per commit";
  const auto claimed = them.claim_runs("node-b", 1, std::chrono::seconds(60));
  ASSERT_EQ(claimed.size(), 1u);
  std::vector<RunWrite> writes;
  writes.push_back(
      RunWrite{RunWrite::Kind::transition,
               StepRecord{r.id, "s", -1, 1, StepStatus::Succeeded, Json::object(), Json{{"ok", true}}, "", 1, 2},
               {},
               EventRecord{r.id, 0, 0, "step.succeeded", "s"}});
  ASSERT_EQ(them.write_all(r.id, writes, claimed[0].lease_epoch), LeaseWrite::done);
  EXPECT_FALSE(store_->wait_for_work(0ms)) << "a step's record queues no work";
  EXPECT_FALSE(store_->wait_for_work(0ms));
  them.create_run(RunRecord{});
  EXPECT_TRUE(store_->wait_for_work(0ms));
}

// SQLite's WAL is checkpointed as it fills (the wake-up hook replaced
// SQLite's own, which did that): it does not grow with what is written.
TEST_P(SqlStoreTest, SqliteKeepsItsWriteAheadLogBounded) {
  if (GetParam() != "sqlite") {
    GTEST_SKIP() << "SQLite only";
  }
  const std::string big(64 * 1024, 'x');
  for (int i = 0; i < 400; ++i) {  // ~26 MB written, ~6,400 pages
    RunRecord r;
    r.workflow = "wf";
    r.inputs = Json{{"blob", big}};
    store_->create_run(r);
  }
  const auto wal = std::filesystem::file_size(url_ + "-wal");
  EXPECT_LT(wal, 12u * 1024 * 1024) << "the WAL is " << wal << " bytes: not checkpointed";
}

// The statements of a run's writes are prepared once per session: a session
// replaced (its connection lost) starts with none, and its writes go on.
TEST_P(SqlStoreTest, WritesGoOnWithTheirPreparedStatementsOnASessionThatWasReplaced) {
  RunRecord r = new_run();
  const auto claimed = store_->claim_runs("node-a", 1, std::chrono::seconds(60));
  ASSERT_EQ(claimed.size(), 1u);
  const int64_t epoch = claimed[0].lease_epoch;
  auto step = [&](const std::string& id, StepStatus status) {
    StepRecord st{r.id, id, -1, 1, status, Json{{"step", id}}, Json(), "", 1000, 0};
    return store_->transition(st,
                              EventRecord{"", 0, 0, status == StepStatus::Running ? "step.started" : "step.succeeded",
                                          id, -1, Json::object()},
                              epoch);
  };
  EXPECT_EQ(step("a", StepStatus::Running), LeaseWrite::done);
  EXPECT_EQ(step("a", StepStatus::Succeeded), LeaseWrite::done);
  store_->database().drop_connections();
  EXPECT_EQ(step("b", StepStatus::Running), LeaseWrite::done);
  EXPECT_EQ(step("b", StepStatus::Succeeded), LeaseWrite::done);
  EXPECT_EQ(store_->transition(StepRecord{r.id, "c", -1, 1, StepStatus::Running, Json(), Json(), "", 1000, 0},
                               EventRecord{"", 0, 0, "step.started", "c", -1, Json::object()}, epoch + 1),
            LeaseWrite::stale)
      << "the prepared epoch check still refuses a stale write";
  std::vector<int64_t> seqs;
  for (const auto& e : store_->get_events(r.id, 0, 100)) {
    seqs.push_back(e.seq);
  }
  EXPECT_EQ(seqs, (std::vector<int64_t>{1, 2, 3, 4, 5}));
  const auto steps = store_->get_steps(r.id);
  ASSERT_EQ(steps.size(), 2u);
  for (const auto& st : steps) {
    EXPECT_EQ(st.status, StepStatus::Succeeded) << st.step_id;
    EXPECT_EQ(st.input, (Json{{"step", st.step_id}})) << "the start's input is kept";
  }
}

TEST_P(SqlStoreTest, EventsAreNumberedInOrderAndPageable) {
  RunRecord r = new_run();
  for (int i = 0; i < 25; ++i) {
    store_->append_event(EventRecord{r.id, 0, 0, "step.log", "s", -1, Json{{"i", i}}});
  }
  auto all = store_->get_events(r.id, 0, 1000);
  ASSERT_EQ(all.size(), 26u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].seq, static_cast<int64_t>(i + 1));
  }
  auto page = store_->get_events(r.id, 10, 5);
  ASSERT_EQ(page.size(), 5u);
  EXPECT_EQ(page[0].seq, 11);
  EXPECT_EQ(page[0].payload["i"], 9);
}

TEST_P(SqlStoreTest, ListsRunsNewestFirstWithFilters) {
  RunRecord a = new_run("alpha", "", "h1", 1000);
  RunRecord b = new_run("beta", "", "h1", 2000);
  RunRecord c = new_run("alpha", "", "h1", 3000);
  c.status = RunStatus::Succeeded;
  c.finished_ms = now_ms();
  store_->update_run(c, EventRecord{c.id, 0, 0, "run.succeeded", "", -1, Json::object()});
  auto all = store_->list_runs(RunFilter{});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, c.id);
  EXPECT_EQ(all[2].id, a.id);
  RunFilter alpha;
  alpha.workflow = "alpha";
  EXPECT_EQ(store_->list_runs(alpha).size(), 2u);
  RunFilter done;
  done.status = "succeeded";
  auto finished = store_->list_runs(done);
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_EQ(finished[0].id, c.id);
  RunFilter beta;
  beta.workflow = "beta";
  EXPECT_EQ(store_->list_runs(beta).at(0).id, b.id);
}

TEST_P(SqlStoreTest, ClaimsEachRunOnceUntilItsLeaseLapses) {
  RunRecord r1 = new_run();
  RunRecord r2 = new_run();
  auto first = store_->claim_runs("node-a", 1, 60s);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].id, r1.id);  // oldest first
  auto second = store_->claim_runs("node-b", 5, 60s);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].id, r2.id);
  EXPECT_TRUE(store_->claim_runs("node-c", 5, 60s).empty());
  // node-b dies: its lease lapses (a negative lease expires at once) and node-c takes the run over.
  const std::vector<HeldRun> b_holds{{r2.id, second[0].lease_epoch}};
  store_->renew_leases("node-b", b_holds, -1000ms);
  auto taken = store_->claim_runs("node-c", 5, 60s);
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].id, r2.id);
  // node-b comes back and learns that it lost the run; node-a still holds its own.
  LeaseCheck b = store_->renew_leases("node-b", b_holds, 60s);
  EXPECT_EQ(b.lost, std::vector<std::string>{r2.id});
  LeaseCheck a = store_->renew_leases("node-a", std::vector<HeldRun>{{r1.id, first[0].lease_epoch}}, 60s);
  EXPECT_TRUE(a.lost.empty());
}

TEST_P(SqlStoreTest, ConcurrentClaimersNeverShareARun) {
  for (int i = 0; i < 40; ++i) {
    new_run();
  }
  auto other = SqlStore::open(url_);
  ASSERT_TRUE(other.ok());
  std::vector<std::string> got_a, got_b;
  std::thread ta([&] {
    for (int k = 0; k < 40; ++k) {
      for (auto& r : store_->claim_runs("a", 2, 60s)) {
        got_a.push_back(r.id);
      }
    }
  });
  std::thread tb([&] {
    for (int k = 0; k < 40; ++k) {
      for (auto& r : (*other)->claim_runs("b", 2, 60s)) {
        got_b.push_back(r.id);
      }
    }
  });
  ta.join();
  tb.join();
  std::set<std::string> all(got_a.begin(), got_a.end());
  for (const auto& id : got_b) {
    EXPECT_TRUE(all.insert(id).second) << id << " was claimed twice";
  }
  EXPECT_EQ(all.size(), 40u);
}

TEST_P(SqlStoreTest, WorkflowConcurrencyHoldsAcrossClaimers) {
  store_->save_workflow(StoredWorkflow{"h-limited", "limited", 1, "/x/limited.yaml", "name: limited", 2});
  for (int i = 0; i < 5; ++i) {
    new_run("limited", "", "h-limited");
  }
  RunRecord free_run = new_run("free", "", "h-free");
  auto a = store_->claim_runs("a", 10, 60s);
  auto b = store_->claim_runs("b", 10, 60s);
  size_t limited = 0;
  bool free_claimed = false;
  for (const auto* batch : {&a, &b}) {
    for (const auto& r : *batch) {
      limited += r.workflow == "limited";
      free_claimed = free_claimed || r.id == free_run.id;
    }
  }
  EXPECT_EQ(limited, 2u);
  EXPECT_TRUE(free_claimed);
}

// PostgreSQL claims runs of workflows without a `concurrency` in one
// statement; a workflow with one, registered by another node, is still
// found (asked for at most once a second) and claimed under its limit.
TEST_P(SqlStoreTest, AWorkflowLimitedOnAnotherNodeIsClaimedUnderItsLimitHere) {
  new_run("free", "", "h-free");
  ASSERT_EQ(store_->claim_runs("a", 10, 60s).size(), 1u);  // before the limited workflow exists
  auto other = SqlStore::open(url_);
  ASSERT_TRUE(other.ok());
  (*other)->save_workflow(StoredWorkflow{"h-limited", "limited", 1, "/x/limited.yaml", "name: limited", 2});
  for (int i = 0; i < 3; ++i) {
    new_run("limited", "", "h-limited");
  }
  size_t claimed = 0;
  for (int i = 0; i < 400 && claimed < 2; ++i) {  // bounded: 20 s
    claimed += store_->claim_runs("a", 10, 60s).size();
    if (claimed < 2) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  EXPECT_EQ(claimed, 2u);
  EXPECT_TRUE(store_->claim_runs("a", 10, 60s).empty()) << "the limit is 2";
}

TEST_P(SqlStoreTest, RunsWindingDownHereAreNotClaimedHere) {
  const RunRecord first = new_run();
  const RunRecord second = new_run();
  const RunRecord third = new_run();
  const auto claimed = store_->claim_runs("node", 5, 60s, "", {first.id, third.id});
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, second.id);
}

TEST(SqlStoreStallLimit, IsAQuarterOfTheLeaseWithinBounds) {
  EXPECT_EQ(SqlStore::stall_limit_for(2s), 500ms);
  EXPECT_EQ(SqlStore::stall_limit_for(15s), 3750ms);
  EXPECT_EQ(SqlStore::stall_limit_for(100ms), 500ms);
  EXPECT_EQ(SqlStore::stall_limit_for(std::chrono::minutes(10)), 30s);
}

// A node's sessions are ended by the server after its stall limit, not 30 s:
// a node stalled mid-transaction frees the rows it locked before the leases
// of the nodes that need them lapse.
TEST_P(SqlStoreTest, PostgresEndsANodesStalledTransactionAfterItsStallLimit) {
  if (GetParam() != "postgres") {
    GTEST_SKIP() << "PostgreSQL only";
  }
  auto opened = SqlStore::open(url_, 1, SqlStore::stall_limit_for(2s));
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  std::string timeout = (*opened)->database().read([](soci::session& sql) {
    std::string value;
    sql << "SHOW idle_in_transaction_session_timeout", soci::into(value);
    return value;
  });
  EXPECT_EQ(timeout, "500ms");
}

// A process that stalls inside a transaction (SIGSTOP, a paused VM) must not
// keep its row locks, and with them a run nobody else can claim, until it
// wakes: PostgreSQL ends its session (LINKHUB_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS,
// or else the stall limit the store was opened with, or else 30 s), the row is
// free again, and the stalled transaction fails when it goes on, writing nothing.
TEST_P(SqlStoreTest, PostgresEndsASessionStalledInsideATransaction) {
  if (GetParam() != "postgres") {
    GTEST_SKIP() << "PostgreSQL only";
  }
  ::setenv("LINKHUB_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS", "200", 1);
  auto opened = SqlStore::open(url_, 1);
  ::unsetenv("LINKHUB_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS");
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  std::unique_ptr<SqlStore> stalled = std::move(*opened);
  const RunRecord run = new_run();
  bool gone = false;
  EXPECT_ANY_THROW(stalled->database().write([&](soci::session& sql) {
    int pid = 0;
    sql << "SELECT pg_backend_pid() FROM lh_runs WHERE id = :id FOR UPDATE", soci::use(run.id), soci::into(pid);
    // Stalled with the row locked, until the server has ended the session (bounded polling from another one).
    for (int i = 0; i < 600 && !gone; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      store_->database().read([&](soci::session& other) {
        int found = 0;
        other << "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = :p", soci::use(pid), soci::into(found);
        gone = found == 0;
      });
    }
    sql << "UPDATE lh_runs SET status = 'failed' WHERE id = :id", soci::use(run.id);
  }));
  EXPECT_TRUE(gone) << "PostgreSQL did not end the stalled session";
  EXPECT_EQ(store_->get_run(run.id)->status, RunStatus::Queued) << "the stalled write stored nothing";
  store_->database().write([&](soci::session& sql) {
    int one = 0;  // NOWAIT: an error if the row were still locked
    sql << "SELECT 1 FROM lh_runs WHERE id = :id FOR UPDATE NOWAIT", soci::use(run.id), soci::into(one);
  });
}

// The heartbeat that follows a park must not take the parked run for one
// another node took: the node would drop the park from its books and a batch
// (`linkhub run`) would wait for that run for ever.
TEST_P(SqlStoreTest, AParkedRunIsNotReportedLostToTheNodeThatParkedIt) {
  RunRecord run = new_run();
  const auto claimed = store_->claim_runs("node", 1, 60s);
  ASSERT_EQ(claimed.size(), 1u);
  RunRecord running = *store_->get_run(run.id);
  running.status = RunStatus::Running;
  store_->update_run(running, EventRecord{run.id, 0, 0, "run.started", "", -1, Json::object()});
  EXPECT_TRUE(store_->park_run(run.id, EventRecord{run.id, 0, 0, "run.waiting", "", -1, Json::object()}).empty());
  ASSERT_EQ(store_->get_run(run.id)->status, RunStatus::Waiting);
  EXPECT_TRUE(store_->renew_leases("node", std::vector<HeldRun>{{run.id, claimed[0].lease_epoch}}, 60s).lost.empty());
}

TEST_P(SqlStoreTest, CancelsAQueuedRunAtOnceAndFlagsARunningOne) {
  RunRecord queued = new_run();
  EXPECT_TRUE(store_->request_cancel(queued.id));
  EXPECT_EQ(store_->get_run(queued.id)->status, RunStatus::Cancelled);
  EXPECT_FALSE(store_->request_cancel(queued.id));  // already finished
  EXPECT_FALSE(store_->request_cancel("nope"));

  RunRecord running = new_run();
  const auto claimed = store_->claim_runs("node", 1, 60s);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_TRUE(store_->request_cancel(running.id));
  EXPECT_EQ(store_->get_run(running.id)->status, RunStatus::Queued);  // its node decides
  LeaseCheck check = store_->renew_leases("node", std::vector<HeldRun>{{running.id, claimed[0].lease_epoch}}, 60s);
  EXPECT_EQ(check.cancel_requested, std::vector<std::string>{running.id});
}

TEST_P(SqlStoreTest, FailedStepsBecomeDeadLettersButForeachSummariesDoNot) {
  RunRecord r = new_run("wf-dl");
  store_->transition(StepRecord{r.id, "send", -1, 3, StepStatus::Running, Json{{"to", "+1"}}, Json(), "", 5, 0},
                     EventRecord{"", 0, 0, "step.started", "send", -1, Json::object()});
  store_->transition(StepRecord{r.id, "send", -1, 3, StepStatus::Failed, Json(), Json(), "HTTP 503", 0, 9},
                     EventRecord{"", 0, 0, "step.failed", "send", -1, Json::object()});
  store_->transition(StepRecord{r.id, "each", 1, 2, StepStatus::Failed, Json{{"item", 1}}, Json(), "bad item", 1, 2},
                     EventRecord{"", 0, 0, "item.failed", "each", 1, Json::object()});
  store_->transition(StepRecord{r.id, "each", -1, 2, StepStatus::Failed, Json(), Json(), "item 1: bad item", 1, 2},
                     EventRecord{"", 0, 0, "step.failed", "each", -1, Json::object()});
  // Never ran (condition error): not a dead letter.
  store_->transition(StepRecord{r.id, "gate", -1, 0, StepStatus::Failed, Json(), Json(), "if: boom", 1, 2},
                     EventRecord{"", 0, 0, "step.failed", "gate", -1, Json::object()});
  auto letters = store_->dead_letters(r.id, 10);
  ASSERT_EQ(letters.size(), 2u);
  EXPECT_EQ(store_->dead_letter_count(r.id), 2u);
  EXPECT_EQ(store_->dead_letter_count(new_run().id), 0u);
  std::sort(letters.begin(), letters.end(), [](auto& x, auto& y) { return x.step_id > y.step_id; });
  EXPECT_EQ(letters[0].step_id, "send");
  EXPECT_EQ(letters[0].attempts, 3);
  EXPECT_EQ(letters[0].input, (Json{{"to", "+1"}}));
  EXPECT_EQ(letters[0].error, "HTTP 503");
  EXPECT_EQ(letters[0].workflow, "wf-dl");
  EXPECT_EQ(letters[1].step_id, "each");
  EXPECT_EQ(letters[1].index, 1);
}

TEST_P(SqlStoreTest, KeepsTheErrorCodeAndDetailsOfFailedRunsAndSteps) {
  RunRecord r = new_run();
  StepRecord step{r.id, "lookup", -1, 1, StepStatus::Failed, Json(), Json(), "nothing there", 1, 2};
  step.error_code = "not_found";
  step.error_details = Json{{"id", 7}};
  store_->transition(step, EventRecord{"", 0, 0, "step.failed", "lookup", -1, Json::object()});
  StepRecord plain{r.id, "ok", -1, 1, StepStatus::Succeeded, Json(), Json(1), "", 1, 2};
  store_->transition(plain, EventRecord{"", 0, 0, "step.succeeded", "ok", -1, Json::object()});
  r.status = RunStatus::Failed;
  r.error = "step 'lookup' failed: nothing there";
  r.error_code = "not_found";
  r.error_details = Json{{"id", 7}};
  store_->update_run(r, EventRecord{"", 0, 0, "run.failed", "", -1, Json::object()});

  const auto run = store_->get_run(r.id);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->error_code, "not_found");
  EXPECT_EQ(run->error_details, (Json{{"id", 7}}));
  EXPECT_EQ(store_->list_runs(10).at(0).error_code, "not_found");
  auto steps = store_->get_steps(r.id);
  ASSERT_EQ(steps.size(), 2u);
  std::sort(steps.begin(), steps.end(), [](auto& x, auto& y) { return x.step_id < y.step_id; });
  EXPECT_EQ(steps[0].error_code, "not_found");
  EXPECT_EQ(steps[0].error_details, (Json{{"id", 7}}));
  EXPECT_EQ(steps[1].error_code, "");
  EXPECT_TRUE(steps[1].error_details.is_null());

  // A retry starts clean.
  ASSERT_TRUE(store_->requeue_run(r.id, {"lookup"}, false).ok());
  EXPECT_EQ(store_->get_run(r.id)->error_code, "");
  EXPECT_TRUE(store_->get_run(r.id)->error_details.is_null());
}

TEST_P(SqlStoreTest, RequeueForgetsTheChosenStepsAndQueuesTheRun) {
  RunRecord r = new_run();
  for (const char* s : {"a", "b", "c"}) {
    store_->transition(StepRecord{r.id, s, -1, 1, StepStatus::Succeeded, Json(), Json(1), "", 1, 2},
                       EventRecord{"", 0, 0, "step.succeeded", s, -1, Json::object()});
  }
  auto refused = store_->requeue_run(r.id, {"b"});
  EXPECT_FALSE(refused.ok());  // still queued: not finished
  r.status = RunStatus::Failed;
  store_->update_run(r, EventRecord{r.id, 0, 0, "run.failed", "", -1, Json::object()});
  auto again = store_->requeue_run(r.id, {"b", "c"});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->status, RunStatus::Queued);
  auto steps = store_->get_steps(r.id);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].step_id, "a");
  EXPECT_EQ(store_->claim_runs("n", 5, 60s).size(), 1u);
  EXPECT_FALSE(store_->requeue_run("missing", {}).ok());
}

TEST_P(SqlStoreTest, SchedulesAdvanceOnlyOncePerTick) {
  store_->sync_schedules("cronwf", {Schedule{"cronwf", 0, "hash", "*/5 * * * *", Json{{"a", 1}}, "skip", 1000, 0}});
  auto list = store_->schedules();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].next_fire_ms, 1000);
  EXPECT_TRUE(store_->advance_schedule("cronwf", 0, 1000, 2000, 1000));
  EXPECT_FALSE(store_->advance_schedule("cronwf", 0, 1000, 2000, 1000));  // the other node lost the race
  // Re-syncing the same cron keeps its position; a changed cron starts over.
  store_->sync_schedules("cronwf", {Schedule{"cronwf", 0, "hash", "*/5 * * * *", Json::object(), "skip", 5000, 0}});
  EXPECT_EQ(store_->schedules()[0].next_fire_ms, 2000);
  store_->sync_schedules("cronwf", {Schedule{"cronwf", 0, "hash", "0 * * * *", Json::object(), "catch_up", 7000, 0}});
  EXPECT_EQ(store_->schedules()[0].next_fire_ms, 7000);
  EXPECT_EQ(store_->schedules()[0].missed, "catch_up");
  store_->sync_schedules("cronwf", {});
  EXPECT_TRUE(store_->schedules().empty());
}

TEST_P(SqlStoreTest, WorkflowsAreKeptByContentHash) {
  store_->save_workflow(StoredWorkflow{"abc", "demo", 2, "/w/demo.yaml", "name: demo\n", 0});
  auto wf = store_->load_workflow("abc");
  ASSERT_TRUE(wf.has_value());
  EXPECT_EQ(wf->name, "demo");
  EXPECT_EQ(wf->version, 2);
  EXPECT_EQ(wf->source, "name: demo\n");
  EXPECT_FALSE(store_->load_workflow("zzz").has_value());
}

TEST_P(SqlStoreTest, WorkflowHeadsAreOnePerNameAndKeepDeletedOnes) {
  EXPECT_FALSE(store_->workflow_head("demo").has_value());
  store_->put_workflow_head(WorkflowHead{"demo", "abc", "file", "/w/demo.yaml", false, 0, "abc"});
  store_->put_workflow_head(WorkflowHead{"alpha", "a1", "api", "api", false, 5, ""});
  auto head = store_->workflow_head("demo");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->hash, "abc");
  EXPECT_EQ(head->origin, "file");
  EXPECT_EQ(head->file_hash, "abc");
  EXPECT_GT(head->updated_ms, 0);
  store_->put_workflow_head(WorkflowHead{"demo", "def", "api", "api", true, 0, "abc"});
  head = store_->workflow_head("demo");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->hash, "def");
  EXPECT_EQ(head->origin, "api");
  EXPECT_TRUE(head->deleted);
  const auto heads = store_->workflow_heads();
  ASSERT_EQ(heads.size(), 2u);
  EXPECT_EQ(heads[0].name, "alpha");
  EXPECT_EQ(heads[0].updated_ms, 5);
  EXPECT_FALSE(heads[0].deleted);
  EXPECT_EQ(heads[1].name, "demo");
  EXPECT_TRUE(heads[1].deleted);
}

TEST_P(SqlStoreTest, ReopeningKeepsEverythingAndDoesNotMigrateTwice) {
  RunRecord r = new_run();
  store_.reset();
  auto again = SqlStore::open(url_);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE((*again)->get_run(r.id).has_value());
  EXPECT_GE((*again)->schema_version(), 1);
}

TEST_P(SqlStoreTest, RefusesADatabaseFromANewerLinkhub) {
  store_.reset();
  {
    // Written as a newer binary would: a migration we do not know.
    auto raw = SqlStore::open(url_);
    ASSERT_TRUE(raw.ok());
    raw->reset();
  }
  if (GetParam() == "sqlite") {
    ASSERT_EQ(
        std::system(
            ("sqlite3 '" + url_ + "' \"INSERT INTO lh_schema_migrations VALUES (999, 'from the future', 0)\"").c_str()),
        0);
  } else {
    PGconn* c = PQconnectdb(url_.c_str());
    ASSERT_EQ(PQstatus(c), CONNECTION_OK);
    PQclear(PQexec(c, "INSERT INTO lh_schema_migrations VALUES (999, 'from the future', 0)"));
    PQfinish(c);
  }
  auto opened = SqlStore::open(url_);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("schema version 999 is newer"), std::string::npos) << opened.error().message;
}

INSTANTIATE_TEST_SUITE_P(Backends, SqlStoreTest, ::testing::ValuesIn(test::all_sql_backends()),
                         [](const auto& info) { return info.param; });

TEST(SqlStoreOpen, RefusesACorruptSqliteFileWithAClearMessage) {
  const std::string path = test::fresh_database("sqlite");
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string(4096, 'x');
  }
  auto opened = SqlStore::open(path);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("not a linkhub SQLite database or is corrupt"), std::string::npos)
      << opened.error().message;
  EXPECT_NE(opened.error().message.find(path), std::string::npos);
}

TEST(SqlStoreOpen, NeverShowsThePostgresPasswordInErrors) {
  auto opened = SqlStore::open("postgresql://someone:hunter2secret@127.0.0.1:1/nowhere");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().message.find("hunter2secret"), std::string::npos) << opened.error().message;
  EXPECT_NE(opened.error().message.find("cannot open database"), std::string::npos);
}

}  // namespace
}  // namespace linkhub
