#pragma once
// The run store a node's executor writes through. A run this node no longer
// owns (its lease went to another node, or it was handed back at shutdown)
// is fenced: the executor may still be winding its steps down, but nothing it
// says about that run reaches the database any more, so the node that owns
// the run now is the only writer.
//
// A write that fails (the database went away mid-run) fences the run too and
// tells the node (on_write_failed), which stops the run here: what this
// node did not store, the next claim of the run does again from the last
// stored transition. A failed write never reaches the executor's threads.

#include <linkhub/engine/run_store.hpp>

#include <functional>
#include <mutex>
#include <set>
#include <string>

namespace linkhub {

class FencedRunStore final : public RunStore {
 public:
  using WriteFailed = std::function<void(const std::string& run_id, const std::exception& error)>;
  explicit FencedRunStore(RunStore& inner, WriteFailed on_write_failed = {})
      : inner_(inner), on_write_failed_(std::move(on_write_failed)) {}

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
    guarded(run.id, [&] { inner_.update_run(run, std::move(event)); });
  }
  void transition(StepRecord step, EventRecord event) override {
    const std::string id = step.run_id;
    guarded(id, [&] { inner_.transition(std::move(step), std::move(event)); });
  }
  void append_event(EventRecord event) override {
    const std::string id = event.run_id;
    guarded(id, [&] { inner_.append_event(std::move(event)); });
  }
  bool supports_waits() const override { return inner_.supports_waits(); }
  WaitRecord begin_wait(WaitRecord wait) override {
    const std::string id = wait.run_id;
    WaitRecord out = wait;
    guarded(id, [&] { out = inner_.begin_wait(std::move(wait)); });
    return out;
  }
  // A fenced run is another node's now: it is not parked from here.
  std::vector<WaitRecord> park_run(const std::string& run_id, EventRecord event) override {
    std::vector<WaitRecord> out;
    guarded(run_id, [&] { out = inner_.park_run(run_id, std::move(event)); });
    return out;
  }
  std::optional<RunRecord> get_run(std::string_view run_id) const override { return inner_.get_run(run_id); }
  std::vector<RunRecord> list_runs(size_t limit) const override { return inner_.list_runs(limit); }
  std::vector<StepRecord> get_steps(std::string_view run_id) const override { return inner_.get_steps(run_id); }
  std::vector<EventRecord> get_events(std::string_view run_id, int64_t after_seq, size_t limit) const override {
    return inner_.get_events(run_id, after_seq, limit);
  }

 private:
  template <class F>
  void guarded(const std::string& run_id, F&& write) {
    if (fenced(run_id)) {
      return;
    }
    try {
      write();
    } catch (const std::exception& e) {
      fence(run_id);
      if (on_write_failed_) {
        on_write_failed_(run_id, e);
      }
    }
  }

  RunStore& inner_;
  WriteFailed on_write_failed_;
  mutable std::mutex mutex_;
  std::set<std::string> fenced_;
};

}  // namespace linkhub
