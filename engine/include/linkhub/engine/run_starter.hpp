#pragma once
// How a step starts another workflow's run (the built-in `workflow.start`):
// the node that executes the parent run offers this to its executor, which
// hands it to the step with its StepCall. A child run is created through the
// same durable path as a REST trigger with an Idempotency-Key
// (RunStore::create_run), so the key decides whether a run is new.

#include <linkhub/engine/json.hpp>
#include <linkhub/engine/result.hpp>
#include <linkhub/engine/run_store.hpp>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

namespace linkhub {

// Chains of runs started by steps stop here: the run at this depth may not
// start another (a cycle of workflows starting each other without keys).
inline constexpr int kMaxChildRunDepth = 8;

struct ChildRunRequest {
  std::string parent_run_id;
  std::string parent_step;  // "<step id>" or "<step id>[<index>]"
  // The directory of the parent's workflow file: a target given as a path,
  // or a name with no registered workflow, is looked for there.
  std::string workflow_dir;
  std::string workflow;  // a registered name, or a path to a .yaml file
  Json inputs = Json::object();
  // Already scoped by the step: the same key for the same child workflow
  // always finds the same run.
  std::string key;
};

struct ChildRun {
  RunRecord run;
  bool started = false;  // false: the key had a run already
};

class RunStarter {
 public:
  virtual ~RunStarter() = default;
  // Resolves the workflow, checks the inputs against its declared inputs and
  // creates the run (or finds the key's run). Errors carry codes:
  // not_found (no such workflow), invalid_input (inputs), invalid_workflow
  // (the chain is too deep, the file does not load).
  virtual Result<ChildRun> start(const ChildRunRequest& request) = 0;
  // The run once it has finished, or its latest state when `deadline` passes
  // or `cancelled` is set first. Wakes when a run finishes on this node; runs
  // finishing on other nodes are seen within the node's poll interval.
  virtual std::optional<RunRecord> wait(const std::string& run_id, std::chrono::steady_clock::time_point deadline,
                                        const std::atomic<bool>* cancelled) = 0;
};

}  // namespace linkhub
