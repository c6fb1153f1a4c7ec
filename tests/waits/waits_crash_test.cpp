// A real `linkhub run` is killed with SIGKILL while its run waits in
// core.wait_for: once just after the wait was registered (the run still
// leased to the dead process), once after the run was parked. The event is
// then delivered from another connection and a fresh process resumes the
// run: it finishes exactly once, every effect exists once per key, and the
// step after the wait sees the payload. On SQLite and on PostgreSQL.
#include "child_process.hpp"
#include "test_databases.hpp"

#include <linkhub/engine/sql_store.hpp>
#include <linkhub/engine/waits.hpp>

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>

namespace linkhub {
namespace {

namespace fs = std::filesystem;

constexpr const char* kWorkflow = R"(name: crash-wait
inputs:
  from: { type: string, default: "4915550002" }
steps:
  - id: greet
    uses: effects.record
    with: { label: greet }
  - id: answer
    uses: core.wait_for
    needs: [greet]
    with: { key: "wa:${{ inputs.from }}", timeout: 1h }
  - id: order
    uses: effects.record
    needs: [answer]
    with: { label: "order ${{ steps.answer.outputs.event.quantity }}" }
outputs:
  order: "${{ steps.order.outputs.label }}"
)";

struct Param {
  std::string backend;
  std::string name;
  std::string fault;  // LINKHUB_FAULT_KILL_AT
};

void PrintTo(const Param& p, std::ostream* os) {
  *os << p.name << " on " << p.backend;
}

class WaitCrashTest : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    if (GetParam().backend == "postgres" && !test::postgres_unavailable_reason().empty()) {
      GTEST_SKIP() << "\n\n*** " << test::postgres_unavailable_reason() << " ***\n";
    }
    db_ = test::fresh_database(GetParam().backend);
    ASSERT_FALSE(db_.empty());
    dir_ = fs::path(::testing::TempDir()) /
           ("wait-crash-" + GetParam().name + "-" + GetParam().backend + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "wait.yaml") << kWorkflow;
    // A short lease: a run the dead process still leased moves on soon.
    std::ofstream(dir_ / "linkhub.yaml") << "lease: 1s\nartifact_dir: artifacts\nplugins:\n  effects:\n    dir: "
                                         << (dir_ / "out").string() << "\n";
  }

  std::vector<std::string> linkhub(std::vector<std::string> args) {
    std::vector<std::string> argv{LINKHUB_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--db", db_, "--config", (dir_ / "linkhub.yaml").string(), "--plugin-dir",
                             std::string(LINKHUB_EFFECTS_PLUGIN_DIR)});
    return argv;
  }

  std::map<std::string, int> executions() const {
    std::map<std::string, int> count;
    std::ifstream in(dir_ / "out" / "executions.log");
    for (std::string line; std::getline(in, line);) {
      ++count[line.substr(0, line.find(' '))];
    }
    return count;
  }

  std::string db_;
  fs::path dir_;
};

TEST_P(WaitCrashTest, AKilledNodeLosesNothingAndTheDeliveredEventFinishesTheRunOnce) {
  std::string run_id;
  {
    test::ChildProcess first(linkhub({"run", (dir_ / "wait.yaml").string()}),
                             {{"LINKHUB_FAULT_KILL_AT", GetParam().fault}}, dir_.string());
    auto header = first.read_until("run ");
    ASSERT_TRUE(header.has_value()) << first.transcript();
    run_id = header->substr(header->find("run ") + 4);
    auto status = first.wait();
    ASSERT_EQ(status.signal, SIGKILL) << first.transcript();
  }
  {
    // Another node (this process) receives the customer's answer.
    auto store = SqlStore::open(db_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto run = (*store)->get_run(run_id);
    ASSERT_TRUE(run.has_value()) << "the killed process lost its run";
    EXPECT_TRUE(run->status == RunStatus::Waiting || run->status == RunStatus::Running) << to_string(run->status);
    auto delivered = deliver_event(**store, "wa:4915550002", Json{{"quantity", 2}});
    ASSERT_TRUE(delivered.ok()) << delivered.error().message;
    EXPECT_TRUE(delivered->delivered) << "the wait survived the kill";
    EXPECT_EQ(delivered->run_id, run_id);
  }

  test::ChildProcess second(linkhub({"runs", "resume", run_id, "--format", "json"}), {}, dir_.string());
  auto status = second.wait();
  ASSERT_TRUE(status.exited) << second.transcript();
  ASSERT_EQ(status.code, 0) << second.transcript();

  auto store = SqlStore::open(db_);
  ASSERT_TRUE(store.ok());
  auto run = (*store)->get_run(run_id);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->status, RunStatus::Succeeded) << run->error;
  EXPECT_EQ(run->outputs, (Json{{"order", "order 2"}}));
  const auto count = executions();
  EXPECT_EQ(count.count(run_id + "/greet") ? count.at(run_id + "/greet") : 0, 1) << "the greeting ran again";
  EXPECT_EQ(count.count(run_id + "/order") ? count.at(run_id + "/order") : 0, 1);
  int ends = 0;
  for (const auto& e : (*store)->get_events(run_id, 0, 10000)) {
    ends += e.type == "run.succeeded" ? 1 : 0;
  }
  EXPECT_EQ(ends, 1) << "the run finished exactly once";
}

std::vector<Param> params() {
  std::vector<Param> out;
  for (const auto& backend : test::all_sql_backends()) {
    out.push_back({backend, "while_leased", "step.waiting:answer"});
    out.push_back({backend, "while_parked", "run.waiting"});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(KillPoints, WaitCrashTest, ::testing::ValuesIn(params()),
                         [](const auto& info) { return info.param.name + "_" + info.param.backend; });

}  // namespace
}  // namespace linkhub
