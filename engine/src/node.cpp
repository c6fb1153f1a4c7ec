#include <linkhub/engine/node.hpp>

#include <linkhub/engine/compile.hpp>
#include <linkhub/engine/cron.hpp>
#include <linkhub/engine/database.hpp>
#include <linkhub/engine/error_codes.hpp>
#include <linkhub/engine/event_type.hpp>
#include <linkhub/engine/validator.hpp>

#include "child_runs.hpp"
#include "fenced_run_store.hpp"
#include "plan.hpp"

#include <linkhub/engine/store_error.hpp>

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>

namespace linkhub {
namespace {

using Clock = std::chrono::steady_clock;

std::string default_owner() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  std::random_device rd;
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", rd());
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + suffix;
}

// `triggers:` entries of the form {schedule: {cron, inputs, missed}}.
Result<std::vector<Schedule>> schedules_of(const Workflow& wf, const std::string& hash, int64_t now) {
  std::vector<Schedule> out;
  for (size_t i = 0; i < wf.triggers.size(); ++i) {
    const Json& t = wf.triggers[i];
    const std::string where = "workflow '" + wf.name + "': triggers[" + std::to_string(i) + "]";
    if (!t.is_object() || !t.contains("schedule")) {
      continue;  // other trigger kinds (webhooks) are the server's
    }
    const Json& s = t["schedule"];
    if (!s.is_object() || !s.contains("cron") || !s["cron"].is_string()) {
      return Error{where + ".schedule: expected {cron: \"m h dom mon dow\", inputs: {...}, missed: skip|catch_up}"};
    }
    auto cron = CronSchedule::parse(s["cron"].get<std::string>());
    if (!cron) {
      return Error{where + ".schedule.cron: " + cron.error().message};
    }
    Schedule sched;
    sched.workflow = wf.name;
    sched.trigger_index = static_cast<int>(i);
    sched.workflow_hash = hash;
    sched.cron = cron->text();
    sched.inputs = s.value("inputs", Json::object());
    sched.missed = s.value("missed", std::string("skip"));
    if (sched.missed != "skip" && sched.missed != "catch_up") {
      return Error{where + ".schedule.missed: expected skip or catch_up, found '" + sched.missed + "'"};
    }
    if (auto prepared = Executor::prepare_inputs(wf, sched.inputs); !prepared) {
      return Error{where + ".schedule.inputs: " + prepared.error().message};
    }
    auto next = cron->next_after(now);
    if (!next) {
      return Error{where + ".schedule.cron: '" + sched.cron + "' never fires"};
    }
    sched.next_fire_ms = *next;
    out.push_back(std::move(sched));
  }
  return out;
}

}  // namespace

Result<std::string> register_workflow(NodeStores stores, const Workflow& workflow) {
  const std::string hash = workflow_hash(workflow);
  auto schedules = schedules_of(workflow, hash, now_ms());
  if (!schedules) {
    return schedules.error();
  }
  std::error_code ec;
  const auto file = workflow.file.empty() ? std::filesystem::path() : std::filesystem::absolute(workflow.file, ec);
  stores.workflows.save_workflow(StoredWorkflow{hash, workflow.name, workflow.version,
                                                ec ? workflow.file : file.string(), workflow.source,
                                                workflow.concurrency});
  stores.schedules.sync_schedules(workflow.name, *schedules);
  return hash;
}

Result<std::string> register_workflow(SqlStore& store, const Workflow& workflow) {
  return register_workflow(NodeStores::of(store), workflow);
}

Result<RunRecord> enqueue_run(NodeStores stores, const Workflow& workflow, const Json& inputs,
                              const std::string& idempotency_key) {
  auto prepared = Executor::prepare_inputs(workflow, inputs);
  if (!prepared) {
    return prepared.error();
  }
  auto hash = register_workflow(stores, workflow);
  if (!hash) {
    return hash.error();
  }
  RunRecord rec;
  rec.workflow = workflow.name;
  rec.workflow_version = workflow.version;
  rec.workflow_hash = *hash;
  rec.inputs = std::move(*prepared);
  rec.idempotency_key = idempotency_key;
  return stores.runs.create_run(std::move(rec));
}

Result<RunRecord> enqueue_run(SqlStore& store, const Workflow& workflow, const Json& inputs,
                              const std::string& idempotency_key) {
  return enqueue_run(NodeStores::of(store), workflow, inputs, idempotency_key);
}

// ---------------------------------------------------------------- node

namespace {

// step_concurrency slots in the slot store, under this node's lease and the
// epoch of its claim on the step's run (the holder is the step's idempotency
// key, "<run id>/<step>[/<item>]"). A stale or failed slot write drops the run.
class SlotStepLimiter final : public StepLimiter {
 public:
  SlotStepLimiter(SlotStore& store, FencedRunStore& fenced, std::string owner, std::chrono::milliseconds lease)
      : store_(store), fenced_(fenced), owner_(std::move(owner)), lease_(lease) {}
  bool try_acquire(const std::string& name, int limit, const std::string& holder) override {
    const std::string run = holder.substr(0, holder.find('/'));
    auto epoch = fenced_.epoch(run);
    if (!epoch || fenced_.fenced(run)) {
      return false;  // dropped here: the executor was told to cancel it
    }
    try {
      switch (store_.try_acquire_slot(name, limit, holder, owner_, lease_, HeldRun{run, *epoch})) {
        case SlotClaim::taken:
          return true;
        case SlotClaim::full:
          return false;
        case SlotClaim::stale:
          fenced_.drop(run, FencedRunStore::Drop::stale);
          return false;
      }
    } catch (const std::exception& e) {
      fenced_.drop(run, FencedRunStore::Drop::failed, loggable_error_message(e));
    }
    return false;
  }
  void release(const std::string& name, const std::string& holder) override {
    const std::string run = holder.substr(0, holder.find('/'));
    if (auto epoch = fenced_.epoch(run)) {
      try {
        store_.release_slot(name, holder, HeldRun{run, *epoch});
      } catch (const std::exception&) {
        // The slot lapses with the run's lease (renew_leases extends only the slots of runs held).
      }
    }
  }

 private:
  SlotStore& store_;
  FencedRunStore& fenced_;
  std::string owner_;
  std::chrono::milliseconds lease_;
};

const char* drop_reason(FencedRunStore::Drop why) {
  switch (why) {
    case FencedRunStore::Drop::stale:
      return "the database refused this node's write: another node took the run over (its lease epoch moved on), "
             "or its lease lapsed before a step could start";
    case FencedRunStore::Drop::failed:
      return "a write for it failed";
    case FencedRunStore::Drop::lost:
      return "another node took the run over after this node's lease lapsed";
    case FencedRunStore::Drop::released:
      return "handed back to the queue";
  }
  return "";
}

}  // namespace

struct Node::Impl {
  const PluginHost& host;
  NodeStores stores;
  FencedRunStore fenced;  // what the executor writes through
  NodeOptions options;
  std::unique_ptr<Executor> executor;

  std::mutex mutex;
  std::set<std::string> held;  // runs in flight here
  // With only_runs: the ones not claimed yet, and how many have finished.
  std::deque<std::string> pending;
  std::set<std::string> batch;
  // Runs of the batch to look at again, not yet in `pending`: the child runs
  // that its runs started (workflow.start), and runs given away meanwhile.
  std::vector<std::string> adopted;
  std::shared_ptr<ChildRuns> child_runs;
  size_t batch_done = 0;
  NodeStats stats;
  std::atomic<bool> stopping{false};
  // Under `mutex`: whether submit() may start runs here (from construction
  // until run() leaves its main loop), and the room submits took between
  // their check and start().
  bool accepting = true;
  size_t reserved = 0;
  // Under `mutex`: runs submit() started before their insert was stored
  // (creates_with_first_write), and whether one of their writes failed.
  std::unordered_map<std::string, bool> unstored;
  std::mutex plans_mutex;  // start() runs on the node's thread and on submit()'s callers
  std::unordered_map<std::string, std::shared_ptr<const Plan>> plans;  // by workflow hash

  Impl(const PluginHost& h, NodeStores s, ExecutorOptions exec, NodeOptions o)
      : host(h),
        stores(s),
        fenced(s.runs, s.leased,
               [this](const std::string& id, FencedRunStore::Drop why, const std::string& detail) {
                 dropped(id, why, detail);
               }),
        options(std::move(o)) {
    if (options.owner.empty()) {
      options.owner = default_owner();
    }
    for (const auto& id : options.only_runs) {
      if (batch.insert(id).second) {
        pending.push_back(id);
      }
    }
    // A fenced run's events were not stored: nobody may hear of them either.
    exec.on_event = [this, listener = std::move(exec.on_event)](const EventRecord& event) {
      if (listener && !fenced.fenced(event.run_id)) {
        listener(event);
      }
    };
    child_runs = std::make_shared<ChildRuns>(
        stores, options.poll, [this](const std::string& child, const std::string& parent) { adopt(child, parent); },
        [this](RunRecord run) { return submit(std::move(run)); });
    exec.run_starter = child_runs;
    exec.on_run_finished = [this](const RunRecord& run) {
      const bool given_away = fenced.fenced(run.id);
      fenced.unfence(run.id);
      bool wake = true;
      {
        std::lock_guard lock(mutex);
        // The loop looks for more work when there is room for it: only a
        // node that was full may have passed queued runs by (work queued
        // while it had room woke it then). A claim after every run, for
        // nothing, was a tenth of a cluster's statements on PostgreSQL. A
        // node that counts its runs (a batch) or is stopping wants to know.
        wake = held.size() + reserved >= options.max_runs || !batch.empty() || !accepting || options.exit_when_idle;
        held.erase(run.id);
        if (!given_away) {
          // A parked run is done here too: whoever gets its event resumes it.
          ++(run.status == RunStatus::Waiting ? stats.parked : stats.finished);
          batch_done += batch.count(run.id);
        } else if (batch.count(run.id) != 0) {
          adopted.push_back(run.id);  // its fate is the store's now: claim_batch looks again
        }
      }
      child_runs->finished();
      if (wake) {
        stores.queue.wake_local();
      }
    };
    if (options.max_runs == 0) {
      options.max_runs = 4 * static_cast<size_t>(std::max(1, exec.threads));
    }
    if (!exec.step_limits.empty() && !exec.limiter) {
      exec.limiter = std::make_shared<SlotStepLimiter>(stores.slots, fenced, options.owner, options.lease);
    }
    executor = std::make_unique<Executor>(host, fenced, std::move(exec));
  }

  // A run this node no longer writes (FencedRunStore::Drop): its steps here
  // are cancelled and end without a trace in the store; the node goes on with
  // its other runs. Whoever holds the run now (or claims it once this node's
  // lease lapses, after a failed write) carries it on from what is stored.
  void dropped(const std::string& id, FencedRunStore::Drop why, const std::string& detail) {
    executor->cancel(id);
    {
      std::lock_guard lock(mutex);
      if (auto it = unstored.find(id); it != unstored.end()) {
        it->second = true;
      }
      switch (why) {
        case FencedRunStore::Drop::stale:
          ++stats.stale_writes;
          break;
        case FencedRunStore::Drop::failed:
          ++stats.failed_writes;
          break;
        case FencedRunStore::Drop::lost:
          ++stats.lost;
          break;
        case FencedRunStore::Drop::released:
          ++stats.released;
          return;  // give_back says why
      }
    }
    std::cerr << "linkhub: node " << options.owner << ": run " << id << ": " << drop_reason(why)
              << (detail.empty() ? "" : " (" + detail + ")")
              << "; its steps here are cancelled, it writes nothing more\n";
  }

  // A batch (`linkhub run`) runs what its runs start too, so the command
  // returns with the children done and a waiting step never waits for a node
  // that is not there. Nodes that serve the whole queue claim children anyway.
  void adopt(const std::string& child, const std::string& parent) {
    std::lock_guard lock(mutex);
    if (batch.count(parent) != 0 && batch.insert(child).second) {
      adopted.push_back(child);
    }
  }

  Result<std::shared_ptr<const Plan>> plan_for(const std::string& hash) {
    std::lock_guard lock(plans_mutex);
    if (auto it = plans.find(hash); it != plans.end()) {
      return it->second;
    }
    auto stored = stores.workflows.load_workflow(hash);
    if (!stored) {
      return Error{"its workflow (version " + hash + ") is not in the database"};
    }
    Compiled compiled = compile_workflow(stored->source, stored->file, host, executor->plan_options());
    if (!compiled.ok()) {
      return Error{"workflow '" + stored->name + "' does not load on node " + options.owner + ": " +
                   compiled.first_problem()};
    }
    auto plan = compiled.plan;
    plans[hash] = plan;
    return plan;
  }

  // The run cannot start on this node: its workflow does not load or plan here.
  void fail_run(RunRecord run, const std::string& error) {
    run.status = RunStatus::Failed;
    run.error = error;
    run.error_code = error_codes::invalid_workflow;
    run.finished_ms = now_ms();
    fenced.update_run(run, EventRecord{run.id, 0, now_ms(), to_string(EventType::RunFailed), "", -1,
                                       Json{{"error", error}, {"code", run.error_code}}});
    forget(run.id, !fenced.fenced(run.id));
  }

  // The executor never took the run (or is done with it outside on_run_finished).
  void forget(const std::string& id, bool done) {
    fenced.unfence(id);
    std::lock_guard lock(mutex);
    held.erase(id);
    if (done) {
      batch_done += batch.count(id);
    } else if (batch.count(id) != 0) {
      adopted.push_back(id);  // claim_batch looks again
    }
  }

  // `asked`: when the claim was asked for (its lease runs from then, by this process's clock).
  // `plan`: the run's, when it is not stored yet (its insert is its first write).
  void start(RunRecord run, Clock::time_point asked, std::shared_ptr<const Plan> unstored_plan = nullptr) {
    {
      std::lock_guard lock(mutex);
      held.insert(run.id);
      ++stats.claimed;
      stats.resumed += run.status == RunStatus::Running ? 1 : 0;
    }
    fenced.hold(run.id, run.lease_epoch, asked + options.lease);
    if (unstored_plan) {
      auto started = executor->start_unstored(std::move(unstored_plan), std::move(run),
                                              Executor::Creation{options.owner, options.lease});
      if (!started) {
        throw std::logic_error("a new run did not start: " + started.error().message);  // it cannot: fresh, same plan
      }
      return;
    }
    std::vector<StepRecord> steps;
    Result<std::shared_ptr<const Plan>> plan = Error{""};
    try {
      plan = plan_for(run.workflow_hash);
      // A queued run claimed for the first time (epoch 1, also when created
      // claimed) has no steps stored: steps are written with or after the
      // run's start (status running), and a retried run keeps its steps under
      // a later epoch (requeue_run bumps it).
      const bool no_steps = run.status == RunStatus::Queued && run.lease_epoch == 1;
      steps = plan && !no_steps ? stores.runs.get_steps(run.id) : steps;
    } catch (const std::exception& e) {
      // Claimed but not started: the run resumes once this node's lease lapses.
      std::cerr << "linkhub: node " << options.owner << ": run " << run.id
                << ": cannot read it to start it: " << loggable_error_message(e) << "\n";
      forget(run.id, false);
      return;
    }
    if (!plan) {
      fail_run(std::move(run), plan.error().message);
      return;
    }
    auto started = executor->resume(*plan, run, steps);
    if (!started) {
      fail_run(std::move(run), started.error().message);
    }
  }

  RunRecord submit(RunRecord run) {
    bool room = false;
    {
      std::lock_guard lock(mutex);
      room = accepting && !stopping && batch.empty() && held.size() + reserved < options.max_runs;
      reserved += room ? 1 : 0;
    }
    if (!room) {
      return stores.runs.create_run(std::move(run));  // queued for any node
    }
    struct Unreserve {
      Impl& node;
      ~Unreserve() {
        std::lock_guard lock(node.mutex);
        --node.reserved;
      }
    } unreserve{*this};
    const auto asked = Clock::now();
    run.status = RunStatus::Queued;
    if (auto plan = created_with_first_write(run)) {
      return submit_unstored(std::move(run), std::move(plan), asked);
    }
    CreatedRun created = stores.queue.create_claimed_run(std::move(run), options.owner, options.lease);
    if (created.claimed) {
      {
        std::lock_guard lock(mutex);
        ++stats.submitted;
      }
      start(created.run, asked);
    }
    return created.run;
  }

  // The run's plan when its insert may go with its first writes: on a store
  // that does that (SQLite: one commit fewer for a run that waits for each),
  // for a caller that runs its first pure steps and waits for the run
  // (Executor::RunPureStepsHere: an HTTP ?wait), with no idempotency key
  // (whether one was used is known only by reading) and no `concurrency`
  // (whether there is room too). Null otherwise: created first, as always.
  std::shared_ptr<const Plan> created_with_first_write(const RunRecord& run) {
    if (!Executor::RunPureStepsHere::active() || !run.idempotency_key.empty() ||
        !stores.queue.creates_with_first_write()) {
      return nullptr;
    }
    try {
      auto plan = plan_for(run.workflow_hash);
      return plan && (*plan)->workflow.concurrency == 0 ? *plan : nullptr;
    } catch (const std::exception&) {
      return nullptr;  // the usual path says what is wrong
    }
  }

  // Runs what it can of the run before its insert is stored, then makes sure
  // that is stored before the run is acknowledged: a write that failed (the
  // database is unreachable) leaves no trace of the run, and the caller an
  // error. A step with an effect is never called before the insert is stored
  // (Executor: the barrier before such a step).
  RunRecord submit_unstored(RunRecord run, std::shared_ptr<const Plan> plan, Clock::time_point asked) {
    if (run.id.empty()) {
      run.id = new_run_id();
    }
    run.created_ms = now_ms();
    run.lease_epoch = 1;
    const std::string id = run.id;
    RunRecord created = run;
    {
      std::lock_guard lock(mutex);
      unstored[id] = false;
    }
    start(std::move(run), asked, std::move(plan));
    executor->flush(id);
    bool failed = false;
    {
      std::lock_guard lock(mutex);
      failed = unstored[id];
      unstored.erase(id);
      stats.submitted += failed ? 0 : 1;
    }
    if (failed) {
      throw DatabaseUnavailable("run " + id + " could not be stored (see the node's log); nothing of it was kept");
    }
    return created;
  }

  // Claims runs of the batch one by one, each once; a run that another live
  // node holds is tried again later, a finished one counts as done.
  size_t claim_batch(size_t free) {
    size_t claimed = 0;
    const size_t tries = pending.size();
    for (size_t i = 0; i < tries && claimed < free && !stopping; ++i) {
      std::string id = std::move(pending.front());
      pending.pop_front();
      std::vector<RunRecord> runs;
      std::optional<RunRecord> rec;
      const auto asked = Clock::now();
      try {
        runs = stores.queue.claim_runs(options.owner, 1, options.lease, id, busy());
        if (runs.empty()) {
          rec = stores.runs.get_run(id);
        }
      } catch (const std::exception&) {
        pending.push_front(std::move(id));  // the database is away: the batch looks again next pass
        throw;
      }
      if (!runs.empty()) {
        start(std::move(runs.front()), asked);
        ++claimed;
        continue;
      }
      if (!rec || rec->status == RunStatus::Succeeded || rec->status == RunStatus::Failed ||
          rec->status == RunStatus::Cancelled) {
        std::lock_guard lock(mutex);
        ++batch_done;  // finished elsewhere, or unknown
      } else {
        pending.push_back(std::move(id));
      }
    }
    return claimed;
  }

  // Runs still winding down here: not claimed again before they are done.
  std::vector<std::string> busy() {
    std::lock_guard lock(mutex);
    return std::vector<std::string>(held.begin(), held.end());
  }

  // Returns how many runs it claimed.
  size_t claim() {
    size_t free = 0;
    {
      std::lock_guard lock(mutex);
      const size_t busy_here = held.size() + reserved;
      free = options.max_runs > busy_here ? options.max_runs - busy_here : 0;
    }
    if (free == 0 || stopping) {
      return 0;
    }
    bool is_batch = false;
    {
      std::lock_guard lock(mutex);
      is_batch = !batch.empty();
      pending.insert(pending.end(), adopted.begin(), adopted.end());
      adopted.clear();
    }
    if (is_batch) {
      return claim_batch(free);
    }
    const auto asked = Clock::now();
    auto runs = stores.queue.claim_runs(options.owner, free, options.lease, "", busy());
    for (auto& run : runs) {
      start(std::move(run), asked);
    }
    return runs.size();
  }

  void heartbeat() {
    std::vector<HeldRun> runs;
    {
      std::lock_guard lock(mutex);
      for (const auto& id : held) {
        if (auto epoch = fenced.epoch(id)) {
          runs.push_back(HeldRun{id, *epoch});
        }
      }
    }
    if (runs.empty()) {
      return;
    }
    const auto asked = Clock::now();
    LeaseCheck check = stores.queue.renew_leases(options.owner, runs, options.lease);
    for (const auto& run : runs) {
      fenced.renewed(run.id, asked + options.lease);  // a lost one is dropped just below
    }
    for (const auto& id : check.lost) {
      // Another node resumed it after our lease lapsed (we stalled): stop
      // ours; the database refuses what it would still write.
      fenced.drop(id, FencedRunStore::Drop::lost);
    }
    for (const auto& id : check.cancel_requested) {
      executor->cancel(id);
    }
  }

  // Creates the runs of due cron ticks. A run's idempotency key is the tick,
  // so two nodes firing the same tick still make one run.
  void fire_schedules() {
    if (!options.scheduler || !stores.schedules.try_scheduler_lock()) {
      return;
    }
    const int64_t now = now_ms();
    for (const Schedule& s : stores.schedules.schedules()) {
      if (s.next_fire_ms > now) {
        continue;
      }
      auto cron = CronSchedule::parse(s.cron);
      if (!cron) {
        continue;
      }
      std::vector<int64_t> ticks;
      int64_t tick = s.next_fire_ms;
      // catch_up fires every missed tick (at most 1000); skip fires the latest one only.
      while (tick <= now && ticks.size() < 1000) {
        ticks.push_back(tick);
        auto next = cron->next_after(tick);
        if (!next) {
          break;
        }
        tick = *next;
      }
      if (s.missed == "skip" && ticks.size() > 1) {
        ticks.erase(ticks.begin(), ticks.end() - 1);
      }
      auto next = cron->next_after(now);
      for (int64_t t : ticks) {
        RunRecord rec;
        rec.workflow = s.workflow;
        rec.workflow_hash = s.workflow_hash;
        rec.inputs = s.inputs;
        if (auto stored = stores.workflows.load_workflow(s.workflow_hash)) {
          rec.workflow_version = stored->version;
          if (auto wf = load_workflow_text(stored->source, stored->file); wf.workflow) {
            if (auto prepared = Executor::prepare_inputs(*wf.workflow, s.inputs)) {
              rec.inputs = *prepared;
            }
          }
        }
        rec.idempotency_key = "cron:" + s.workflow + ":" + std::to_string(s.trigger_index) + ":" + std::to_string(t);
        stores.runs.create_run(rec);
        std::lock_guard lock(mutex);
        ++stats.fired;
      }
      stores.schedules.advance_schedule(s.workflow, s.trigger_index, s.next_fire_ms, next.value_or(INT64_MAX),
                                        ticks.back());
    }
  }

  // Wait deadlines (core.wait_for timeouts, core.sleep) are the cluster's:
  // every node times out what is due, in one transaction per pass, and the
  // runs that woke are claimed like any queued run. Returns when to look again.
  Clock::time_point expire_waits() {
    const int64_t now = now_ms();
    const int64_t next = stores.queue.expire_waits(now);
    auto again = Clock::now() + std::chrono::seconds(1);  // waits other nodes register meanwhile
    if (next > 0 && next - now < 1000) {
      again = Clock::now() + std::chrono::milliseconds(std::max<int64_t>(next - now, 1));
    }
    return again;
  }

  bool finished_work() {
    std::lock_guard lock(mutex);
    if (!batch.empty()) {
      return batch_done >= batch.size() && held.empty();
    }
    return false;
  }

  size_t in_flight() {
    std::lock_guard lock(mutex);
    return held.size() + reserved;
  }

  void stop_accepting() {
    std::lock_guard lock(mutex);
    accepting = false;
  }

  // No database error ends the node: what failed (a claim, a heartbeat, a
  // schedule) is tried again on a later pass. The first failure of a streak
  // is reported (options.on_database), and the loop waits longer (bounded,
  // jittered) while the failures last, so nodes do not storm a database that
  // is coming back.
  Clock::time_point failing_since{};
  int failures = 0;
  template <class F>
  void guard(const char* what, F&& fn) {
    try {
      fn();
      if (failing_since != Clock::time_point{}) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - failing_since).count();
        report_database("database reachable again after " + std::to_string(ms) + " ms");
        failing_since = {};
        failures = 0;
      }
    } catch (const std::exception& e) {
      ++failures;
      if (failing_since == Clock::time_point{}) {
        failing_since = Clock::now();
        {
          std::lock_guard lock(mutex);
          ++stats.outages;
        }
        report_database(std::string(what) +
                        " failed: " + (database_unavailable(e) ? "database unreachable: " : "database error: ") +
                        loggable_error_message(e) + "; retrying with backoff");
      }
    }
  }

  void report_database(const std::string& line) {
    if (options.on_database) {
      options.on_database(line);
    } else {
      std::cerr << "linkhub: node " << options.owner << ": " << line << "\n";
    }
  }

  void wait_for_work(std::chrono::milliseconds wait) {
    if (failing_since != Clock::time_point{}) {
      // No busy loop against a failing database: back off, at most a third of the lease.
      const store::Backoff backoff{std::chrono::milliseconds(50),
                                   std::min(options.lease / 3, std::chrono::milliseconds(2000))};
      wait = std::max(wait, backoff.delay(failures, static_cast<double>(random() % 1000) / 1000.0));
    }
    try {
      stores.queue.wait_for_work(wait);
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::max(wait, std::chrono::milliseconds(200)));  // the wake-up channel is down
    }
  }

  void run() {
    auto next_heartbeat = Clock::now();
    auto next_schedule_check = Clock::now();
    auto next_deadline_check = Clock::now();
    const auto beat = std::max(options.lease / 3, std::chrono::milliseconds(50));
    while (!stopping && !finished_work()) {
      if (Clock::now() >= next_schedule_check) {
        guard("firing schedules", [&] { fire_schedules(); });
        next_schedule_check = Clock::now() + std::chrono::seconds(1);
      }
      if (Clock::now() >= next_deadline_check) {
        next_deadline_check = Clock::now() + std::chrono::seconds(1);
        guard("timing out waits", [&] { next_deadline_check = expire_waits(); });
      }
      size_t claimed = 0;
      guard("claiming runs", [&] { claimed = claim(); });
      if (Clock::now() >= next_heartbeat) {
        guard("renewing leases", [&] { heartbeat(); });
        next_heartbeat = Clock::now() + beat;
      }
      if (finished_work()) {
        break;
      }
      bool idle = false;
      if (options.exit_when_idle && claimed == 0 && in_flight() == 0) {
        guard("reading the queue", [&] { idle = stores.queue.queue_depth() == 0; });
      }
      if (idle) {
        break;
      }
      if (claimed > 0 && failing_since == Clock::time_point{}) {
        continue;  // there may be more
      }
      auto wait = std::min({options.poll, beat, std::chrono::milliseconds(1000)});
      const auto to_deadline =
          std::chrono::duration_cast<std::chrono::milliseconds>(next_deadline_check - Clock::now());
      wait = std::clamp(to_deadline, std::chrono::milliseconds(1), wait);
      wait_for_work(wait);
    }
    stop_accepting();  // what submit() started is waited for below (in_flight)
    // Let what runs here finish; heartbeat meanwhile so no other node takes
    // it. When stopping takes longer than the grace, hand the rest back.
    const auto give_back_at = Clock::now() + options.shutdown_grace;
    while (in_flight() > 0) {
      if (stopping && Clock::now() >= give_back_at) {
        give_back();
        break;
      }
      guard("renewing leases", [&] { heartbeat(); });
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_back_at - Clock::now());
      wait_for_work(std::clamp(left, std::chrono::milliseconds(1), std::min(beat, std::chrono::milliseconds(200))));
    }
  }

  // Shutdown past the grace: every run in flight goes back to the queue with
  // an event saying so; its steps here are cancelled and forgotten (fenced),
  // and whichever node claims it next runs them again.
  void give_back() {
    std::vector<std::string> ids;
    {
      std::lock_guard lock(mutex);
      ids.assign(held.begin(), held.end());
    }
    for (const auto& id : ids) {
      auto epoch = fenced.epoch(id);
      if (!epoch || !fenced.drop(id, FencedRunStore::Drop::released)) {
        continue;  // already dropped: not this node's to hand back
      }
      guard("handing a run back", [&] {
        const HeldRun run{id, *epoch};
        if (stores.leased.append_event(EventRecord{id, 0, now_ms(), "run.released", "", -1,
                                                   Json{{"node", options.owner}, {"reason", "the node shut down"}}},
                                       run.epoch) == LeaseWrite::done) {
          stores.queue.release(options.owner, run);
        }
      });
    }
    // Steps that honour cancellation end at once; do not wait long for others.
    const auto until = Clock::now() + std::chrono::seconds(5);
    while (in_flight() > 0 && Clock::now() < until) {
      wait_for_work(std::chrono::milliseconds(50));
    }
  }
};

Node::Node(const PluginHost& host, NodeStores stores, ExecutorOptions executor, NodeOptions options)
    : impl_(std::make_unique<Impl>(host, stores, std::move(executor), std::move(options))) {}

Node::Node(const PluginHost& host, SqlStore& store, ExecutorOptions executor, NodeOptions options)
    : Node(host, NodeStores::of(store), std::move(executor), std::move(options)) {}

Node::~Node() = default;

void Node::run() {
  impl_->run();
}

void Node::stop() {
  impl_->stopping = true;
  impl_->stores.queue.wake_local();
}

const std::string& Node::owner() const {
  return impl_->options.owner;
}

RunRecord Node::submit(RunRecord run) {
  return impl_->submit(std::move(run));
}

NodeStats Node::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

}  // namespace linkhub

namespace linkhub {

Result<RunRecord> retry_run(SqlStore& store, const std::string& run_id, const std::string& from_step) {
  auto run = store.get_run(run_id);
  if (!run) {
    return Error{"no run " + run_id + " in " + store.display_url()};
  }
  auto stored = store.load_workflow(run->workflow_hash);
  if (!stored) {
    return Error{"run " + run_id + ": its workflow version " + run->workflow_hash + " is not in the database"};
  }
  LoadResult loaded = load_workflow_text(stored->source, stored->file);
  if (!loaded.workflow) {
    return Error{"run " + run_id + ": its workflow no longer parses"};
  }
  const Workflow& wf = *loaded.workflow;
  std::unordered_map<std::string, std::vector<std::string>> dependents;
  for (const auto& step : wf.steps) {
    for (const auto& need : step.needs) {
      dependents[need].push_back(step.id);
    }
  }
  std::vector<std::string> roots;
  if (!from_step.empty()) {
    const bool known =
        std::any_of(wf.steps.begin(), wf.steps.end(), [&](const StepDecl& s) { return s.id == from_step; });
    if (!known) {
      std::string ids;
      for (const auto& s : wf.steps) {
        ids += (ids.empty() ? "" : ", ") + s.id;
      }
      return Error{"workflow '" + wf.name + "' has no step '" + from_step + "' (its steps: " + ids + ")"};
    }
    roots.push_back(from_step);
  } else {
    for (const auto& rec : store.get_steps(run_id)) {
      if (rec.index < 0 && (rec.status == StepStatus::Failed || rec.status == StepStatus::Cancelled)) {
        roots.push_back(rec.step_id);
      }
    }
    if (roots.empty() && run->status == RunStatus::Succeeded) {
      return Error{"run " + run_id + " succeeded: nothing failed to retry (use --from STEP to run from a step again)"};
    }
  }
  // Everything downstream of the roots, in declaration order.
  std::set<std::string> chosen(roots.begin(), roots.end());
  std::vector<std::string> queue = roots;
  while (!queue.empty()) {
    const std::string id = queue.back();
    queue.pop_back();
    for (const auto& d : dependents[id]) {
      if (chosen.insert(d).second) {
        queue.push_back(d);
      }
    }
  }
  std::vector<std::string> ordered;
  for (const auto& step : wf.steps) {
    if (chosen.count(step.id) != 0) {
      ordered.push_back(step.id);
    }
  }
  return store.requeue_run(run_id, ordered, from_step.empty());
}

}  // namespace linkhub
