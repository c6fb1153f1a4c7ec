// Node::submit for a caller that waits for the run (an HTTP ?wait:
// Executor::RunPureStepsHere) on the SQL store. On SQLite, a run with no
// idempotency key and no `concurrency` is created in its first batch of
// writes: a run of pure steps is then one commit, not two. Whatever the
// path, the stored run is whole, and a run whose writes failed leaves no
// trace and is not acknowledged.
#include "builtin_plugins.hpp"
#include "test_databases.hpp"

#include <linkhub/engine/compile.hpp>
#include <linkhub/engine/database.hpp>
#include <linkhub/engine/executor.hpp>
#include <linkhub/engine/node.hpp>
#include <linkhub/engine/sql_store.hpp>
#include <linkhub/engine/store_error.hpp>

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <cstdlib>

namespace linkhub {
namespace {

using test::builtin_plugins;

constexpr const char* kPure = R"(name: pure
inputs:
  sku: { type: string, required: true }
steps:
  - id: normalise
    uses: core.transform
    with: { value: "${{ string.lower(inputs.sku) }}" }
  - id: label
    uses: core.transform
    needs: [normalise]
    with: { value: "sku-${{ steps.normalise.outputs.value }}" }
outputs:
  label: "${{ steps.label.outputs.value }}"
)";

const std::vector<std::string> kPureStory{
    "run.created",        "run.started",          "step.started normalise", "step.succeeded normalise",
    "step.started label", "step.succeeded label", "run.succeeded"};

class NodeSubmit : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !test::postgres_unavailable_reason().empty()) {
      GTEST_SKIP() << "\n\n*** " << test::postgres_unavailable_reason() << " ***\n";
    }
    url_ = test::fresh_database(GetParam());
    // A write held up by another program's lock fails soon (the failure test).
    ::setenv("LINKHUB_SQLITE_BUSY_TIMEOUT_MS", "200", 1);
    auto store = SqlStore::open(url_);
    ::unsetenv("LINKHUB_SQLITE_BUSY_TIMEOUT_MS");
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
    Compiled compiled = compile_workflow(kPure, ::testing::TempDir() + "/pure.yaml", builtin_plugins());
    ASSERT_TRUE(compiled.ok()) << compiled.first_problem();
    auto hash = register_workflow(*store_, *compiled.workflow);
    ASSERT_TRUE(hash.ok()) << hash.error().message;
    hash_ = *hash;
  }

  ExecutorOptions executor_options() const {
    ExecutorOptions o;
    o.threads = 2;
    o.artifact_dir = ::testing::TempDir() + "/node-submit-artifacts";
    return o;
  }

  RunRecord trigger(const std::string& sku, const std::string& key = "") const {
    RunRecord run;
    run.workflow = "pure";
    run.workflow_hash = hash_;
    run.inputs = Json{{"sku", sku}};
    run.idempotency_key = key;
    return run;
  }

  // submit() as an HTTP ?wait makes it, and the commits it took (SQLite).
  RunRecord submit_waiting(Node& node, RunRecord run, uint64_t& commits) {
    const uint64_t before = store_->database().commits();
    RunRecord made;
    {
      Executor::RunPureStepsHere here;
      made = node.submit(std::move(run));
    }
    commits = store_->database().commits() - before;
    return made;
  }

  std::vector<std::string> story(const std::string& run_id) const {
    std::vector<std::string> seen;
    for (const auto& e : store_->get_events(run_id, 0, 1000)) {
      seen.push_back(e.type + (e.step_id.empty() ? "" : " " + e.step_id));
    }
    return seen;
  }

  bool sqlite() const { return GetParam() == "sqlite"; }

  std::string url_;
  std::unique_ptr<SqlStore> store_;
  std::string hash_;
};

TEST_P(NodeSubmit, AWaitingTriggersRunOfPureStepsIsStoredWholeInOneCommitOnSqlite) {
  Node node(builtin_plugins(), *store_, executor_options(), NodeOptions{});
  uint64_t commits = 0;
  const RunRecord made = submit_waiting(node, trigger("SKU-42"), commits);
  ASSERT_FALSE(made.id.empty());
  auto stored = store_->get_run(made.id);
  ASSERT_TRUE(stored.has_value()) << "the run is stored when submit returns";
  EXPECT_EQ(stored->status, RunStatus::Succeeded) << stored->error;
  EXPECT_EQ(stored->outputs, (Json{{"label", "sku-sku-42"}}));
  EXPECT_EQ(stored->inputs, (Json{{"sku", "SKU-42"}}));
  EXPECT_EQ(stored->lease_epoch, 1);
  EXPECT_GT(stored->created_ms, 0);
  EXPECT_GT(stored->started_ms, 0);
  EXPECT_EQ(story(made.id), kPureStory) << "every event, in order, numbered from the run's creation";
  EXPECT_EQ(store_->get_steps(made.id).size(), 2u);
  if (sqlite()) {
    EXPECT_EQ(commits, 1u) << "created, started, its steps and its end: one transaction";
  }
  EXPECT_EQ(node.stats().submitted, 1u);
}

TEST_P(NodeSubmit, WithAnIdempotencyKeyTheRunIsCreatedFirstAndTheKeyHolds) {
  Node node(builtin_plugins(), *store_, executor_options(), NodeOptions{});
  uint64_t commits = 0;
  const RunRecord first = submit_waiting(node, trigger("SKU-1", "order-1"), commits);
  EXPECT_EQ(store_->get_run(first.id)->status, RunStatus::Succeeded);
  if (sqlite()) {
    EXPECT_EQ(commits, 2u) << "whether the key was used is read first: the run is created in its own commit";
  }
  const RunRecord again = submit_waiting(node, trigger("SKU-2", "order-1"), commits);
  EXPECT_EQ(again.id, first.id) << "the key names the run it made";
  EXPECT_EQ(store_->get_run(first.id)->outputs, (Json{{"label", "sku-sku-1"}}));
  EXPECT_EQ(story(first.id), kPureStory);
}

TEST_P(NodeSubmit, ARunWhoseWritesFailIsNotAcknowledgedAndLeavesNoTrace) {
  if (!sqlite()) {
    GTEST_SKIP() << "a lock held by another program is how a SQLite file stops taking writes";
  }
  Node node(builtin_plugins(), *store_, executor_options(), NodeOptions{});
  const size_t runs_before = store_->list_runs(1000).size();
  {
    soci::session locker(*soci::factory_sqlite3(), url_);
    locker << "BEGIN EXCLUSIVE";
    uint64_t commits = 0;
    try {
      const RunRecord made = submit_waiting(node, trigger("SKU-lost"), commits);
      ADD_FAILURE() << "run " << made.id << " was acknowledged while nothing could be written";
    } catch (const DatabaseUnavailable& e) {
      EXPECT_NE(std::string(e.what()).find("could not be stored"), std::string::npos) << e.what();
    }
    locker << "COMMIT";
  }
  EXPECT_EQ(store_->list_runs(1000).size(), runs_before) << "nothing of the run was kept";
  uint64_t commits = 0;
  const RunRecord next = submit_waiting(node, trigger("SKU-next"), commits);
  EXPECT_EQ(store_->get_run(next.id)->status, RunStatus::Succeeded) << "the node goes on";
  EXPECT_EQ(story(next.id), kPureStory);
  EXPECT_EQ(node.stats().submitted, 1u) << "the run that was not stored does not count";
  EXPECT_EQ(node.stats().failed_writes, 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, NodeSubmit, ::testing::ValuesIn(test::all_sql_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace linkhub
