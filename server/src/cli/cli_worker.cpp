// `linkhub worker`: one node of a cluster on a shared database.
#include "cli_common.hpp"

#include <linkhub/engine/compile.hpp>
#include <linkhub/engine/node.hpp>

#include <csignal>
#include <iostream>
#include <thread>

namespace linkhub::cli {

int cmd_worker(const GlobalOptions& global, const WorkerOptions& options) {
  // SIGTERM / SIGINT: stop claiming, let the runs in flight finish (for at
  // most shutdown_grace, then hand them back to the queue), exit 0. Blocked
  // from here, so one that comes while the database is awaited stops that too.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  bool stopped = false;
  auto session = open_session(global, /*wait_for_database=*/true, &stopped);
  if (!session) {
    return stopped ? 0 : 2;
  }
  auto* env = &session->env;
  auto* store = &session->store;
  for (const auto& file : options.workflows) {
    Compiled loaded = compile_workflow_file(file, *env->host);
    if (!loaded.ok()) {
      print_diagnostics(loaded.diagnostics, global.format == "json");
      std::cerr << "linkhub: " << file << " is not a valid workflow; the worker did not start\n";
      return 2;
    }
    if (auto hash = register_workflow(**store, *loaded.workflow); !hash) {
      std::cerr << "linkhub: " << file << ": " << hash.error().message << "\n";
      return 2;
    }
  }


  NodeOptions node_options;
  node_options.owner = options.owner;
  node_options.lease = env->config.lease;
  node_options.shutdown_grace = env->config.shutdown_grace;
  node_options.max_runs = options.max_runs;
  node_options.exit_when_idle = options.exit_when_idle;
  node_options.scheduler = !options.no_scheduler;
  node_options.on_database = [](const std::string& line) { std::cerr << "worker: " << line << "\n"; };
  ExecutorOptions exec = executor_options(global, env->config, options.threads);
  const int threads = exec.threads;
  Node node(*env->host, **store, std::move(exec), node_options);
  std::cerr << "worker " << node.owner() << " on " << (*store)->display_url() << " with " << threads << " threads\n";
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig == SIGTERM || sig == SIGINT) {
      std::cerr << "worker " << node.owner()
                << ": stopping, letting the runs in flight finish (then handing them back)\n";
      node.stop();
    }
  });
  node.run();
  // Wake the signal thread if the node stopped on its own (idle).
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  const NodeStats stats = node.stats();
  std::cerr << "worker " << node.owner() << ": claimed " << stats.claimed << " runs (" << stats.resumed
            << " resumed), finished " << stats.finished << ", lost " << stats.lost << ", released " << stats.released
            << ", fired " << stats.fired << " schedules, stale writes " << stats.stale_writes << ", failed writes "
            << stats.failed_writes << ", database outages " << stats.outages << "\n";
  if (global.format == "json") {
    std::cout << Json{{"owner", node.owner()},
                      {"claimed", stats.claimed},
                      {"resumed", stats.resumed},
                      {"finished", stats.finished},
                      {"lost", stats.lost},
                      {"fired", stats.fired},
                      {"released", stats.released},
                      {"stale_writes", stats.stale_writes},
                      {"failed_writes", stats.failed_writes},
                      {"outages", stats.outages}}
                     .dump()
              << "\n";
  }
  return 0;
}

}  // namespace linkhub::cli
