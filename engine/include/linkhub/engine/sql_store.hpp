#pragma once
// Run state in SQL through SOCI: a SQLite file by default, PostgreSQL shared
// by many nodes for teams. One schema (versioned migrations) for both.
//
// Every store a node uses (stores.hpp: runs, leased writes, the work queue,
// slots, schedules, the workflow registry) in one database, plus what the
// server and the CLI read and write beside them.

#include <linkhub/engine/result.hpp>
#include <linkhub/engine/run_store.hpp>
#include <linkhub/engine/stores.hpp>
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

class SqlStore final : public RunStore,
                       public LeasedRunWrites,
                       public WorkQueue,
                       public SlotStore,
                       public ScheduleStore,
                       public WorkflowRegistry {
 public:
  // `url`: a SQLite path (or sqlite:PATH) or a postgresql:// URL. Applies
  // migrations; refuses a corrupt file or a schema newer than this binary.
  // `stall_limit`: Database::open's (a node passes stall_limit_for(its lease)).
  static Result<std::unique_ptr<SqlStore>> open(const std::string& url, size_t pool_size = 4,
                                                std::chrono::milliseconds stall_limit = {});
  // How long a node's session may sit stalled inside a transaction before
  // PostgreSQL ends it: a quarter of its lease (at least 0.5 s, at most
  // 30 s), so the rows a stalled node locked are free again well before the
  // leases of the nodes waiting for them lapse.
  static std::chrono::milliseconds stall_limit_for(std::chrono::milliseconds lease);
  ~SqlStore() override;

  bool postgres() const;
  const std::string& display_url() const;  // password masked
  int schema_version() const { return schema_version_; }

  // RunStore
  RunRecord create_run(RunRecord run) override;
  void update_run(const RunRecord& run, EventRecord event) override;
  void transition(StepRecord step, EventRecord event) override;
  void append_event(EventRecord event) override;
  void write_all(std::vector<RunWrite>& writes) override;
  std::optional<RunRecord> get_run(std::string_view run_id) const override;
  std::vector<RunRecord> list_runs(size_t limit) const override;
  std::vector<StepRecord> get_steps(std::string_view run_id) const override;
  std::vector<EventRecord> get_events(std::string_view run_id, int64_t after_seq, size_t limit) const override;

  // LeasedRunWrites. The RunStore writes above are unfenced (runs executed
  // without a node's lease: tests, the server's own records).
  LeaseWrite update_run(const RunRecord& run, EventRecord event, int64_t epoch) override;
  LeaseWrite transition(StepRecord step, EventRecord event, int64_t epoch) override;
  LeaseWrite append_event(EventRecord event, int64_t epoch) override;
  LeaseWrite write_all(const std::string& run_id, std::vector<RunWrite>& writes, int64_t epoch) override;
  std::optional<WaitRecord> begin_wait(WaitRecord wait, int64_t epoch) override;
  std::optional<std::vector<WaitRecord>> park_run(const std::string& run_id, EventRecord event, int64_t epoch) override;

  std::vector<RunRecord> list_runs(const RunFilter& filter) const;
  // Run-level events of every run strictly after `after`, in cursor order.
  std::vector<RunChange> run_changes(const EventCursor& after, size_t limit) const;

  // --- durable waits (docs/durable-runs.md, Waits)
  bool supports_waits() const override { return true; }
  WaitRecord begin_wait(WaitRecord wait) override;
  std::vector<WaitRecord> park_run(const std::string& run_id, EventRecord event) override;
  // linkhub::deliver_event (waits.hpp), which checks the key first.
  Delivery deliver_event(const std::string& key, const Json& payload);
  int64_t expire_waits(int64_t now) override;
  // A run's waits: waiting or resolved, kept until the run finishes.
  std::vector<WaitRecord> waits(const std::string& run_id) const;

  // WorkflowRegistry
  void save_workflow(const StoredWorkflow& workflow) override;
  std::optional<StoredWorkflow> load_workflow(const std::string& hash) const override;
  std::optional<WorkflowHead> workflow_head(const std::string& name) const override;
  std::vector<WorkflowHead> workflow_heads() const override;
  void put_workflow_head(const WorkflowHead& head) override;

  // WorkQueue
  std::vector<RunRecord> claim_runs(const std::string& owner, size_t max, std::chrono::milliseconds lease,
                                    const std::string& only = "", const std::vector<std::string>& busy = {}) override;
  CreatedRun create_claimed_run(RunRecord run, const std::string& owner, std::chrono::milliseconds lease) override;
  bool creates_with_first_write() const override;  // SQLite (PostgreSQL pipelines the insert instead)
  LeaseCheck renew_leases(const std::string& owner, const std::vector<HeldRun>& runs,
                          std::chrono::milliseconds lease) override;
  LeaseWrite release(const std::string& owner, const HeldRun& run) override;
  bool request_cancel(const std::string& run_id) override;
  Result<RunRecord> requeue_run(const std::string& run_id, const std::vector<std::string>& steps,
                                bool keep_succeeded_items = false) override;
  size_t queue_depth() const override;
  // PostgreSQL: NOTIFY/LISTEN across nodes; SQLite: this process only.
  void notify_work() override;
  void wake_local() override;
  bool wait_for_work(std::chrono::milliseconds timeout) override;

  // SlotStore
  SlotClaim try_acquire_slot(const std::string& name, int limit, const std::string& holder, const std::string& owner,
                             std::chrono::milliseconds lease, const HeldRun& run) override;
  LeaseWrite release_slot(const std::string& name, const std::string& holder, const HeldRun& run) override;

  std::vector<DeadLetter> dead_letters(const std::string& run_id, size_t limit) const;
  // How many the run has (a run's document counts them; a foreach can make thousands).
  size_t dead_letter_count(const std::string& run_id) const;

  // ScheduleStore (SQLite: the lock is always this process's)
  void sync_schedules(const std::string& workflow, const std::vector<Schedule>& schedules) override;
  std::vector<Schedule> schedules() const override;
  bool advance_schedule(const std::string& workflow, int trigger_index, int64_t expected_next, int64_t next,
                        int64_t fired) override;
  bool try_scheduler_lock() override;

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
