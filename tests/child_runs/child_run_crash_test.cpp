// A real `linkhub run` is killed (SIGKILL) while its workflow.start step
// waits for the child run it started, in the middle of the child's step;
// `linkhub runs resume` then finishes both. The parent step runs again with
// the same idempotency key and must find its child, not start a second one;
// the child's effect exists once. On SQLite and on PostgreSQL.
#include "child_process.hpp"
#include "test_databases.hpp"

#include <linkhub/engine/sql_store.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>

namespace linkhub {
namespace {

namespace fs = std::filesystem;

constexpr const char* kParent = R"(name: crash-parent
steps:
  - id: start
    uses: workflow.start
    with:
      workflow: crash-child
      inputs: { label: once }
      wait: true
outputs:
  run_id: "${{ steps.start.outputs.run_id }}"
  started: "${{ steps.start.outputs.started }}"
  label: "${{ steps.start.outputs.outputs.label }}"
)";

constexpr const char* kChild = R"(name: crash-child
inputs:
  label: { type: string, required: true }
steps:
  - id: mark
    uses: effects.record
    with: { label: "${{ inputs.label }}" }
outputs:
  label: "${{ steps.mark.outputs.label }}"
)";

class ChildRunCrashTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !test::postgres_unavailable_reason().empty()) {
      GTEST_SKIP() << "\n\n*** " << test::postgres_unavailable_reason() << " ***\n";
    }
    db_ = test::fresh_database(GetParam());
    ASSERT_FALSE(db_.empty());
    dir_ = fs::path(::testing::TempDir()) / ("child-crash-" + GetParam() + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "crash-parent.yaml") << kParent;
    std::ofstream(dir_ / "crash-child.yaml") << kChild;
    // A short lease: the resuming process takes the dead one's runs over soon.
    std::ofstream(dir_ / "linkhub.yaml") << "lease: 1s\nartifact_dir: artifacts\nplugins:\n  effects:\n    dir: "
                                         << (dir_ / "out").string() << "\n";
  }

  std::vector<std::string> linkhub(std::vector<std::string> args) const {
    std::vector<std::string> argv{LINKHUB_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--db", db_, "--config", (dir_ / "linkhub.yaml").string(), "--plugin-dir",
                             LINKHUB_EFFECTS_PLUGIN_DIR});
    return argv;
  }

  std::string db_;
  fs::path dir_;
};

TEST_P(ChildRunCrashTest, ResumedParentStepFindsItsChildInsteadOfStartingAnother) {
  std::string parent_id;
  {
    // Dies when the child's step starts: the parent's step has started the
    // child and is waiting for it, its success not yet recorded.
    test::ChildProcess first(linkhub({"run", (dir_ / "crash-parent.yaml").string()}),
                             {{"LINKHUB_FAULT_KILL_AT", "step.started:mark"}}, dir_.string());
    auto header = first.read_until("run ");
    ASSERT_TRUE(header.has_value()) << first.transcript();
    parent_id = header->substr(header->find("run ") + 4);
    auto status = first.wait();
    ASSERT_EQ(status.signal, SIGKILL) << first.transcript();
  }
  {
    auto store = SqlStore::open(db_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    RunFilter children;
    children.workflow = "crash-child";
    ASSERT_EQ((*store)->list_runs(children).size(), 1u) << "the child was started before the kill";
  }

  test::ChildProcess second(linkhub({"runs", "resume", parent_id, "--format", "json"}), {}, dir_.string());
  auto status = second.wait();
  ASSERT_TRUE(status.exited) << second.transcript();
  ASSERT_EQ(status.code, 0) << second.transcript();

  auto store = SqlStore::open(db_);
  ASSERT_TRUE(store.ok());
  auto parent = (*store)->get_run(parent_id);
  ASSERT_TRUE(parent.has_value());
  EXPECT_EQ(parent->status, RunStatus::Succeeded) << parent->error;
  // The step ran again (attempt 2) and found the run the first attempt started.
  EXPECT_EQ(parent->outputs["started"], false) << parent->outputs.dump();
  EXPECT_EQ(parent->outputs["label"], "once");
  RunFilter children;
  children.workflow = "crash-child";
  const auto runs = (*store)->list_runs(children);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(parent->outputs["run_id"], runs[0].id);
  EXPECT_EQ(runs[0].status, RunStatus::Succeeded) << runs[0].error;
  // The child's step has its effect once (it may have executed twice: at least once).
  size_t effects = 0;
  for (const auto& entry : fs::directory_iterator(dir_ / "out" / "effects")) {
    (void)entry;
    ++effects;
  }
  EXPECT_EQ(effects, 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ChildRunCrashTest, ::testing::ValuesIn(test::all_sql_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace linkhub
