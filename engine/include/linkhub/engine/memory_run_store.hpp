#pragma once

#include <linkhub/engine/run_store.hpp>

#include <map>
#include <mutex>
#include <unordered_map>

namespace linkhub {

// Run state in memory: for tests, benchmarks and one-shot `linkhub run`
// without --db. Holds everything a SQL store holds, so the two are
// interchangeable under the executor.
class MemoryRunStore final : public RunStore {
 public:
  RunRecord create_run(RunRecord run) override;
  void update_run(const RunRecord& run, EventRecord event) override;
  void transition(StepRecord step, EventRecord event) override;
  void append_event(EventRecord event) override;

  std::optional<RunRecord> get_run(std::string_view run_id) const override;
  std::vector<RunRecord> list_runs(size_t limit) const override;
  std::vector<StepRecord> get_steps(std::string_view run_id) const override;
  std::vector<EventRecord> get_events(std::string_view run_id, int64_t after_seq, size_t limit) const override;

  // Forgets every run: a benchmark that runs thousands of runs through one
  // store measures the engine, not a heap grown by everything kept so far.
  void clear();

 private:
  struct RunData {
    RunRecord run;
    // By step id, then item index (-1: the step): a hash first, as a step's
    // record is written at each transition (a map of (id, index) pairs was
    // a tenth of a 1,000-step chain's time in string compares).
    std::unordered_map<std::string, std::map<int, StepRecord>> steps;
    std::vector<EventRecord> events;
  };
  void append_locked(RunData& data, EventRecord&& event);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, RunData> runs_;
  std::unordered_map<std::string, std::string> by_idempotency_key_;
  std::vector<std::string> order_;
};

}  // namespace linkhub
