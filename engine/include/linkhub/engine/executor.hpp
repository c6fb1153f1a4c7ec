#pragma once

#include <linkhub/engine/compile.hpp>
#include <linkhub/engine/json.hpp>
#include <linkhub/engine/plugin_host.hpp>
#include <linkhub/engine/result.hpp>
#include <linkhub/engine/run_store.hpp>
#include <linkhub/engine/step_limiter.hpp>
#include <linkhub/engine/workflow.hpp>
#include <linkhub/lua/sandbox.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace linkhub {

class CircuitBreakers;
class RunStarter;

struct ExecutorOptions {
  int threads = 2;
  // A step's start (its record and step.started event) is written once the
  // step has run this long, or with its end when it ends sooner: one commit
  // per step instead of two. Before its plugin is called, the store is asked
  // whether the run may still be called here (RunStore::may_call_step: a
  // node's lease). 0: written, and its lease checked by the database, before
  // the plugin is called.
  std::chrono::milliseconds start_record_after{50};
  lua::Limits expression_limits;
  // Each run's scratch directory is <artifact_dir>/<run id>; the
  // content-addressed store (ctx.put_artifact) is <artifact_dir>/objects.
  std::filesystem::path artifact_dir = ".linkhub/artifacts";
  // Where artifacts are kept beyond <artifact_dir>/objects (the s3 backend),
  // which is then a cache; null: that folder is the store.
  std::shared_ptr<const ArtifactRemote> artifact_remote;
  Json plugin_configs = Json::object();        // plugin name -> its config section
  std::map<std::string, std::string> secrets;  // visible as `secrets`; redacted from logs and errors
  Json env = Json::object();                   // allow-listed environment, visible as `env`
  // Called after each event is stored, from worker threads (serialise yourself).
  std::function<void(const EventRecord&)> on_event;
  // Called when this executor takes a run (started or resumed here), before
  // any of its events: what the events do not repeat (its workflow, version).
  std::function<void(const RunRecord&)> on_run_launched;
  // Called when a run has finished and its final state is stored. When set,
  // the executor keeps no finished run for wait(): the callback is told instead.
  std::function<void(const RunRecord&)> on_run_finished;
  // At most N executions at once of a plugin step ("plugin.step") or of
  // every step of a plugin ("plugin"); the step's own name wins.
  std::map<std::string, int> step_limits;
  // Where the slots are kept; null = counted in this process.
  std::shared_ptr<StepLimiter> limiter;
  // Handed to plugins (ctx.database_url()) that keep their data beside the runs.
  std::string database_url;
  // Handed to plugins (ctx.http_allow()): what outbound HTTP may reach beyond public addresses.
  std::vector<std::string> http_allow;
  // The process's per-host circuit breakers for plugins' outbound HTTP; null = none.
  std::shared_ptr<CircuitBreakers> circuit_breakers;
  // Starts child runs for workflow.start steps (a Node sets its own); null:
  // those steps fail with code unavailable.
  std::shared_ptr<RunStarter> run_starter;
};

struct StepResult {
  std::string id;
  StepStatus status = StepStatus::Pending;
  int attempts = 0;
  Json output;
  std::string error;
  int64_t duration_us = 0;
  std::string error_code;  // error_codes.hpp
  Json error_details;
};

struct RunResult {
  std::string run_id;
  RunStatus status = RunStatus::Queued;
  Json outputs = Json::object();
  std::string error;
  std::string error_code;  // error_codes.hpp
  Json error_details;
  std::vector<StepResult> steps;  // in declaration order
};

// Runs workflows on a fixed pool of threads. Ready steps run in parallel;
// when a step finishes, a newly ready step continues on the same thread.
// Retries wait on a timer, not on a pool thread. Every transition is recorded
// in the RunStore before the executor acts on it.
class Executor {
 public:
  Executor(const PluginHost& host, RunStore& store, ExecutorOptions options);
  ~Executor();  // waits for the runs in flight
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // compile_workflow with this executor's plan options: validates, resolves
  // every `uses` and compiles templates. The error is the first finding.
  Result<std::shared_ptr<const Plan>> prepare(const Workflow& workflow) const;
  // What compile_workflow needs from this executor's options, for callers
  // that compile from text themselves.
  PlanOptions plan_options() const;

  // linkhub::prepare_inputs (compile.hpp).
  static Result<Json> prepare_inputs(const Workflow& workflow, const Json& given);

  // Starts a run and returns its id at once.
  Result<std::string> start(std::shared_ptr<const Plan> plan, const Json& inputs,
                            const std::string& idempotency_key = "");
  // Continues a run recorded in a store, after a crash or a requeue: steps
  // that finished keep their outputs (and foreach items that succeeded keep
  // theirs); the others run again with the same idempotency keys and their
  // attempt numbers carrying on. `run` is the stored record (queued or running).
  Result<std::string> resume(std::shared_ptr<const Plan> plan, RunRecord run, const std::vector<StepRecord>& steps);
  // A run that is not stored yet (Node::submit, WorkQueue::creates_with_first_write):
  // its insert, claimed by `owner` for `lease`, goes first in its first batch of writes.
  struct Creation {
    std::string owner;
    std::chrono::milliseconds lease{0};
  };
  Result<std::string> start_unstored(std::shared_ptr<const Plan> plan, RunRecord run, Creation creation);
  // Writes what the run has queued (a pure step's end held back, its
  // insert) if it is still here; returns once that is written or failed.
  void flush(const std::string& run_id);

  // Blocks until the run has finished.
  RunResult wait(const std::string& run_id);
  // start + wait.
  Result<RunResult> run(std::shared_ptr<const Plan> plan, const Json& inputs);
  // Asks running steps to stop (they see is_cancelled) and starts nothing new.
  bool cancel(const std::string& run_id);

  int threads() const;

  // While one is alive, the pure steps (LH_STEP_PURE) of a run this thread
  // starts (start, resume; through Node::submit too) that are ready first,
  // and the pure steps each of them makes ready, run on this thread, inside
  // that call; the first step that is not pure goes to the pool. For a
  // thread that would only wait for the run (an HTTP `?wait`): no hand-off
  // to a pool thread and back. A pure step is computation only, so the
  // call returns about as soon as it would have.
  class RunPureStepsHere {
   public:
    RunPureStepsHere();
    ~RunPureStepsHere();
    RunPureStepsHere(const RunPureStepsHere&) = delete;
    RunPureStepsHere& operator=(const RunPureStepsHere&) = delete;
    static bool active();  // on this thread

   private:
    bool outer_;
  };

 private:
  Result<std::string> resume_run(std::shared_ptr<const Plan> plan, RunRecord run, const std::vector<StepRecord>& steps,
                                 const Creation* creation);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linkhub
