// Durable execution: runs queued in the SQL store and executed by nodes, as
// `linkhub worker` does, on SQLite and (with LINKHUB_TEST_PG set, e.g. after
// `scripts/pg.sh start`) PostgreSQL, with 1 and 3 nodes. Run:
//   LINKHUB_TEST_PG=postgresql://linkhub:linkhub@127.0.0.1:55432/linkhub build/bin/durable_bench
// Arguments of each benchmark: backend (0 = SQLite, 1 = PostgreSQL), nodes.
//   BM_Chain40        one run of a 40-step chain of no-op steps, trigger to finish
//   BM_Sequential3    3-step runs one after the other: trigger-to-finish latency
//   BM_Burst3         1,000 3-step runs triggered back to back: runs/s and latency under load;
//                     a third argument: how many clients trigger at once (as HTTP clients
//                     would), each sending its next trigger when the last was acknowledged,
//                     to the nodes in turn (as a load balancer would)
// Nodes are in this process, each with its own connection pool (as separate
// processes would be); SQLite databases are files in the temporary directory.
#include "builtin_plugins.hpp"
#include "test_databases.hpp"

#include <linkhub/engine/config.hpp>
#include <linkhub/engine/node.hpp>
#include <linkhub/engine/workflow.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace linkhub {
namespace {

using Clock = std::chrono::steady_clock;

std::string chain_yaml(const std::string& name, int steps) {
  std::string y = "name: " + name + "\nsteps:\n";
  for (int i = 0; i < steps; ++i) {
    y += "  - id: s" + std::to_string(i) + "\n    uses: core.transform\n    with: { value: " + std::to_string(i) +
         " }\n";
    if (i > 0) {
      y += "    needs: [s" + std::to_string(i - 1) + "]\n";
    }
  }
  return y;
}

// N nodes on one database, running until destroyed; records when each run finished.
class Cluster {
 public:
  Cluster(const std::string& url, int nodes, const Workflow& wf) {
    for (int i = 0; i < nodes; ++i) {
      auto store = SqlStore::open(url);
      if (!store) {
        error = store.error().message;
        return;
      }
      stores_.push_back(std::move(*store));
    }
    if (auto hash = register_workflow(*stores_[0], wf); !hash) {
      error = hash.error().message;
      return;
    } else {
      hash_ = *hash;
    }
    for (auto& store : stores_) {
      ExecutorOptions exec;
      exec.threads = Config{}.effective_threads();  // as `linkhub worker` without --threads
      exec.artifact_dir = "/tmp/linkhub-bench-artifacts";
      exec.on_event = [this](const EventRecord& e) {
        if (e.type.rfind("run.", 0) == 0 && e.type != "run.started" && e.type != "run.resumed") {
          std::lock_guard lock(mutex_);
          finished_[e.run_id] = Clock::now();
          ok_ = ok_ && e.type == "run.succeeded";
          cv_.notify_all();
        }
      };
      NodeOptions options;
      options.scheduler = false;
      if (const char* m = std::getenv("BENCH_MAX_RUNS"))
        options.max_runs = std::stoul(m);
      options.lease = std::chrono::milliseconds(15000);
      nodes_.push_back(std::make_unique<Node>(test::builtin_plugins(), *store, std::move(exec), options));
    }
    for (auto& node : nodes_) {
      threads_.emplace_back([&node] { node->run(); });
    }
  }

  ~Cluster() {
    for (auto& node : nodes_) {
      node->stop();
    }
    for (auto& t : threads_) {
      t.join();
    }
  }

  // Triggers a run as `linkhub serve` does: the workflow was registered once
  // (above), and the first node, which received the trigger, creates the run,
  // claimed by itself when it has room (Node::submit), queued otherwise.
  // Returns its id and when it was triggered.
  std::pair<std::string, Clock::time_point> trigger(const Workflow& wf, size_t node = 0) {
    const auto at = Clock::now();
    RunRecord rec;
    rec.workflow = wf.name;
    rec.workflow_version = wf.version;
    rec.workflow_hash = hash_;
    auto inputs = Executor::prepare_inputs(wf, Json::object());
    rec.inputs = inputs ? *inputs : Json::object();
    return {nodes_[node % nodes_.size()]->submit(std::move(rec)).id, at};
  }

  void wait_for(size_t finished) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return finished_.size() >= finished; });
  }

  double latency_ms(const std::string& id, Clock::time_point triggered) {
    std::lock_guard lock(mutex_);
    return std::chrono::duration<double, std::milli>(finished_.at(id) - triggered).count();
  }

  bool all_succeeded() {
    std::lock_guard lock(mutex_);
    return ok_;
  }

  std::string error;

 private:
  std::vector<std::unique_ptr<SqlStore>> stores_;
  std::string hash_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::string, Clock::time_point> finished_;
  bool ok_ = true;
};

std::string database(benchmark::State& state) {
  const std::string backend = state.range(0) == 0 ? "sqlite" : "postgres";
  std::string url = test::fresh_database(backend);
  if (url.empty()) {
    state.SkipWithError("PostgreSQL: set LINKHUB_TEST_PG (scripts/pg.sh start prints the URL)");
  }
  return url;
}

Workflow load(const std::string& yaml) {
  LoadResult r = load_workflow_text(yaml, "/tmp/bench.yaml");
  if (!r.workflow) {
    std::abort();
  }
  return *r.workflow;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// Triggers one run at a time and waits for it: trigger-to-finish latency.
void one_at_a_time(benchmark::State& state, const Workflow& wf) {
  const std::string url = database(state);
  if (url.empty()) {
    return;
  }
  Cluster cluster(url, static_cast<int>(state.range(1)), wf);
  if (!cluster.error.empty()) {
    state.SkipWithError(cluster.error.c_str());
    return;
  }
  std::vector<double> latencies;
  size_t done = 0;
  for (auto _ : state) {
    auto [id, at] = cluster.trigger(wf);
    cluster.wait_for(++done);
    const double ms = cluster.latency_ms(id, at);
    latencies.push_back(ms);
    state.SetIterationTime(ms / 1000);
  }
  state.counters["median_ms"] = median(latencies);
  state.counters["p99_ms"] = percentile(latencies, 0.99);
  if (!cluster.all_succeeded()) {
    state.SkipWithError("a run failed");
  }
}

void BM_Chain40(benchmark::State& state) {
  static const Workflow wf = load(chain_yaml("chain40", 40));
  one_at_a_time(state, wf);
}
BENCHMARK(BM_Chain40)->ArgsProduct({{0, 1}, {1, 3}})->Iterations(30)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_Sequential3(benchmark::State& state) {
  static const Workflow wf = load(chain_yaml("three", 3));
  one_at_a_time(state, wf);
}
BENCHMARK(BM_Sequential3)
    ->ArgsProduct({{0, 1}, {1, 3}})
    ->Iterations(1000)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void BM_Burst3(benchmark::State& state) {
  const std::string url = database(state);
  if (url.empty()) {
    return;
  }
  static const Workflow wf = load(chain_yaml("three", 3));
  constexpr size_t kRuns = 1000;
  for (auto _ : state) {
    state.PauseTiming();
    Cluster cluster(url, static_cast<int>(state.range(1)), wf);
    if (!cluster.error.empty()) {
      state.SkipWithError(cluster.error.c_str());
      return;
    }
    const auto clients = static_cast<size_t>(state.range(2));
    std::vector<std::pair<std::string, Clock::time_point>> triggered(kRuns);
    state.ResumeTiming();
    const auto start = Clock::now();
    std::vector<std::thread> senders;
    for (size_t c = 0; c < clients; ++c) {
      senders.emplace_back([&, c] {
        for (size_t i = c; i < kRuns; i += clients) {
          triggered[i] = cluster.trigger(wf, i);
        }
      });
    }
    for (auto& t : senders) {
      t.join();
    }
    cluster.wait_for(kRuns);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    state.PauseTiming();
    std::vector<double> latencies;
    for (const auto& [id, at] : triggered) {
      latencies.push_back(cluster.latency_ms(id, at));
    }
    state.counters["runs_per_s"] = static_cast<double>(kRuns) / seconds;
    state.counters["median_ms"] = median(latencies);
    state.counters["p99_ms"] = percentile(latencies, 0.99);
    if (!cluster.all_succeeded()) {
      state.SkipWithError("a run failed");
    }
    state.ResumeTiming();
  }
}
BENCHMARK(BM_Burst3)
    ->ArgsProduct({{0, 1}, {1, 3}, {1, 4}})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace linkhub
