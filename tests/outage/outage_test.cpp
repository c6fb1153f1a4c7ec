// A node survives its database: real `linkhub worker` processes and a
// `linkhub serve --no-worker` under a steady load of triggers lose their
// database and get it back.
//  - PostgreSQL: a private cluster of this test (never LINKHUB_TEST_PG's
//    shared server) restarted with `pg_ctl restart -m immediate`, then stopped
//    (/readyz and triggers answer 503 database_unreachable with Retry-After)
//    and started again.
//  - SQLite: the file made unwritable by another connection holding
//    `BEGIN EXCLUSIVE` past the nodes' busy timeout (a lock stops writers even
//    when the tests run as root, where chmod does not), then released.
// Every process must still be running and serving, every acknowledged
// trigger must be one finished run, and no answer may be a 500.
#include "child_process.hpp"
#include "http_client.hpp"
#include "private_postgres.hpp"
#include "test_databases.hpp"

#include <linkhub/engine/sql_store.hpp>

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

namespace linkhub {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* kWorkflow = R"(name: outage
steps:
  - id: a
    uses: effects.record
    with: { label: a }
  - id: b
    uses: effects.record
    needs: [a]
    with: { label: b }
  - id: c
    uses: effects.record
    needs: [b]
    with: { label: c }
)";

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The answer's error code, or "" (whatever the body is).
std::string error_code(const test::HttpAnswer& answer) {
  const auto body = answer.json();
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) {
    return "";
  }
  return body["error"].value("code", "");
}

// Running, not a zombie: /proc/<pid>/stat's state.
bool running(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) {
    return false;
  }
  const auto paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

// Triggers runs with idempotency keys one after another on one connection,
// as a client would: a 503 is retried with the same key after a pause.
class Load {
 public:
  Load(uint16_t port, std::string key) : port_(port), api_key_(std::move(key)) {
    thread_ = std::thread([this] { loop(); });
  }
  ~Load() { stop(); }

  void stop() {
    stopping_ = true;
    if (thread_.joinable()) {
      thread_.join();
    }
  }

  // Waits (bounded) until `n` triggers were acknowledged in all.
  bool wait_acked(size_t n, std::chrono::seconds limit) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, limit, [&] { return acked_.size() >= n; });
  }
  bool wait_unavailable(std::chrono::seconds limit) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, limit, [&] { return unavailable_ > 0; });
  }
  size_t acked() {
    std::lock_guard lock(mutex_);
    return acked_.size();
  }
  std::map<std::string, std::string> acked_runs() {
    std::lock_guard lock(mutex_);
    return acked_;
  }
  size_t unavailable() {
    std::lock_guard lock(mutex_);
    return unavailable_;
  }
  std::vector<std::string> unexpected() {
    std::lock_guard lock(mutex_);
    return unexpected_;
  }
  // When the first acknowledgement after `since` came.
  std::optional<Clock::time_point> first_ack_after(Clock::time_point since) {
    std::lock_guard lock(mutex_);
    for (const auto& t : ack_times_) {
      if (t >= since) {
        return t;
      }
    }
    return std::nullopt;
  }

 private:
  void loop() {
    test::HttpClient client(port_);
    client.set_default_headers({{"Authorization", "Bearer " + api_key_}});
    for (int i = 0; !stopping_ && i < 100000; ++i) {
      const std::string key = "outage-" + std::to_string(i);
      for (int attempt = 0; attempt < 2000 && !stopping_; ++attempt) {
        test::HttpAnswer answer;
        try {
          answer = client.post_json("/api/v1/workflows/outage/runs", "{}", {{"Idempotency-Key", key}});
        } catch (const std::exception& e) {
          std::lock_guard lock(mutex_);
          unexpected_.push_back(key + ": no answer: " + e.what());
          continue;
        }
        if (record(key, answer)) {
          break;
        }
        // A client pauses before trying again (Retry-After asks for a second; a shorter pause measures better).
        std::this_thread::sleep_for(50ms);
      }
    }
  }

  // True when the trigger was acknowledged.
  bool record(const std::string& key, const test::HttpAnswer& answer) {
    std::lock_guard lock(mutex_);
    if (answer.status == 202 || answer.status == 200 || answer.status == 201) {
      const auto body = answer.json();
      acked_[key] = body.is_object() ? body.value("run_id", "") : "";
      ack_times_.push_back(Clock::now());
      cv_.notify_all();
      return true;
    }
    if (answer.status == 503 && error_code(answer) == "database_unreachable" && !answer.header("retry-after").empty()) {
      ++unavailable_;
      cv_.notify_all();
    } else {
      unexpected_.push_back(key + ": " + std::to_string(answer.status) + " " + answer.body +
                            " retry-after=" + answer.header("retry-after"));
    }
    return false;
  }

  uint16_t port_;
  std::string api_key_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::string, std::string> acked_;  // key -> run id
  std::vector<Clock::time_point> ack_times_;
  size_t unavailable_ = 0;
  std::vector<std::string> unexpected_;
  std::thread thread_;
};

class Outage : public ::testing::Test {
 protected:
  void prepare(const std::string& db, const std::string& name) {
    db_ = db;
    // The load is one client as fast as it can go: no rate limit in the way.
    env_["LINKHUB_RATE_LIMIT_REQUESTS_PER_SECOND"] = "100000";
    env_["LINKHUB_RATE_LIMIT_BURST"] = "100000";
    dir_ = fs::path(::testing::TempDir()) / ("outage-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "workflows");
    std::ofstream(dir_ / "workflows" / "outage.yaml") << kWorkflow;
    std::ofstream(dir_ / "linkhub.yaml") << "lease: 2s\nartifact_dir: artifacts\nplugins:\n  effects:\n    dir: "
                                         << (dir_ / "out").string() << "\n";
    test::ChildProcess keys({LINKHUB_BINARY, "keys", "create", "--role", "operator", "--db", db_}, {}, dir_.string());
    const auto line = keys.read_until("lhk_");
    ASSERT_TRUE(line.has_value()) << keys.transcript();
    ASSERT_EQ(keys.wait().code, 0) << keys.transcript();
    key_ = *line;
  }

  // A linkhub process whose output goes to its own log file (a pipe nobody
  // reads would fill up under load).
  std::unique_ptr<test::ChildProcess> start(const std::string& log, std::vector<std::string> args) {
    std::vector<std::string> argv{"/bin/sh", "-c", "exec \"$0\" \"$@\" >>" + (dir_ / log).string() + " 2>&1",
                                  LINKHUB_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    for (const std::string& a : std::vector<std::string>{"--db", db_, "--config", (dir_ / "linkhub.yaml").string(),
                                                         "--plugin-dir", std::string(LINKHUB_EFFECTS_PLUGIN_DIR)}) {
      argv.push_back(a);
    }
    return std::make_unique<test::ChildProcess>(argv, env_, dir_.string());
  }

  void start_cluster() {
    launch_cluster();
    wait_for_port();
  }

  void launch_cluster() {
    workers_.push_back(start("worker-1.log", {"worker", "--name", "w1", "--threads", "2"}));
    workers_.push_back(start("worker-2.log", {"worker", "--name", "w2", "--threads", "2"}));
    serve_ = start("serve.log", {"serve", "--no-worker", "--listen", "127.0.0.1:0", "--workflows",
                                 (dir_ / "workflows").string(), "--threads", "2"});
  }

  // Bounded polling of a process's log for a line holding `text`, while the process runs.
  bool wait_for_log(const std::string& name, const test::ChildProcess& child, const std::string& text) {
    for (int i = 0; i < 600; ++i) {
      if (read_file(dir_ / name).find(text) != std::string::npos) {
        return true;
      }
      if (!running(child.pid())) {
        return false;
      }
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  void wait_for_port() {
    // Bounded polling of the log for the line that names the port.
    for (int i = 0; i < 600 && port_ == 0; ++i) {
      std::istringstream lines(read_file(dir_ / "serve.log"));
      for (std::string line; std::getline(lines, line);) {
        if (line.find("serve.listening") != std::string::npos) {
          port_ = Json::parse(line)["port"].get<uint16_t>();
        }
      }
      if (port_ == 0) {
        ASSERT_TRUE(running(serve_->pid())) << read_file(dir_ / "serve.log");
        std::this_thread::sleep_for(50ms);
      }
    }
    ASSERT_GT(port_, 0) << read_file(dir_ / "serve.log");
  }

  test::HttpAnswer readyz() {
    test::HttpClient client(port_);
    return client.get("/readyz");
  }

  // /readyz until it answers `status` (bounded).
  test::HttpAnswer wait_readyz(int status) {
    test::HttpAnswer answer;
    for (int i = 0; i < 400; ++i) {
      answer = readyz();
      if (answer.status == status) {
        break;
      }
      std::this_thread::sleep_for(50ms);
    }
    return answer;
  }

  std::string logs() {
    std::string out;
    for (const char* name : {"worker-1.log", "worker-2.log", "serve.log"}) {
      const std::string text = read_file(dir_ / name);
      out += std::string("---- ") + name + " (last 3000 characters)\n" +
             (text.size() > 3000 ? text.substr(text.size() - 3000) : text);
    }
    return out;
  }

  // Every acknowledged trigger is one run that finishes (bounded wait), and
  // every process is still running; then each stops cleanly on SIGTERM.
  void check_nothing_lost(Load& load) {
    load.stop();
    EXPECT_TRUE(load.unexpected().empty())
        << "answers other than 2xx and 503 database_unreachable: " << load.unexpected().front() << "\n"
        << logs();
    auto store = SqlStore::open(db_, 1);
    ASSERT_TRUE(static_cast<bool>(store)) << store.error().message;
    const auto acked = load.acked_runs();
    size_t unfinished = acked.size();
    std::string last_problem;
    for (int round = 0; round < 600 && unfinished > 0; ++round) {
      unfinished = 0;
      for (const auto& [key, id] : acked) {
        auto run = (*store)->get_run(id);
        if (!run) {
          last_problem = "acknowledged run " + id + " (" + key + ") is not in the database";
          ++unfinished;
        } else if (run->idempotency_key != key) {
          last_problem = "run " + id + " has key " + run->idempotency_key + ", acknowledged for " + key;
          ++unfinished;
        } else if (run->status != RunStatus::Succeeded) {
          last_problem = "run " + id + " is " + std::string(to_string(run->status)) + " " + run->error;
          ++unfinished;
        }
      }
      if (unfinished > 0) {
        std::this_thread::sleep_for(200ms);
      }
    }
    EXPECT_EQ(unfinished, 0u) << last_problem << "\n" << logs();
    for (auto* child : {workers_[0].get(), workers_[1].get(), serve_.get()}) {
      EXPECT_TRUE(running(child->pid())) << logs();
    }
    EXPECT_EQ(logs().find("terminate called"), std::string::npos) << logs();
    for (auto* child : {workers_[0].get(), workers_[1].get(), serve_.get()}) {
      child->kill(SIGTERM);
      const auto status = child->wait();
      EXPECT_TRUE(status.exited && status.code == 0) << "signal " << status.signal << "\n" << logs();
    }
  }

  // Two workers and serve --no-worker started while `pg` is down: each says it waits.
  void launch_while_postgres_is_down(test::PrivatePostgres& pg, const std::string& name) {
    ASSERT_FALSE(pg.url().empty()) << pg.error();
    ASSERT_NO_FATAL_FAILURE(prepare(pg.url(), name));
    ASSERT_TRUE(pg.stop_immediate());
    launch_cluster();
    EXPECT_TRUE(wait_for_log("worker-1.log", *workers_[0], "waiting for the database")) << logs();
    EXPECT_TRUE(wait_for_log("worker-2.log", *workers_[1], "waiting for the database")) << logs();
    EXPECT_TRUE(wait_for_log("serve.log", *serve_, "waiting for the database")) << logs();
  }

  // A passing test leaves nothing behind; a failing one keeps its folder
  // (the processes' logs) for whoever looks into it.
  void TearDown() override {
    workers_.clear();
    serve_.reset();
    if (!dir_.empty() && !HasFailure()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  std::string db_, key_;
  fs::path dir_;
  std::map<std::string, std::string> env_;
  std::vector<std::unique_ptr<test::ChildProcess>> workers_;
  std::unique_ptr<test::ChildProcess> serve_;
  uint16_t port_ = 0;
};

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

TEST_F(Outage, PostgresRestartedAndStoppedUnderLoadLosesNothingAndEveryNodeServesAgain) {
  if (const auto why = test::PrivatePostgres::unavailable_reason(); !why.empty()) {
    GTEST_SKIP() << "\n\n*** " << why << " ***\n";
  }
  test::PrivatePostgres pg;
  ASSERT_FALSE(pg.url().empty()) << pg.error();
  ASSERT_NO_FATAL_FAILURE(prepare(pg.url(), "pg"));
  ASSERT_NO_FATAL_FAILURE(start_cluster());
  Load load(port_, key_);
  ASSERT_TRUE(load.wait_acked(20, 120s)) << logs();

  // 1. A crash-like restart while runs are in flight.
  const auto restart_began = Clock::now();
  ASSERT_TRUE(pg.restart_immediate());
  const auto restarted = Clock::now();
  const size_t before = load.acked();
  ASSERT_TRUE(load.wait_acked(before + 20, 120s)) << "triggers were not acknowledged again\n" << logs();
  if (auto first = load.first_ack_after(restarted)) {
    std::printf(
        "[ measured ] pg_ctl restart -m immediate took %.0f ms; first trigger acknowledged %.0f ms after it "
        "returned\n",
        ms_between(restart_began, restarted), ms_between(restarted, *first));
  }

  // 2. The database away for a while: /readyz and triggers say so, with Retry-After.
  ASSERT_TRUE(pg.stop_immediate());
  const auto stopped = Clock::now();
  const auto down = wait_readyz(503);
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(error_code(down), "database_unreachable") << down.body;
  EXPECT_FALSE(down.header("retry-after").empty());
  EXPECT_TRUE(load.wait_unavailable(60s)) << "no trigger was answered 503 database_unreachable\n" << logs();
  ASSERT_TRUE(pg.start());
  const auto started = Clock::now();
  EXPECT_EQ(wait_readyz(200).status, 200) << logs();
  const auto ready = Clock::now();
  const size_t after_stop = load.acked();
  ASSERT_TRUE(load.wait_acked(after_stop + 20, 120s)) << logs();
  std::printf(
      "[ measured ] database stopped for %.0f ms; /readyz 200 again %.0f ms after pg_ctl start returned; "
      "%zu triggers answered 503 database_unreachable in all\n",
      ms_between(stopped, started), ms_between(started, ready), load.unavailable());

  check_nothing_lost(load);
  std::printf("[ measured ] %zu acknowledged runs, all finished\n", load.acked());
}

// Nodes that start before their database (a host booting, a database
// restarting while they deploy) wait for it, saying so, instead of exiting;
// once it is up they serve as if it had been there all along.
TEST_F(Outage, NodesStartedBeforeTheirDatabaseWaitForItAndThenServe) {
  if (const auto why = test::PrivatePostgres::unavailable_reason(); !why.empty()) {
    GTEST_SKIP() << "\n\n*** " << why << " ***\n";
  }
  test::PrivatePostgres pg;
  ASSERT_NO_FATAL_FAILURE(launch_while_postgres_is_down(pg, "pg-late"));
  ASSERT_TRUE(pg.start());
  ASSERT_NO_FATAL_FAILURE(wait_for_port());
  Load load(port_, key_);
  ASSERT_TRUE(load.wait_acked(20, 120s)) << logs();
  check_nothing_lost(load);
}

// A node asked to stop while it waits for its database stops (exit 0), as
// it would once serving: a deploy that gives up on a database still down
// must not find its nodes killed by their own SIGTERM.
TEST_F(Outage, NodesWaitingForTheirDatabaseStopOnSigtermAndExitZero) {
  if (const auto why = test::PrivatePostgres::unavailable_reason(); !why.empty()) {
    GTEST_SKIP() << "\n\n*** " << why << " ***\n";
  }
  test::PrivatePostgres pg;
  ASSERT_NO_FATAL_FAILURE(launch_while_postgres_is_down(pg, "pg-never"));
  for (auto* child : {workers_[0].get(), workers_[1].get(), serve_.get()}) {
    child->kill(SIGTERM);
    const auto status = child->wait();
    EXPECT_TRUE(status.exited && status.code == 0) << "signal " << status.signal << "\n" << logs();
  }
  EXPECT_NE(logs().find("stopped by SIGTERM while waiting for the database"), std::string::npos) << logs();
}

TEST_F(Outage, SqliteLockedPastTheBusyTimeoutUnderLoadLosesNothingAndEveryNodeServesAgain) {
  ASSERT_NO_FATAL_FAILURE(prepare(test::fresh_database("sqlite"), "sqlite"));
  env_["LINKHUB_SQLITE_BUSY_TIMEOUT_MS"] = "300";
  ASSERT_NO_FATAL_FAILURE(start_cluster());
  Load load(port_, key_);
  ASSERT_TRUE(load.wait_acked(20, 120s)) << logs();

  {
    // Another program takes the write lock and keeps it until triggers are
    // refused; readers (and /readyz) still read in WAL mode.
    soci::session locker(*soci::factory_sqlite3(), db_);
    locker << "PRAGMA busy_timeout=60000";
    locker << "BEGIN EXCLUSIVE";
    const auto locked = Clock::now();
    EXPECT_TRUE(load.wait_unavailable(60s)) << "no trigger was answered 503 database_unreachable\n" << logs();
    std::printf("[ measured ] first 503 database_unreachable %.0f ms after the lock was taken\n",
                ms_between(locked, Clock::now()));
    locker << "COMMIT";
  }
  const auto released = Clock::now();
  const size_t before = load.acked();
  ASSERT_TRUE(load.wait_acked(before + 20, 120s)) << logs();
  if (auto first = load.first_ack_after(released)) {
    std::printf("[ measured ] first trigger acknowledged %.0f ms after the lock was released\n",
                ms_between(released, *first));
  }
  check_nothing_lost(load);
  std::printf("[ measured ] %zu acknowledged runs, all finished; %zu answers 503 database_unreachable\n", load.acked(),
              load.unavailable());
}

}  // namespace
}  // namespace linkhub
