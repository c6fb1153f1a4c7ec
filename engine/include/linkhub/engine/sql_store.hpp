#pragma once
// Run state in SQL through SOCI: a SQLite file by default, PostgreSQL shared
// by many nodes for teams. One schema (versioned migrations) for both.
//
// Besides the RunStore interface the executor writes through, this is the
// durable queue: unfinished runs are rows that nodes claim under a lease
// (owner, expiry) and heartbeat; a lapsed lease is claimed again by any node,
// which resumes the run from its last finished step.

#include <linkhub/engine/result.hpp>
#include <linkhub/engine/run_store.hpp>
#include <linkhub/engine/waits.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace linkhub {

namespace store {
class Database;
}

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

struct DeadLetter {
  std::string run_id;
  std::string workflow;
  std::string step_id;
  int index = -1;
  int attempts = 0;
  Json input;
  std::string error;
  int64_t created_ms = 0;
  int64_t requeued_ms = 0;
};

struct RunFilter {
  std::string workflow;  // empty = any
  std::string status;    // empty = any
  size_t limit = 50;
  int64_t since_ms = 0;  // created at or after; 0 = no bound
  int64_t until_ms = 0;  // created before; 0 = no bound
  // Keyset paging (newest first): only runs that come after the run
  // (after_created_ms, after_id) in that order; 0 = from the newest.
  int64_t after_created_ms = 0;
  std::string after_id;
};

// A place in the order of every run's events: (time_ms, run_id, seq).
struct EventCursor {
  int64_t time_ms = 0;
  std::string run_id;
  int64_t seq = 0;
};
bool operator<(const EventCursor& a, const EventCursor& b);

// A run-level event (run.created, run.started, run.failed, ...) with its run
// as it is now: what a list of runs needs to update a row.
struct RunChange {
  EventCursor at;
  std::string type;
  RunRecord run;
};

// A run a node holds, and the lease epoch its claim set (RunRecord::lease_epoch).
struct HeldRun {
  std::string id;
  int64_t epoch = 0;
};

// What the database said to a write a node made under a run's lease epoch:
// `stale` when another claim (a node that took the run over after the lease
// lapsed, a cancel or retry made without the node) bumped the epoch since.
// Nothing of a stale write is stored.
enum class LeaseWrite { done, stale };

// try_acquire_slot under a lease epoch: the slot, no room, or a stale epoch.
enum class SlotClaim { taken, full, stale };

struct LeaseCheck {
  std::vector<std::string> lost;              // another node holds these now: stop them
  std::vector<std::string> cancel_requested;  // `runs cancel` asked for these
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

class SqlStore final : public RunStore {
 public:
  // `url`: a SQLite path (or sqlite:PATH) or a postgresql:// URL. Applies
  // migrations; refuses a corrupt file or a schema newer than this binary.
  static Result<std::unique_ptr<SqlStore>> open(const std::string& url, size_t pool_size = 4);
  ~SqlStore() override;

  bool postgres() const;
  const std::string& display_url() const;  // password masked
  int schema_version() const { return schema_version_; }

  // RunStore
  RunRecord create_run(RunRecord run) override;
  void update_run(const RunRecord& run, EventRecord event) override;
  void transition(StepRecord step, EventRecord event) override;
  void append_event(EventRecord event) override;
  std::optional<RunRecord> get_run(std::string_view run_id) const override;
  std::vector<RunRecord> list_runs(size_t limit) const override;
  std::vector<StepRecord> get_steps(std::string_view run_id) const override;
  std::vector<EventRecord> get_events(std::string_view run_id, int64_t after_seq, size_t limit) const override;

  // --- fenced writes: what a node writes for a run it claimed, under the
  // epoch of its claim. Each is one transaction that first checks (and on
  // PostgreSQL locks, so a claim waits for it) that the epoch is still the
  // run's, and writes nothing when it is not. The RunStore writes above are
  // unfenced (runs executed without a node's lease).
  LeaseWrite update_run(const RunRecord& run, EventRecord event, int64_t epoch);
  LeaseWrite transition(StepRecord step, EventRecord event, int64_t epoch);
  LeaseWrite append_event(EventRecord event, int64_t epoch);
  // nullopt: stale.
  std::optional<WaitRecord> begin_wait(WaitRecord wait, int64_t epoch);
  std::optional<std::vector<WaitRecord>> park_run(const std::string& run_id, EventRecord event, int64_t epoch);

  std::vector<RunRecord> list_runs(const RunFilter& filter) const;
  // Run-level events of every run strictly after `after`, in cursor order.
  std::vector<RunChange> run_changes(const EventCursor& after, size_t limit) const;

  // --- durable waits (docs/durable-runs.md, Waits)
  bool supports_waits() const override { return true; }
  WaitRecord begin_wait(WaitRecord wait) override;
  std::vector<WaitRecord> park_run(const std::string& run_id, EventRecord event) override;
  // linkhub::deliver_event (waits.hpp), which checks the key first.
  Delivery deliver_event(const std::string& key, const Json& payload);
  // Times out the waits whose deadline is at or before `now` (their runs
  // become runnable); returns the next deadline still ahead (0: none).
  int64_t expire_waits(int64_t now);
  // A run's waits: waiting or resolved, kept until the run finishes.
  std::vector<WaitRecord> waits(const std::string& run_id) const;

  // Workflows, keyed by content hash: a run keeps the version it started with.
  void save_workflow(const StoredWorkflow& workflow);
  std::optional<StoredWorkflow> load_workflow(const std::string& hash) const;
  // The workflows on offer: one head per name (deleted ones included, flagged).
  std::optional<WorkflowHead> workflow_head(const std::string& name) const;
  std::vector<WorkflowHead> workflow_heads() const;  // by name
  // Inserts or replaces the head of head.name (updated_ms is set to now when 0).
  void put_workflow_head(const WorkflowHead& head);

  // --- the queue
  // Claims up to `max` runs that are queued, or running under a lapsed lease,
  // oldest first, honouring each workflow's `concurrency` across every node.
  // Each claim bumps the run's lease epoch; the records carry the new one.
  // `only` limits the claim to one run id; runs in `busy` (still winding down
  // on this node) are not claimed.
  std::vector<RunRecord> claim_runs(const std::string& owner, size_t max, std::chrono::milliseconds lease,
                                    const std::string& only = "", const std::vector<std::string>& busy = {});
  // Extends the leases `owner` holds on `run_ids`; reports the ones it lost and
  // the ones whose cancellation was requested.
  LeaseCheck renew_leases(const std::string& owner, const std::vector<std::string>& run_ids,
                          std::chrono::milliseconds lease);
  // The same under each run's epoch: a run whose epoch moved on is lost
  // (whatever its status now), and only the slots of runs still held under
  // their epoch are extended.
  LeaseCheck renew_leases(const std::string& owner, const std::vector<HeldRun>& runs, std::chrono::milliseconds lease);
  // Gives a run back to the queue (graceful shutdown); with an epoch, only
  // while it is still the run's.
  void release(const std::string& owner, const std::string& run_id);
  LeaseWrite release(const std::string& owner, const HeldRun& run);
  // A queued run is cancelled at once (bumping its epoch: a node that claimed
  // it and stalled writes nothing more); a running one is flagged for its node.
  // Returns false when the run is unknown or already finished.
  bool request_cancel(const std::string& run_id);
  // Forgets the records of `steps` (so they run again) and queues the run,
  // bumping its epoch. With `keep_succeeded_items`, foreach items that
  // succeeded stay done. The run must be finished.
  Result<RunRecord> requeue_run(const std::string& run_id, const std::vector<std::string>& steps,
                                bool keep_succeeded_items = false);
  // step_concurrency slots, held by `owner` under its lease (renew_leases
  // extends them); a slot whose lease lapsed is free again.
  bool try_acquire_slot(const std::string& name, int limit, const std::string& holder, const std::string& owner,
                        std::chrono::milliseconds lease);
  void release_slot(const std::string& name, const std::string& holder);
  // The same for a step of `run`, under its epoch: a stale node neither takes
  // nor frees a slot (the node that took the run over may hold it now).
  SlotClaim try_acquire_slot(const std::string& name, int limit, const std::string& holder, const std::string& owner,
                             std::chrono::milliseconds lease, const HeldRun& run);
  LeaseWrite release_slot(const std::string& name, const std::string& holder, const HeldRun& run);

  // Unfinished runs (queued or running).
  size_t queue_depth() const;

  std::vector<DeadLetter> dead_letters(const std::string& run_id, size_t limit) const;

  // --- cron schedules
  // Makes the schedules of `workflow` exactly `schedules` (keeps next_fire_ms of unchanged ones).
  void sync_schedules(const std::string& workflow, const std::vector<Schedule>& schedules);
  std::vector<Schedule> schedules() const;
  // Moves a schedule on from `expected_next` to `next` (compare-and-set; false when another node did).
  bool advance_schedule(const std::string& workflow, int trigger_index, int64_t expected_next, int64_t next,
                        int64_t fired);
  // PostgreSQL: a session-level advisory lock held by one node at a time; SQLite: always true.
  bool try_scheduler_lock();

  // --- wake-ups. PostgreSQL: NOTIFY/LISTEN across nodes; SQLite: this process only.
  void notify_work();
  // Wakes this process's wait_for_work only.
  void wake_local();
  // Waits until work may be there (a notification) or `timeout`.
  void wait_for_work(std::chrono::milliseconds timeout);

  // The database under the store, for tables others keep beside the runs on
  // a migration track of their own (the server's auth store):
  // <linkhub/engine/database.hpp>.
  store::Database& database() const;

 private:
  SqlStore() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int schema_version_ = 0;
};

}  // namespace linkhub
