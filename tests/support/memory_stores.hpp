#pragma once
// Every store a node uses (stores.hpp), in memory: what Node's unit tests run
// it on, held to SqlStore's behaviour by the conformance suite
// (tests/unit/store_conformance_test.cpp). Claims, lease epochs, lapsed
// leases, fenced writes, slots and schedules behave as in SQL; waits are not
// kept (supports_waits() is false), and there is one process: the scheduler
// lock is always this one's and wake-ups reach this process only.

#include <linkhub/engine/stores.hpp>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace linkhub::test {

class MemoryStores final : public RunStore,
                           public LeasedRunWrites,
                           public WorkQueue,
                           public SlotStore,
                           public ScheduleStore,
                           public WorkflowRegistry {
 public:
  NodeStores stores() { return NodeStores::of(*this); }

  // For tests: the run's lease lapses now (its node stalled), as a negative renewal would make it.
  void lapse_lease(const std::string& run_id);
  // For tests: `owner` claims the run at once, as another node would once its
  // holder's lease lapsed (no heartbeat can come in between); nullopt when
  // the run is unknown or finished.
  std::optional<RunRecord> take_over(const std::string& run_id, const std::string& owner);
  // For tests: every lease renewal throws (the database is away for the heartbeats).
  std::atomic<bool> renewals_fail{false};

  // RunStore
  RunRecord create_run(RunRecord run) override;
  void update_run(const RunRecord& run, EventRecord event) override;
  void transition(StepRecord step, EventRecord event) override;
  void append_event(EventRecord event) override;
  std::optional<RunRecord> get_run(std::string_view run_id) const override;
  std::vector<RunRecord> list_runs(size_t limit) const override;
  std::vector<StepRecord> get_steps(std::string_view run_id) const override;
  std::vector<EventRecord> get_events(std::string_view run_id, int64_t after_seq, size_t limit) const override;

  // LeasedRunWrites
  LeaseWrite update_run(const RunRecord& run, EventRecord event, int64_t epoch) override;
  LeaseWrite transition(StepRecord step, EventRecord event, int64_t epoch) override;
  LeaseWrite append_event(EventRecord event, int64_t epoch) override;
  LeaseWrite write_all(const std::string& run_id, std::vector<RunWrite>& writes, int64_t epoch) override;
  std::optional<WaitRecord> begin_wait(WaitRecord wait, int64_t epoch) override;
  std::optional<std::vector<WaitRecord>> park_run(const std::string& run_id, EventRecord event, int64_t epoch) override;

  // WorkQueue
  std::vector<RunRecord> claim_runs(const std::string& owner, size_t max, std::chrono::milliseconds lease,
                                    const std::string& only = "", const std::vector<std::string>& busy = {}) override;
  CreatedRun create_claimed_run(RunRecord run, const std::string& owner, std::chrono::milliseconds lease) override;
  LeaseCheck renew_leases(const std::string& owner, const std::vector<HeldRun>& runs,
                          std::chrono::milliseconds lease) override;
  LeaseWrite release(const std::string& owner, const HeldRun& run) override;
  bool request_cancel(const std::string& run_id) override;
  Result<RunRecord> requeue_run(const std::string& run_id, const std::vector<std::string>& steps,
                                bool keep_succeeded_items = false) override;
  size_t queue_depth() const override;
  int64_t expire_waits(int64_t now) override;
  void notify_work() override;
  void wake_local() override;
  bool wait_for_work(std::chrono::milliseconds timeout) override;

  // SlotStore
  SlotClaim try_acquire_slot(const std::string& name, int limit, const std::string& holder, const std::string& owner,
                             std::chrono::milliseconds lease, const HeldRun& run) override;
  LeaseWrite release_slot(const std::string& name, const std::string& holder, const HeldRun& run) override;

  // ScheduleStore
  void sync_schedules(const std::string& workflow, const std::vector<Schedule>& schedules) override;
  std::vector<Schedule> schedules() const override;
  bool advance_schedule(const std::string& workflow, int trigger_index, int64_t expected_next, int64_t next,
                        int64_t fired) override;
  bool try_scheduler_lock() override { return true; }

  // WorkflowRegistry
  void save_workflow(const StoredWorkflow& workflow) override;
  std::optional<StoredWorkflow> load_workflow(const std::string& hash) const override;
  std::optional<WorkflowHead> workflow_head(const std::string& name) const override;
  std::vector<WorkflowHead> workflow_heads() const override;
  void put_workflow_head(const WorkflowHead& head) override;

 private:
  struct Run {
    RunRecord record;
    std::string owner;
    int64_t lease_expires_ms = 0;
    bool cancel_requested = false;
    std::map<std::pair<std::string, int>, StepRecord> steps;
    std::vector<EventRecord> events;
  };
  struct Slot {
    std::string owner;
    int64_t expires_ms = 0;
    std::string run_id;
    int64_t epoch = 0;
  };

  // Whether `epoch` is the run's (a negative one always is); `live`: and its lease has not lapsed.
  bool holds(const std::string& run_id, int64_t epoch, bool live = false) const;
  void append(Run& run, EventRecord event);
  void write_run(const RunRecord& run, EventRecord event);
  void write_step(StepRecord step, EventRecord event);
  static bool unfinished(const Run& run);
  // Whether the run's workflow may have one more run held under a live lease (`taken`: claimed meanwhile).
  bool has_room(const RunRecord& run, int taken, int64_t now) const;
  RunRecord create(RunRecord run, const std::string& owner, std::chrono::milliseconds lease, bool& claimed);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Run> runs_;
  std::vector<std::string> order_;  // by creation
  std::unordered_map<std::string, std::string> by_key_;
  std::map<std::string, StoredWorkflow> workflows_;
  std::map<std::string, WorkflowHead> heads_;
  std::vector<Schedule> schedules_;
  std::map<std::pair<std::string, std::string>, Slot> slots_;  // (name, holder)
  std::condition_variable work_;
  bool woken_ = false;
};

}  // namespace linkhub::test
