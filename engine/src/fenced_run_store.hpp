#pragma once
// The run store a node's executor writes through. A run this node no longer
// owns (its lease went to another node, or it was handed back at shutdown)
// is fenced: the executor may still be winding its steps down, but nothing it
// says about that run reaches the database any more, so the node that owns
// the run now is the only writer.

#include <linkhub/engine/run_store.hpp>

#include <mutex>
#include <set>
#include <string>

namespace linkhub {

class FencedRunStore final : public RunStore {
 public:
  explicit FencedRunStore(RunStore& inner) : inner_(inner) {}

  void fence(const std::string& run_id) {
    std::lock_guard lock(mutex_);
    fenced_.insert(run_id);
  }
  // Once the executor is done with the run (it may be claimed here again later).
  void unfence(const std::string& run_id) {
    std::lock_guard lock(mutex_);
    fenced_.erase(run_id);
  }
  bool fenced(const std::string& run_id) const {
    std::lock_guard lock(mutex_);
    return fenced_.count(run_id) > 0;
  }

  RunRecord create_run(RunRecord run) override { return inner_.create_run(std::move(run)); }
  void update_run(const RunRecord& run, EventRecord event) override {
    if (!fenced(run.id)) {
      inner_.update_run(run, std::move(event));
    }
  }
  void transition(StepRecord step, EventRecord event) override {
    if (!fenced(step.run_id)) {
      inner_.transition(std::move(step), std::move(event));
    }
  }
  void append_event(EventRecord event) override {
    if (!fenced(event.run_id)) {
      inner_.append_event(std::move(event));
    }
  }
  bool supports_waits() const override { return inner_.supports_waits(); }
  WaitRecord begin_wait(WaitRecord wait) override {
    return fenced(wait.run_id) ? wait : inner_.begin_wait(std::move(wait));
  }
  // A fenced run is another node's now: it is not parked from here.
  std::vector<WaitRecord> park_run(const std::string& run_id, EventRecord event) override {
    return fenced(run_id) ? std::vector<WaitRecord>{} : inner_.park_run(run_id, std::move(event));
  }
  std::optional<RunRecord> get_run(std::string_view run_id) const override { return inner_.get_run(run_id); }
  std::vector<RunRecord> list_runs(size_t limit) const override { return inner_.list_runs(limit); }
  std::vector<StepRecord> get_steps(std::string_view run_id) const override { return inner_.get_steps(run_id); }
  std::vector<EventRecord> get_events(std::string_view run_id, int64_t after_seq, size_t limit) const override {
    return inner_.get_events(run_id, after_seq, limit);
  }

 private:
  RunStore& inner_;
  mutable std::mutex mutex_;
  std::set<std::string> fenced_;
};

}  // namespace linkhub
