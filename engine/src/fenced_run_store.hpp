#pragma once
// The run store a node's executor writes through. Every write for a run
// carries the lease epoch of the node's claim on it, and the database refuses
// it once another claim bumped the epoch (SqlStore, fenced writes): a node
// that stalled past its lease and wakes up writes nothing into a run that
// another node now owns.
//
// A refused write, a failed one (the database threw), a lease found lost at a
// heartbeat, or a run handed back at shutdown all fence the run here: the
// executor may still be winding its steps down, but nothing it says about that
// run reaches the database any more. None of these is an exception for the
// executor's threads: the first drop of a run is reported once to the node,
// which cancels its steps here and goes on with its other runs.
//
// A step's start is the gate before its plugin is called, and it needs the
// lease live, by the database's reckoning (SqlStore refuses the start) and by
// this process's monotonic clock: a thread frozen while it recorded the start
// (SIGSTOP, a paused VM) finds on waking that the lease it counted on may be
// another node's by now, and does not call the step.

#include <linkhub/engine/store_error.hpp>
#include <linkhub/engine/stores.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace linkhub {

class FencedRunStore final : public RunStore {
 public:
  enum class Drop {
    stale,     // the database refused a write: the epoch moved on
    failed,    // a write threw (the database is unreachable, the disk full ...)
    lost,      // a heartbeat found the lease taken over
    released,  // handed back to the queue at shutdown
  };
  // Told once per dropped run, on the thread that made the write; never with a lock of this store held.
  using OnDrop = std::function<void(const std::string& run_id, Drop why, const std::string& detail)>;

  // Reads go to `reads`; writes to `inner` under the epoch the run is held by.
  FencedRunStore(RunStore& reads, LeasedRunWrites& inner, OnDrop on_drop)
      : reads_(reads), inner_(inner), on_drop_(std::move(on_drop)) {}

  using Clock = std::chrono::steady_clock;

  // The node claimed the run under `epoch`, asking at a time from which the
  // lease is live until `live_until`: its writes carry the epoch from now on.
  void hold(const std::string& run_id, int64_t epoch, Clock::time_point live_until) {
    std::lock_guard lock(mutex_);
    runs_[run_id] = Held{epoch, false, live_until};
  }
  // A heartbeat asked at a time from which the run's lease is live until `live_until`.
  void renewed(const std::string& run_id, Clock::time_point live_until) {
    std::lock_guard lock(mutex_);
    if (auto it = runs_.find(run_id); it != runs_.end()) {
      it->second.live_until = std::max(it->second.live_until, live_until);
    }
  }
  // Once the executor is done with the run (it may be claimed here again later).
  void unfence(const std::string& run_id) {
    std::lock_guard lock(mutex_);
    runs_.erase(run_id);
  }
  bool fenced(const std::string& run_id) const {
    std::lock_guard lock(mutex_);
    auto it = runs_.find(run_id);
    return it != runs_.end() && it->second.fenced;
  }
  // The epoch the run is held under (fenced or not); nullopt when not held.
  std::optional<int64_t> epoch(const std::string& run_id) const {
    std::lock_guard lock(mutex_);
    auto it = runs_.find(run_id);
    return it == runs_.end() ? std::nullopt : std::optional<int64_t>(it->second.epoch);
  }
  // Fences the run; true (and the node is told) the first time only.
  bool drop(const std::string& run_id, Drop why, const std::string& detail = "") {
    {
      std::lock_guard lock(mutex_);
      auto it = runs_.find(run_id);
      if (it == runs_.end() || it->second.fenced) {
        return false;
      }
      it->second.fenced = true;
    }
    if (on_drop_) {
      on_drop_(run_id, why, detail);
    }
    return true;
  }

  RunRecord create_run(RunRecord run) override { return reads_.create_run(std::move(run)); }
  void update_run(const RunRecord& run, EventRecord event) override {
    guarded(run.id, [&](int64_t epoch) { return inner_.update_run(run, std::move(event), epoch); });
  }
  void transition(StepRecord step, EventRecord event) override {
    const std::string id = step.run_id;
    const bool start = step.status == StepStatus::Running;
    if (start && lapsed(id)) {
      return;
    }
    guarded(id, [&](int64_t epoch) { return inner_.transition(std::move(step), std::move(event), epoch); });
    if (start) {
      lapsed(id);  // frozen while it wrote?
    }
  }
  void write_all(std::vector<RunWrite>& writes) override {
    if (writes.empty()) {
      return;
    }
    const std::string id = writes.front().run_id();
    const bool start = gates_a_call(writes);
    if (start && lapsed(id)) {
      return;
    }
    guarded(id, [&](int64_t epoch) { return inner_.write_all(id, writes, epoch); });
    if (start) {
      lapsed(id);  // frozen while it wrote?
    }
  }
  bool may_call_step(const std::string& run_id) override { return !fenced(run_id) && !lapsed(run_id); }
  void append_event(EventRecord event) override {
    const std::string id = event.run_id;
    guarded(id, [&](int64_t epoch) { return inner_.append_event(std::move(event), epoch); });
  }
  bool supports_waits() const override { return reads_.supports_waits(); }
  // A dropped run's wait is not registered: its step parks here and the run
  // leaves this node (park_run below does not park it in the store).
  WaitRecord begin_wait(WaitRecord wait) override {
    std::optional<WaitRecord> begun;
    guarded(wait.run_id, [&](int64_t epoch) {
      begun = inner_.begin_wait(wait, epoch);
      return begun ? LeaseWrite::done : LeaseWrite::stale;
    });
    return begun.value_or(wait);
  }
  // A fenced run is another node's now: it is not parked from here.
  std::vector<WaitRecord> park_run(const std::string& run_id, EventRecord event) override {
    std::optional<std::vector<WaitRecord>> resolved;
    guarded(run_id, [&](int64_t epoch) {
      resolved = inner_.park_run(run_id, std::move(event), epoch);
      return resolved ? LeaseWrite::done : LeaseWrite::stale;
    });
    return resolved.value_or(std::vector<WaitRecord>{});
  }
  std::optional<RunRecord> get_run(std::string_view run_id) const override { return reads_.get_run(run_id); }
  std::vector<RunRecord> list_runs(size_t limit) const override { return reads_.list_runs(limit); }
  std::vector<StepRecord> get_steps(std::string_view run_id) const override { return reads_.get_steps(run_id); }
  std::vector<EventRecord> get_events(std::string_view run_id, int64_t after_seq, size_t limit) const override {
    return reads_.get_events(run_id, after_seq, limit);
  }

 private:
  struct Held {
    int64_t epoch = 0;
    bool fenced = false;
    Clock::time_point live_until = Clock::time_point::max();
  };

  // Drops the run when its lease lapsed by this process's clock.
  bool lapsed(const std::string& run_id) {
    {
      std::lock_guard lock(mutex_);
      auto it = runs_.find(run_id);
      if (it == runs_.end() || Clock::now() < it->second.live_until) {
        return false;
      }
    }
    drop(run_id, Drop::stale, "its lease lapsed before a step could start: this node stalled");
    return true;
  }

  // Makes write(epoch) unless the run is fenced; a stale or failed write
  // fences it. A run this node never claimed is written without an epoch
  // check (cannot happen for a node's executor).
  template <class F>
  void guarded(const std::string& run_id, F&& write) {
    std::optional<int64_t> held;
    {
      std::lock_guard lock(mutex_);
      auto it = runs_.find(run_id);
      if (it != runs_.end()) {
        if (it->second.fenced) {
          return;
        }
        held = it->second.epoch;
      }
    }
    try {
      if (write(held.value_or(-1)) == LeaseWrite::stale) {
        drop(run_id, Drop::stale);
      }
    } catch (const std::exception& e) {
      drop(run_id, Drop::failed, loggable_error_message(e));
    }
  }

  RunStore& reads_;
  LeasedRunWrites& inner_;
  OnDrop on_drop_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Held> runs_;
};

}  // namespace linkhub
