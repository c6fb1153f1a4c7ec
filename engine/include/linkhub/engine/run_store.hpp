#pragma once

#include <linkhub/engine/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkhub {

// Waiting: parked by core.wait_for / core.sleep (docs/durable-runs.md, Waits):
// no node holds it until its event arrives or its deadline passes.
enum class RunStatus { Queued, Running, Succeeded, Failed, Cancelled, Waiting };
enum class StepStatus { Pending, Running, Retrying, Succeeded, Failed, Skipped, Cancelled, Waiting };

std::string_view to_string(RunStatus status);
std::string_view to_string(StepStatus status);
bool is_final(StepStatus status);

// Milliseconds since the Unix epoch.
int64_t now_ms();

struct RunRecord {
  std::string id;
  std::string workflow;
  int workflow_version = 1;
  std::string workflow_hash;  // of the YAML source the run was started from
  RunStatus status = RunStatus::Queued;
  Json inputs = Json::object();
  Json outputs = Json::object();
  std::string error;
  std::string error_code;       // error_codes.hpp; empty when the run did not fail
  Json error_details;           // an object or null
  std::string idempotency_key;  // empty when none was given
  // Who started the run, when a step of another run did (workflow.start):
  // {parent_run_id, parent_step, depth}; null otherwise. Kept in the run's
  // run.created event, written with the run.
  Json origin;
  int64_t created_ms = 0;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
  // The run's fencing token in the SQL store: every claim bumps it, and the
  // node that claimed the run writes under it (SqlStore, "fencing").
  int64_t lease_epoch = 0;
};

// One step of a run, or one foreach item of it (index >= 0). index == -1 is
// the step as a whole (for foreach: the aggregate of its items).
struct StepRecord {
  std::string run_id;
  std::string step_id;
  int index = -1;
  int attempt = 0;
  StepStatus status = StepStatus::Pending;
  Json input;  // the rendered `with:` of the current attempt
  Json output;
  std::string error;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
  std::string error_code;  // error_codes.hpp; empty when the step did not fail
  Json error_details;      // an object or null
};

// Something that happened in a run, in order. seq is assigned by the store
// and increases by one per run, from 1.
struct EventRecord {
  std::string run_id;
  int64_t seq = 0;
  int64_t time_ms = 0;
  std::string type;  // run.started, step.started, step.log, step.retrying, step.succeeded, ...
  std::string step_id;
  int index = -1;
  Json payload = Json::object();
};

// A step parked until an event with `key` arrives or `deadline_ms` passes
// (core.wait_for; core.sleep has an empty key). state: waiting, received
// (event holds the payload) or timed_out.
struct WaitRecord {
  std::string run_id;
  std::string step_id;
  std::string key;
  int64_t deadline_ms = 0;  // since the epoch; 0 = none
  int64_t created_ms = 0;
  std::string state = "waiting";
  Json event;  // the delivered payload (state received)
  int64_t resolved_ms = 0;
};

// One of a run's writes, as the executor queues them: a step's transition,
// the run's own update, or an event alone; each with the event that explains it.
struct RunWrite {
  // create: the run's insert, claimed by lease_owner for lease_ms, with its
  // run.created event (WorkQueue::creates_with_first_write); only ever the
  // first write of a run's first batch.
  enum class Kind { transition, run_update, event, create } kind = Kind::event;
  StepRecord step;  // transition
  RunRecord run;    // run_update, create
  EventRecord event;
  // A step's start written just before its plugin is called (the executor
  // with start_record_after 0): the write is the gate of the call, and needs
  // the lease live. A start written later (the step was called already) does not.
  bool gates_call = false;
  std::string lease_owner;  // create
  int64_t lease_ms = 0;     // create

  const std::string& run_id() const {
    return kind == Kind::run_update || kind == Kind::create ? run.id
           : kind == Kind::transition                       ? step.run_id
                                                            : event.run_id;
  }
};

class RunStore;
// RunStore::write_all one write at a time: for stores with nothing to gain from more.
void write_each(RunStore& store, std::vector<RunWrite>& writes);

// Where run state lives. Every transition goes through here before the
// executor acts on it, so a store that persists (SQL) can resume a run from
// its last finished step. Implementations are thread-safe.
class RunStore {
 public:
  virtual ~RunStore() = default;

  // Creates the run, or returns the existing run when `run.idempotency_key`
  // is not empty and already used. The returned record has its id set.
  virtual RunRecord create_run(RunRecord run) = 0;
  // Saves the run's status, outputs, error and timestamps, with the event that explains it.
  virtual void update_run(const RunRecord& run, EventRecord event) = 0;
  // Saves one step (or item) transition together with its event, atomically.
  virtual void transition(StepRecord step, EventRecord event) = 0;
  // Events that belong to no transition (plugin log lines).
  virtual void append_event(EventRecord event) = 0;
  // Makes one run's writes, in order, all or none: a SQL store commits them
  // together (one transaction where there were as many as writes). The events
  // get their numbers (seq) here.
  virtual void write_all(std::vector<RunWrite>& writes) { write_each(*this, writes); }
  // Asked just before a step's plugin is called while its start is not
  // stored yet (ExecutorOptions::start_record_after): a node's store says no
  // once this node may no longer hold the run (its lease lapsed while it
  // stalled), and the step is not called.
  virtual bool may_call_step(const std::string& run_id) {
    (void)run_id;
    return true;
  }

  virtual std::optional<RunRecord> get_run(std::string_view run_id) const = 0;
  // Newest first.
  virtual std::vector<RunRecord> list_runs(size_t limit) const = 0;
  virtual std::vector<StepRecord> get_steps(std::string_view run_id) const = 0;
  virtual std::vector<EventRecord> get_events(std::string_view run_id, int64_t after_seq, size_t limit) const = 0;

  // Durable waits (docs/durable-runs.md). A store that keeps runs across
  // processes offers them; others make core.wait_for fail with a clear error.
  virtual bool supports_waits() const { return false; }
  // Registers a step's wait, or returns the one already registered for it
  // (same deadline, and its outcome when it was resolved meanwhile).
  virtual WaitRecord begin_wait(WaitRecord wait) { return wait; }
  // Parks the running run (status waiting, no lease) with `event`, unless one
  // of its waits was resolved meanwhile: those are returned and the run stays
  // running here.
  virtual std::vector<WaitRecord> park_run(const std::string& run_id, EventRecord event) {
    (void)run_id;
    (void)event;
    return {};
  }
};

// The payload of a run's run.created event: {workflow} and, for a run
// another run's step started, its origin.
Json created_payload(const RunRecord& run);
// The depth of a run in a chain of runs started by steps (workflow.start):
// 0 for a run nobody's step started; read from its run.created event.
int run_depth(const RunStore& store, std::string_view run_id);

// A new random, time-ordered run id (UUIDv7 text).
std::string new_run_id();

}  // namespace linkhub
