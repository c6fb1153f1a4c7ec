// Durable waits at scale on SQLite: 10,000 runs parked in core.wait_for by a
// node (as `linkhub worker` runs them), then resumed one at a time by key.
// Prints the node's RSS idle and with every run parked, and per resume the
// time of deliver_event (the event stored, the run made runnable) and of
// delivery to the run's end (claimed, resumed, its last step done).
//   build/bin/waits_bench [runs=10000] [resumes=200]
#include "builtin_plugins.hpp"

#include <linkhub/engine/compile.hpp>
#include <linkhub/engine/node.hpp>
#include <linkhub/engine/waits.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using namespace linkhub;

constexpr const char* kWorkflow = R"(name: parked
inputs:
  n: { type: string }
steps:
  - id: answer
    uses: core.wait_for
    with: { key: "bench:${{ inputs.n }}", timeout: 24h }
  - id: reply
    uses: core.transform
    needs: [answer]
    with: { value: "${{ steps.answer.outputs.event.text }}" }
outputs:
  reply: "${{ steps.reply.outputs.value }}"
)";

long rss_kb() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return -1;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::stoi(argv[1]) : 10000;
  const int resumes = argc > 2 ? std::stoi(argv[2]) : 200;
  const auto dir = std::filesystem::temp_directory_path() / ("waits-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string url = (dir / "bench.db").string();
  auto opened = SqlStore::open(url);
  if (!opened) {
    std::cerr << opened.error().message << "\n";
    return 1;
  }
  SqlStore& store = **opened;
  Compiled compiled = compile_workflow(kWorkflow, (dir / "parked.yaml").string(), test::builtin_plugins());
  if (!compiled.ok()) {
    std::cerr << compiled.first_problem() << "\n";
    return 1;
  }
  const Workflow& wf = *compiled.workflow;
  auto hash = register_workflow(store, wf);

  ExecutorOptions exec;
  exec.threads = 2;
  exec.artifact_dir = dir / "artifacts";
  NodeOptions options;
  options.lease = std::chrono::seconds(15);
  Node node(test::builtin_plugins(), store, std::move(exec), options);
  std::thread worker([&] { node.run(); });

  // Idle: the node is up, its pool and plugins loaded, nothing to do.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let it settle: a measurement, not a test
  const long idle = rss_kb();

  const auto t_enqueue = Clock::now();
  for (int i = 0; i < runs; ++i) {
    RunRecord rec;
    rec.workflow = wf.name;
    rec.workflow_version = wf.version;
    rec.workflow_hash = *hash;
    rec.inputs = Json{{"n", std::to_string(i)}};
    store.create_run(std::move(rec));
  }
  store.notify_work();
  const double enqueue_ms = ms_since(t_enqueue);
  const auto t_park = Clock::now();
  while (node.stats().parked < static_cast<size_t>(runs)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const double park_ms = ms_since(t_park);
  const long parked = rss_kb();

  std::vector<double> deliver, resume;
  for (int k = 0; k < resumes; ++k) {
    const int n = (k * 7919) % runs;
    const auto t0 = Clock::now();
    auto d = deliver_event(store, "bench:" + std::to_string(n), Json{{"text", "hi"}});
    deliver.push_back(ms_since(t0));
    if (!d || !d->delivered) {
      std::cerr << "event " << n << " was not delivered\n";
      return 1;
    }
    const size_t before = node.stats().finished;
    while (node.stats().finished == before) {
      std::this_thread::yield();
    }
    resume.push_back(ms_since(t0));
  }
  node.stop();
  worker.join();

  std::printf("runs parked            %d (enqueued in %.0f ms, all parked after %.0f ms more)\n", runs, enqueue_ms,
              park_ms);
  std::printf("RSS idle               %.1f MB\n", static_cast<double>(idle) / 1024);
  std::printf("RSS with runs parked   %.1f MB (+%.1f MB)\n", static_cast<double>(parked) / 1024,
              static_cast<double>(parked - idle) / 1024);
  std::printf("deliver_event          p50 %.2f ms  p99 %.2f ms  (%d events)\n", percentile(deliver, 0.5),
              percentile(deliver, 0.99), resumes);
  std::printf("delivery to run end    p50 %.2f ms  p99 %.2f ms\n", percentile(resume, 0.5), percentile(resume, 0.99));
  std::filesystem::remove_all(dir);
  return 0;
}
