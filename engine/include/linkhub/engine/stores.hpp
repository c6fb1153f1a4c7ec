#pragma once
// The durable store, split by concern: what a node needs of it, an interface
// each. SqlStore implements them all on SQLite and PostgreSQL; the node
// (node.hpp) depends on these interfaces only, so its unit tests run it on an
// in-memory implementation (tests/support/memory_stores.hpp), and one
// conformance suite (tests/unit/store_conformance_test.cpp) holds every
// implementation to the same behaviour.
//
//   RunStore          runs, steps and events (run_store.hpp)
//   LeasedRunWrites   the same writes under a claim's lease epoch (fencing)
//   WorkQueue         claims, leases, hand-backs, cancels, requeues, wake-ups
//   SlotStore         step_concurrency slots
//   ScheduleStore     cron schedules and the scheduler lock
//   WorkflowRegistry  workflow versions by content hash, and the heads on offer

#include <linkhub/engine/result.hpp>
#include <linkhub/engine/run_store.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linkhub {

// A run a node holds, and the lease epoch its claim set (RunRecord::lease_epoch).
struct HeldRun {
  std::string id;
  int64_t epoch = 0;
};

// What the store said to a write a node made under a run's lease epoch:
// `stale` when another claim (a node that took the run over after the lease
// lapsed, a cancel or retry made without the node) bumped the epoch since.
// Nothing of a stale write is stored.
enum class LeaseWrite { done, stale };

// try_acquire_slot under a lease epoch: the slot, no room, or a stale epoch.
enum class SlotClaim { taken, full, stale };

// A run made by WorkQueue::create_claimed_run: claimed by the caller, or one
// that existed (its idempotency key was used before) or could not be claimed
// (its workflow's `concurrency` is full), queued for any node.
struct CreatedRun {
  RunRecord run;
  bool claimed = false;
};

struct LeaseCheck {
  std::vector<std::string> lost;              // another node holds these now: stop them
  std::vector<std::string> cancel_requested;  // `runs cancel` asked for these
};

struct StoredWorkflow {
  std::string hash;
  std::string name;
  int version = 1;
  std::string file;  // where it was loaded from (its directory resolves relative paths)
  std::string source;
  int concurrency = 0;
};

// Which version of a workflow name the cluster offers. A deleted head keeps
// its row so a file with unchanged content does not bring the name back.
struct WorkflowHead {
  std::string name;
  std::string hash;
  std::string origin = "file";  // file | api
  std::string updated_by;       // the file's path, or "api"
  bool deleted = false;
  int64_t updated_ms = 0;
  std::string file_hash;  // the content a file last registered under this name
};

struct Schedule {
  std::string workflow;
  int trigger_index = 0;
  std::string workflow_hash;  // the version its runs start from
  std::string cron;
  Json inputs = Json::object();
  std::string missed = "skip";  // skip | catch_up
  int64_t next_fire_ms = 0;
  int64_t last_fire_ms = 0;
};

// What a node writes for a run it claimed, under the epoch of its claim.
// Each write is atomic with its check that the epoch is still the run's (on
// PostgreSQL the row stays locked until the write commits, so a claim waits
// for it) and stores nothing when it is not. A step's start (a transition to
// running: the write made just before the step is called) also needs the
// lease to be live: a node that stalled past it must not call the step even
// when no other node has claimed the run yet. A negative epoch writes
// without the check (a run no node claimed).
class LeasedRunWrites {
 public:
  virtual ~LeasedRunWrites() = default;
  virtual LeaseWrite update_run(const RunRecord& run, EventRecord event, int64_t epoch) = 0;
  virtual LeaseWrite transition(StepRecord step, EventRecord event, int64_t epoch) = 0;
  virtual LeaseWrite append_event(EventRecord event, int64_t epoch) = 0;
  // nullopt: stale. Otherwise as RunStore::begin_wait / park_run.
  virtual std::optional<WaitRecord> begin_wait(WaitRecord wait, int64_t epoch) = 0;
  virtual std::optional<std::vector<WaitRecord>> park_run(const std::string& run_id, EventRecord event,
                                                          int64_t epoch) = 0;
  // One run's writes (all for `run_id`), in order, under one check of the
  // epoch: all stored or, when stale, none. A batch holding a start that
  // gates its step's call (RunWrite::gates_call) needs the lease live, as a
  // start does above; other starts are written after their step was called
  // (the executor asked may_call_step before it called it:
  // ExecutorOptions::start_record_after) and need the epoch only.
  virtual LeaseWrite write_all(const std::string& run_id, std::vector<RunWrite>& writes, int64_t epoch) = 0;
};

// Whether a batch holds a start that gates its step's call (and so needs a live lease).
bool gates_a_call(const std::vector<RunWrite>& writes);

// The durable queue: unfinished runs that nodes claim under a lease (owner,
// expiry) and heartbeat; a lapsed lease is claimed again by any node, which
// resumes the run from its last finished step.
class WorkQueue {
 public:
  virtual ~WorkQueue() = default;
  // Claims up to `max` runs that are queued, or running under a lapsed lease,
  // oldest first, honouring each workflow's `concurrency` across every node.
  // Each claim bumps the run's lease epoch; the records carry the new one.
  // `only` limits the claim to one run id; runs in `busy` (still winding down
  // on this node) are not claimed.
  virtual std::vector<RunRecord> claim_runs(const std::string& owner, size_t max, std::chrono::milliseconds lease,
                                            const std::string& only = "",
                                            const std::vector<std::string>& busy = {}) = 0;
  // Creates a run already claimed by `owner`, in the transaction that stores
  // it: the node that received the trigger runs it without a claim's round
  // trip (lease and epoch as a claim sets them). An idempotency key used
  // before gives the run it named, unclaimed; a workflow whose `concurrency`
  // is full gets its run queued, unclaimed (RunStore::create_run).
  virtual CreatedRun create_claimed_run(RunRecord run, const std::string& owner, std::chrono::milliseconds lease) = 0;
  // Whether a run with no idempotency key, of a workflow with no
  // `concurrency`, may be created claimed in its first batch of writes
  // instead (RunWrite::Kind::create, first in LeasedRunWrites::write_all):
  // one transaction fewer where a run waits for each commit (SQLite's one
  // writer). Its creator owns the run from the start and acknowledges it only
  // once that batch is stored.
  virtual bool creates_with_first_write() const { return false; }
  // Extends the leases `owner` holds under each run's epoch: a run whose
  // epoch moved on is lost (whatever its status now), and only the slots of
  // runs still held under their epoch are extended. Also reports the runs
  // whose cancellation was asked for.
  virtual LeaseCheck renew_leases(const std::string& owner, const std::vector<HeldRun>& runs,
                                  std::chrono::milliseconds lease) = 0;
  // Gives a run back to the queue (graceful shutdown), while its epoch is still the run's.
  virtual LeaseWrite release(const std::string& owner, const HeldRun& run) = 0;
  // A queued run is cancelled at once (bumping its epoch: a node that claimed
  // it and stalled writes nothing more); a running one is flagged for its node.
  // Returns false when the run is unknown or already finished.
  virtual bool request_cancel(const std::string& run_id) = 0;
  // Forgets the records of `steps` (so they run again) and queues the run,
  // bumping its epoch. With `keep_succeeded_items`, foreach items that
  // succeeded stay done. The run must be finished.
  virtual Result<RunRecord> requeue_run(const std::string& run_id, const std::vector<std::string>& steps,
                                        bool keep_succeeded_items = false) = 0;
  // Unfinished runs (queued or running).
  virtual size_t queue_depth() const = 0;
  // Times out the waits whose deadline is at or before `now` (their runs
  // become runnable); returns the next deadline still ahead (0: none).
  virtual int64_t expire_waits(int64_t now) = 0;
  // Wake-ups: to every node that may claim (PostgreSQL: NOTIFY; SQLite: the
  // wake file), to this process's waiters only, and the wait itself (until a
  // wake-up, true, or `timeout`, false).
  virtual void notify_work() = 0;
  virtual void wake_local() = 0;
  virtual bool wait_for_work(std::chrono::milliseconds timeout) = 0;
};

// step_concurrency slots, held by `owner` for a step of `run` under its lease
// and epoch (renew_leases extends them); a slot whose lease lapsed is free
// again, and a stale node neither takes nor frees one (the node that took the
// run over may hold it now).
class SlotStore {
 public:
  virtual ~SlotStore() = default;
  virtual SlotClaim try_acquire_slot(const std::string& name, int limit, const std::string& holder,
                                     const std::string& owner, std::chrono::milliseconds lease, const HeldRun& run) = 0;
  virtual LeaseWrite release_slot(const std::string& name, const std::string& holder, const HeldRun& run) = 0;
};

class ScheduleStore {
 public:
  virtual ~ScheduleStore() = default;
  // Makes the schedules of `workflow` exactly `schedules` (keeps next_fire_ms of unchanged ones).
  virtual void sync_schedules(const std::string& workflow, const std::vector<Schedule>& schedules) = 0;
  virtual std::vector<Schedule> schedules() const = 0;
  // Moves a schedule on from `expected_next` to `next` (compare-and-set; false when another node did).
  virtual bool advance_schedule(const std::string& workflow, int trigger_index, int64_t expected_next, int64_t next,
                                int64_t fired) = 0;
  // Held by one node at a time (PostgreSQL: a session-level advisory lock);
  // true when this process holds it.
  virtual bool try_scheduler_lock() = 0;
};

// Workflows, keyed by content hash: a run keeps the version it started with.
class WorkflowRegistry {
 public:
  virtual ~WorkflowRegistry() = default;
  virtual void save_workflow(const StoredWorkflow& workflow) = 0;
  virtual std::optional<StoredWorkflow> load_workflow(const std::string& hash) const = 0;
  // The workflows on offer: one head per name (deleted ones included, flagged).
  virtual std::optional<WorkflowHead> workflow_head(const std::string& name) const = 0;
  virtual std::vector<WorkflowHead> workflow_heads() const = 0;  // by name
  // Inserts or replaces the head of head.name (updated_ms is set to now when 0).
  virtual void put_workflow_head(const WorkflowHead& head) = 0;
};

// Every store a node uses; SqlStore is all of them (NodeStores::of).
struct NodeStores {
  RunStore& runs;
  LeasedRunWrites& leased;
  WorkQueue& queue;
  SlotStore& slots;
  ScheduleStore& schedules;
  WorkflowRegistry& workflows;

  template <class Store>
  static NodeStores of(Store& s) {
    return NodeStores{s, s, s, s, s, s};
  }
};

}  // namespace linkhub
