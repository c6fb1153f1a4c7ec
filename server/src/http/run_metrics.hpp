#pragma once
// Turns the events of the runs this node executes (ExecutorOptions.on_event)
// into metrics: runs started and finished by workflow and status, and step
// durations by plugin step. Events name a step by its id; the plugin step it
// uses comes from the workflow version the run started with.

#include "http/metrics.hpp"

#include <linkhub/engine/sql_store.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace linkhub::http {

// A stored workflow version's steps, by step id: the plugin step each uses
// and whether it is a foreach (empty when the version is not stored).
struct WorkflowStep {
  std::string uses;
  bool foreach = false;
};
using WorkflowSteps = std::unordered_map<std::string, WorkflowStep>;
WorkflowSteps workflow_steps(const SqlStore& store, const std::string& hash);

class RunMetrics {
 public:
  RunMetrics(SqlStore& store, Metrics& metrics) : store_(store), metrics_(metrics) {}
  // Called from the executor's threads after each event is stored.
  void on_event(const EventRecord& event);
  // Called when the executor takes a run (ExecutorOptions.on_run_launched):
  // its events then find its workflow here, not by reading the run back.
  void on_run_launched(const RunRecord& run);

 private:
  using Steps = WorkflowSteps;
  struct RunInfo {
    std::string workflow;
    std::shared_ptr<const Steps> steps;
  };

  std::shared_ptr<const RunInfo> run_info(const std::string& run_id);
  std::shared_ptr<const Steps> steps_of(const std::string& hash);

  SqlStore& store_;
  Metrics& metrics_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const RunInfo>> runs_;    // in flight here
  std::unordered_map<std::string, std::shared_ptr<const Steps>> versions_;  // by workflow hash
};

}  // namespace linkhub::http
