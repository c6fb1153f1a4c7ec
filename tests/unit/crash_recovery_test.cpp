// A real `linkhub run` is killed with SIGKILL at several points of a run;
// `linkhub runs resume` then finishes it. Every step's effect must exist
// exactly once per idempotency key, finished steps must not run again, and
// the step that was in flight runs again with the same key. On SQLite and on
// PostgreSQL.
#include "child_process.hpp"
#include "test_databases.hpp"

#include <linkhub/engine/sql_store.hpp>

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace linkhub {
namespace {

namespace fs = std::filesystem;

constexpr const char* kWorkflow = R"(name: crash-chain
steps:
  - id: a
    uses: effects.record
    with: { label: a }
  - id: b
    uses: effects.record
    needs: [a]
    with: { label: b, block: true }
  - id: fan
    uses: effects.record
    needs: [b]
    foreach: [1, 2, 3]
    concurrency: 1
    with: { label: "fan ${{ item }}" }
  - id: c
    uses: effects.record
    needs: [fan]
    with: { label: c }
outputs:
  last: "${{ steps.c.outputs.label }}"
)";

// Where the first process dies.
struct KillPoint {
  std::string name;
  std::string fault;      // LINKHUB_FAULT_KILL_AT, or empty to kill from outside
  std::string in_flight;  // the key expected to execute twice ("" = none)
};

struct Param {
  std::string backend;
  KillPoint point;
};

void PrintTo(const Param& p, std::ostream* os) {
  *os << p.point.name << " on " << p.backend;
}

class CrashRecoveryTest : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    if (GetParam().backend == "postgres" && !test::postgres_unavailable_reason().empty()) {
      GTEST_SKIP() << "\n\n*** " << test::postgres_unavailable_reason() << " ***\n";
    }
    db_ = test::fresh_database(GetParam().backend);
    ASSERT_FALSE(db_.empty());
    dir_ = fs::path(::testing::TempDir()) /
           ("crash-" + GetParam().point.name + "-" + GetParam().backend + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "crash.yaml") << kWorkflow;
    // A short lease: the resuming process takes the dead one's run over soon.
    std::ofstream(dir_ / "linkhub.yaml") << "lease: 1s\nartifact_dir: artifacts\nplugins:\n  effects:\n    dir: "
                                         << (dir_ / "out").string() << "\n";
  }

  std::vector<std::string> linkhub(std::vector<std::string> args) {
    std::vector<std::string> argv{LINKHUB_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    for (const char* extra : {"--db", "--config", "--plugin-dir"}) {
      argv.push_back(extra);
      argv.push_back(std::string(extra) == "--db"       ? db_
                     : std::string(extra) == "--config" ? (dir_ / "linkhub.yaml").string()
                                                        : std::string(LINKHUB_EFFECTS_PLUGIN_DIR));
    }
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

TEST_P(CrashRecoveryTest, ResumedRunFinishesWithEveryEffectOnce) {
  const KillPoint& point = GetParam().point;
  std::string run_id;
  {
    std::map<std::string, std::string> env;
    if (!point.fault.empty()) {
      env["LINKHUB_FAULT_KILL_AT"] = point.fault;
    } else {
      env["LINKHUB_EFFECTS_BLOCK"] = "1";  // only this process blocks in b
    }
    test::ChildProcess first(linkhub({"run", (dir_ / "crash.yaml").string()}), env, dir_.string());
    auto header = first.read_until("run ");
    ASSERT_TRUE(header.has_value()) << first.transcript();
    run_id = header->substr(header->find("run ") + 4);
    if (point.fault.empty()) {
      // Kill it while step b runs: b says so in its log line.
      ASSERT_TRUE(first.read_until("blocking").has_value()) << first.transcript();
      first.kill(SIGKILL);
    }
    auto status = first.wait();
    ASSERT_EQ(status.signal, SIGKILL) << first.transcript();
  }
  {
    auto store = SqlStore::open(db_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto run = (*store)->get_run(run_id);
    ASSERT_TRUE(run.has_value()) << "the killed process lost its run";
    EXPECT_TRUE(run->status == RunStatus::Queued || run->status == RunStatus::Running);
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
  EXPECT_EQ(run->outputs, (Json{{"last", "c"}}));

  // Every key has its effect exactly once.
  const std::vector<std::string> keys = {run_id + "/a",     run_id + "/b",     run_id + "/fan/0",
                                         run_id + "/fan/1", run_id + "/fan/2", run_id + "/c"};
  size_t effects = 0;
  for (const auto& entry : fs::directory_iterator(dir_ / "out" / "effects")) {
    (void)entry;
    ++effects;
  }
  EXPECT_EQ(effects, keys.size());
  // Finished steps did not run again; the one in flight did, with the same key.
  const auto count = executions();
  for (const auto& key : keys) {
    const int expected = key == run_id + point.in_flight ? 2 : 1;
    EXPECT_EQ(count.count(key) ? count.at(key) : 0, expected) << key;
  }
  // The resumed run says what it kept.
  bool resumed = false;
  for (const auto& e : (*store)->get_events(run_id, 0, 10000)) {
    resumed = resumed || e.type == "run.resumed";
  }
  EXPECT_TRUE(resumed);
}

std::vector<Param> params() {
  const std::vector<KillPoint> points = {
      {"before_any_step", "run.started", ""},
      {"while_b_runs", "", "/b"},
      {"after_a_before_b", "step.succeeded:a", ""},
      {"after_an_item", "item.succeeded:fan", ""},
  };
  std::vector<Param> out;
  for (const auto& backend : test::all_sql_backends()) {
    for (const auto& p : points) {
      out.push_back({backend, p});
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(KillPoints, CrashRecoveryTest, ::testing::ValuesIn(params()),
                         [](const auto& info) { return info.param.point.name + "_" + info.param.backend; });

}  // namespace
}  // namespace linkhub
