#pragma once
// A node of a linkhub cluster: claims runs from the SQL store under a lease,
// executes them (resuming from the last finished step), heartbeats the
// lease, follows cancellations asked from anywhere, and, when it holds the
// scheduler lock, fires cron schedules. `linkhub worker`, `linkhub run --db`
// and `linkhub serve` are each one Node.

#include <linkhub/engine/executor.hpp>
#include <linkhub/engine/sql_store.hpp>
#include <linkhub/engine/stores.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace linkhub {

struct NodeOptions {
  std::string owner;                       // unique per process; empty = host:pid:random
  std::chrono::milliseconds lease{15000};  // a dead node's runs move on after this
  std::chrono::milliseconds poll{1000};    // fallback when no wake-up arrives
  size_t max_runs = 0;                     // runs in flight; 0 = 4 x executor threads
  std::vector<std::string> only_runs;      // execute these runs only (a batch), then return
  bool scheduler = true;                   // fire cron schedules when holding the lock
  bool exit_when_idle = false;             // return when nothing is queued or running
  // After stop(): how long runs in flight may go on to finish here. Past it,
  // the node hands them back to the queue (their steps are cancelled here and
  // run again, with the same idempotency keys, on whichever node claims them).
  std::chrono::milliseconds shutdown_grace{30000};
  // Told when the node loses its database (the error, once per outage) and
  // when it has it back; the node waits and retries meanwhile.
  std::function<void(const std::string& line)> on_database;
};

struct NodeStats {
  size_t claimed = 0;    // runs this node took (new or resumed)
  size_t resumed = 0;    // of them, runs another node (or a killed process) had started
  size_t submitted = 0;  // of them, runs created here already claimed (Node::submit: triggers, child runs)
  size_t finished = 0;
  size_t lost = 0;      // leases taken over by another node
  size_t fired = 0;     // cron runs created
  size_t released = 0;  // runs handed back to the queue at shutdown
  size_t parked = 0;    // runs that left this node to wait (core.wait_for, core.sleep)
  // Runs dropped because the database refused a write of this node as stale
  // (another node had taken the run over: its lease epoch moved on).
  size_t stale_writes = 0;
  // Runs dropped because a write for them failed (they resume from what is stored).
  size_t failed_writes = 0;
  size_t outages = 0;  // times the node lost its database and waited for it
};

// Stores the workflow (by content hash) and its cron schedules, so every
// node of the cluster can run it and one fires its schedules. Returns the hash.
Result<std::string> register_workflow(NodeStores stores, const Workflow& workflow);
Result<std::string> register_workflow(SqlStore& store, const Workflow& workflow);

// Queues a run of `workflow` for the cluster; returns the run (an existing
// one when `idempotency_key` was used before).
Result<RunRecord> enqueue_run(NodeStores stores, const Workflow& workflow, const Json& inputs,
                              const std::string& idempotency_key = "");
Result<RunRecord> enqueue_run(SqlStore& store, const Workflow& workflow, const Json& inputs,
                              const std::string& idempotency_key = "");

// Queues a finished run again. Without `from_step`: its failed and cancelled
// steps and everything that depends on them run again (foreach items that
// succeeded keep their outputs). With `from_step`: that step and everything
// downstream of it. Finished steps outside that set keep their outputs.
Result<RunRecord> retry_run(SqlStore& store, const std::string& run_id, const std::string& from_step = "");

class Node {
 public:
  // The node knows its stores by their interfaces (stores.hpp): SqlStore is
  // all of them; the unit tests give it in-memory ones.
  Node(const PluginHost& host, NodeStores stores, ExecutorOptions executor, NodeOptions options);
  Node(const PluginHost& host, SqlStore& store, ExecutorOptions executor, NodeOptions options);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Works until stop(), until every one of `only_runs` finished, or (exit_when_idle) until idle.
  void run();
  // Stores a new run for the cluster, as RunStore::create_run does (an
  // idempotency key used before gives the run it named). From construction
  // until run() leaves its main loop (stop(), or nothing left to do), while
  // this node has room for another run, the run is created already
  // claimed by this node, in the transaction that stores it, and started
  // here at once: no claim, no wait for the node's loop
  // (WorkQueue::create_claimed_run). Otherwise it is queued for any node.
  // Thread-safe; throws what the store throws.
  RunRecord submit(RunRecord run);
  // Thread-safe; run() returns once the runs in flight have finished, or
  // once shutdown_grace has passed and they were handed back to the queue.
  void stop();

  const std::string& owner() const;
  NodeStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linkhub
