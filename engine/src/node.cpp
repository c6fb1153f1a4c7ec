#include <linkhub/engine/node.hpp>

#include <linkhub/engine/compile.hpp>
#include <linkhub/engine/cron.hpp>
#include <linkhub/engine/database.hpp>
#include <linkhub/engine/error_codes.hpp>
#include <linkhub/engine/event_type.hpp>
#include <linkhub/engine/store_error.hpp>
#include <linkhub/engine/validator.hpp>

#include "child_runs.hpp"
#include "fenced_run_store.hpp"

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <set>
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

Result<std::string> register_workflow(SqlStore& store, const Workflow& workflow) {
  const std::string hash = workflow_hash(workflow);
  auto schedules = schedules_of(workflow, hash, now_ms());
  if (!schedules) {
    return schedules.error();
  }
  std::error_code ec;
  const auto file = workflow.file.empty() ? std::filesystem::path() : std::filesystem::absolute(workflow.file, ec);
  store.save_workflow(StoredWorkflow{hash, workflow.name, workflow.version, ec ? workflow.file : file.string(),
                                     workflow.source, workflow.concurrency});
  store.sync_schedules(workflow.name, *schedules);
  return hash;
}

Result<RunRecord> enqueue_run(SqlStore& store, const Workflow& workflow, const Json& inputs,
                              const std::string& idempotency_key) {
  auto prepared = Executor::prepare_inputs(workflow, inputs);
  if (!prepared) {
    return prepared.error();
  }
  auto hash = register_workflow(store, workflow);
  if (!hash) {
    return hash.error();
  }
  RunRecord rec;
  rec.workflow = workflow.name;
  rec.workflow_version = workflow.version;
  rec.workflow_hash = *hash;
  rec.inputs = std::move(*prepared);
  rec.idempotency_key = idempotency_key;
  return store.create_run(std::move(rec));
}

// ---------------------------------------------------------------- node

namespace {

// step_concurrency slots in the SQL store, under this node's lease. While
// the database is away a slot cannot be taken (the step tries again later),
// and a slot that could not be given back is given back by the node's loop.
class SqlStepLimiter final : public StepLimiter {
 public:
  SqlStepLimiter(SqlStore& store, std::string owner, std::chrono::milliseconds lease)
      : store_(store), owner_(std::move(owner)), lease_(lease) {}
  bool try_acquire(const std::string& name, int limit, const std::string& holder) override {
    try {
      return store_.try_acquire_slot(name, limit, holder, owner_, lease_);
    } catch (const std::exception&) {
      return false;
    }
  }
  void release(const std::string& name, const std::string& holder) override {
    try {
      store_.release_slot(name, holder);
    } catch (const std::exception&) {
      std::lock_guard lock(mutex_);
      unreleased_.emplace_back(name, holder);
    }
  }
  // The node's loop, once the database answers again.
  void release_pending() {
    std::vector<std::pair<std::string, std::string>> slots;
    {
      std::lock_guard lock(mutex_);
      slots.swap(unreleased_);
    }
    for (const auto& [name, holder] : slots) {
      release(name, holder);
    }
  }

 private:
  SqlStore& store_;
  std::string owner_;
  std::chrono::milliseconds lease_;
  std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> unreleased_;
};

}  // namespace

struct Node::Impl {
  const PluginHost& host;
  SqlStore& store;
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
  // Runs whose write failed: stopped here (cancelled), and once the executor
  // is done with them, their lease given back so any node resumes them
  // without waiting for it to lapse.
  std::set<std::string> to_cancel;
  std::set<std::string> to_release;
  std::shared_ptr<SqlStepLimiter> slots;
  // The database outage under way, if any (the loop waits and retries).
  bool outage = false;
  int outage_failures = 0;
  Clock::time_point outage_since{};
  std::minstd_rand random{std::random_device{}()};
  std::atomic<bool> stopping{false};
  std::unordered_map<std::string, std::shared_ptr<const Plan>> plans;  // by workflow hash

  Impl(const PluginHost& h, SqlStore& s, ExecutorOptions exec, NodeOptions o)
      : host(h),
        store(s),
        fenced(s, [this](const std::string& id, const std::exception& e) { write_failed(id, e); }),
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
        store, options.poll, [this](const std::string& child, const std::string& parent) { adopt(child, parent); });
    exec.run_starter = child_runs;
    exec.on_run_finished = [this](const RunRecord& run) {
      const bool given_away = fenced.fenced(run.id);
      fenced.unfence(run.id);
      {
        std::lock_guard lock(mutex);
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
      store.wake_local();
    };
    if (options.max_runs == 0) {
      options.max_runs = 4 * static_cast<size_t>(std::max(1, exec.threads));
    }
    if (!exec.step_limits.empty() && !exec.limiter) {
      slots = std::make_shared<SqlStepLimiter>(store, options.owner, options.lease);
      exec.limiter = slots;
    }
    executor = std::make_unique<Executor>(host, fenced, std::move(exec));
  }

  // From an executor thread: the run's transition did not reach the
  // database, so this node can no longer vouch for it (the run is fenced).
  void write_failed(const std::string& id, const std::exception&) {
    {
      std::lock_guard lock(mutex);
      to_cancel.insert(id);
      to_release.insert(id);
      ++stats.dropped;
    }
    store.wake_local();
  }

  // Stops the dropped runs here and gives their leases back once the
  // executor let go of them; slots that could not be released are released.
  void settle_dropped() {
    std::set<std::string> cancel, release;
    {
      std::lock_guard lock(mutex);
      cancel.swap(to_cancel);
      for (const auto& id : to_release) {
        if (held.count(id) == 0) {
          release.insert(id);
        }
      }
    }
    for (const auto& id : cancel) {
      executor->cancel(id);
    }
    for (const auto& id : release) {
      store.release(options.owner, id);  // throws while the database is away: tried again next pass
      std::lock_guard lock(mutex);
      to_release.erase(id);
    }
    if (slots) {
      slots->release_pending();
    }
  }

  // A pass of the loop failed on the database: say so once, and how long to
  // wait before the next pass (bounded, jittered, growing while it lasts).
  std::chrono::milliseconds database_failed(const std::exception& e) {
    if (!outage) {
      outage = true;
      outage_since = Clock::now();
      {
        std::lock_guard lock(mutex);
        ++stats.outages;
      }
      if (options.on_database) {
        options.on_database(std::string(database_unavailable(e) ? "database unreachable" : "database error") + ": " +
                            loggable_error_message(e) + "; retrying with backoff");
      }
    }
    ++outage_failures;
    const linkhub::store::Backoff backoff{std::chrono::milliseconds(50),
                                          std::min(options.lease / 3, std::chrono::milliseconds(2000))};
    return backoff.delay(outage_failures, static_cast<double>(random() % 1000) / 1000.0);
  }

  void database_answered() {
    if (!outage) {
      return;
    }
    outage = false;
    outage_failures = 0;
    if (options.on_database) {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - outage_since).count();
      options.on_database("database reachable again after " + std::to_string(ms) + " ms");
    }
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
    if (auto it = plans.find(hash); it != plans.end()) {
      return it->second;
    }
    auto stored = store.load_workflow(hash);
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
    store.update_run(run, EventRecord{run.id, 0, now_ms(), to_string(EventType::RunFailed), "", -1,
                                      Json{{"error", error}, {"code", run.error_code}}});
    std::lock_guard lock(mutex);
    held.erase(run.id);
    batch_done += batch.count(run.id);
  }

  void start(RunRecord run) {
    {
      std::lock_guard lock(mutex);
      if (held.count(run.id) != 0) {
        // Its lease lapsed while the database was away and the executor is
        // still stopping our earlier copy: hand it back once that is done.
        to_release.insert(run.id);
        return;
      }
      held.insert(run.id);
      ++stats.claimed;
      stats.resumed += run.status == RunStatus::Running ? 1 : 0;
    }
    const std::string id = run.id;
    try {
      auto plan = plan_for(run.workflow_hash);
      if (!plan) {
        fail_run(std::move(run), plan.error().message);
        return;
      }
      const auto steps = store.get_steps(run.id);
      auto started = executor->resume(*plan, run, steps);
      if (!started) {
        fail_run(std::move(run), started.error().message);
      }
    } catch (const std::exception&) {
      // Nothing runs here yet: give the run back once the database answers.
      std::lock_guard lock(mutex);
      held.erase(id);
      to_release.insert(id);
      if (batch.count(id) != 0) {
        adopted.push_back(id);  // a batch looks at it again
      }
      throw;
    }
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
      try {
        runs = store.claim_runs(options.owner, 1, options.lease, id);
        if (runs.empty()) {
          rec = store.get_run(id);
        }
      } catch (const std::exception&) {
        pending.push_front(std::move(id));  // the database is away: look again next pass
        throw;
      }
      if (!runs.empty()) {
        start(std::move(runs.front()));  // a failure adopts it again
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

  // Returns how many runs it claimed.
  size_t claim() {
    size_t free = 0;
    {
      std::lock_guard lock(mutex);
      free = options.max_runs > held.size() ? options.max_runs - held.size() : 0;
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
    auto runs = store.claim_runs(options.owner, free, options.lease);
    for (auto& run : runs) {
      start(std::move(run));
    }
    return runs.size();
  }

  void heartbeat() {
    std::vector<std::string> ids;
    {
      std::lock_guard lock(mutex);
      ids.assign(held.begin(), held.end());
    }
    if (ids.empty()) {
      return;
    }
    LeaseCheck check = store.renew_leases(options.owner, ids, options.lease);
    for (const auto& id : check.lost) {
      // Another node resumed it after our lease lapsed (we stalled): stop
      // ours, and keep what it still reports out of the other node's way.
      fenced.fence(id);
      executor->cancel(id);
      std::lock_guard lock(mutex);
      ++stats.lost;
    }
    for (const auto& id : check.cancel_requested) {
      executor->cancel(id);
    }
  }

  // Creates the runs of due cron ticks. A run's idempotency key is the tick,
  // so two nodes firing the same tick still make one run.
  void fire_schedules() {
    if (!options.scheduler || !store.try_scheduler_lock()) {
      return;
    }
    const int64_t now = now_ms();
    for (const Schedule& s : store.schedules()) {
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
        if (auto stored = store.load_workflow(s.workflow_hash)) {
          rec.workflow_version = stored->version;
          if (auto wf = load_workflow_text(stored->source, stored->file); wf.workflow) {
            if (auto prepared = Executor::prepare_inputs(*wf.workflow, s.inputs)) {
              rec.inputs = *prepared;
            }
          }
        }
        rec.idempotency_key = "cron:" + s.workflow + ":" + std::to_string(s.trigger_index) + ":" + std::to_string(t);
        store.create_run(rec);
        std::lock_guard lock(mutex);
        ++stats.fired;
      }
      store.advance_schedule(s.workflow, s.trigger_index, s.next_fire_ms, next.value_or(INT64_MAX), ticks.back());
    }
  }

  // Wait deadlines (core.wait_for timeouts, core.sleep) are the cluster's:
  // every node times out what is due, in one transaction per pass, and the
  // runs that woke are claimed like any queued run. Returns when to look again.
  Clock::time_point expire_waits() {
    const int64_t now = now_ms();
    const int64_t next = store.expire_waits(now);
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
    return held.size();
  }

  void run() {
    auto next_heartbeat = Clock::now();
    auto next_schedule_check = Clock::now();
    auto next_deadline_check = Clock::now();
    const auto beat = std::max(options.lease / 3, std::chrono::milliseconds(50));
    while (!stopping && !finished_work()) {
      size_t claimed = 0;
      bool idle = false;
      try {
        settle_dropped();
        if (Clock::now() >= next_schedule_check) {
          fire_schedules();
          next_schedule_check = Clock::now() + std::chrono::seconds(1);
        }
        if (Clock::now() >= next_deadline_check) {
          next_deadline_check = expire_waits();
        }
        claimed = claim();
        if (Clock::now() >= next_heartbeat) {
          heartbeat();
          next_heartbeat = Clock::now() + beat;
        }
        idle = options.exit_when_idle && claimed == 0 && in_flight() == 0 && store.queue_depth() == 0;
        database_answered();
      } catch (const std::exception& e) {
        // The database went away (or refused this pass): no database error
        // ends the node. Runs in flight go on until a write of theirs fails;
        // the loop tries again after a backoff, and a stop() still wakes it.
        store.wait_for_work(database_failed(e));
        continue;
      }
      if (finished_work() || idle) {
        break;
      }
      if (claimed > 0) {
        continue;  // there may be more
      }
      auto wait = std::min({options.poll, beat, std::chrono::milliseconds(1000)});
      const auto to_deadline =
          std::chrono::duration_cast<std::chrono::milliseconds>(next_deadline_check - Clock::now());
      wait = std::clamp(to_deadline, std::chrono::milliseconds(1), wait);
      store.wait_for_work(wait);
    }
    // Let what runs here finish; heartbeat meanwhile so no other node takes
    // it. When stopping takes longer than the grace, hand the rest back.
    const auto give_back_at = Clock::now() + options.shutdown_grace;
    while (in_flight() > 0) {
      if (stopping && Clock::now() >= give_back_at) {
        give_back();
        break;
      }
      try {
        settle_dropped();
        heartbeat();
      } catch (const std::exception& e) {
        database_failed(e);  // the leases lapse if the outage outlasts them; other nodes resume the runs
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_back_at - Clock::now());
      store.wait_for_work(
          std::clamp(left, std::chrono::milliseconds(1), std::min(beat, std::chrono::milliseconds(200))));
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
      fenced.fence(id);
      try {
        store.append_event(EventRecord{id, 0, now_ms(), "run.released", "", -1,
                                       Json{{"node", options.owner}, {"reason", "the node shut down"}}});
        store.release(options.owner, id);
      } catch (const std::exception&) {
        // The database is away: the run's lease lapses instead, and another node resumes it.
      }
      executor->cancel(id);
      std::lock_guard lock(mutex);
      ++stats.released;
    }
    // Steps that honour cancellation end at once; do not wait long for others.
    const auto until = Clock::now() + std::chrono::seconds(5);
    while (in_flight() > 0 && Clock::now() < until) {
      store.wait_for_work(std::chrono::milliseconds(50));
    }
  }
};

Node::Node(const PluginHost& host, SqlStore& store, ExecutorOptions executor, NodeOptions options)
    : impl_(std::make_unique<Impl>(host, store, std::move(executor), std::move(options))) {}

Node::~Node() = default;

void Node::run() {
  impl_->run();
}

void Node::stop() {
  impl_->stopping = true;
  impl_->store.wake_local();
}

const std::string& Node::owner() const {
  return impl_->options.owner;
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
