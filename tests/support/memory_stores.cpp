#include "memory_stores.hpp"

#include <linkhub/engine/event_type.hpp>

#include <algorithm>
#include <tuple>

namespace linkhub::test {

bool MemoryStores::unfinished(const Run& run) {
  return run.record.status == RunStatus::Queued || run.record.status == RunStatus::Running;
}

bool MemoryStores::holds(const std::string& run_id, int64_t epoch, bool live) const {
  if (epoch < 0) {
    return true;
  }
  auto it = runs_.find(run_id);
  return it != runs_.end() && it->second.record.lease_epoch == epoch &&
         (!live || it->second.lease_expires_ms >= now_ms());
}

void MemoryStores::append(Run& run, EventRecord event) {
  event.run_id = run.record.id;
  event.seq = static_cast<int64_t>(run.events.size()) + 1;
  if (event.time_ms == 0) {
    event.time_ms = now_ms();
  }
  run.events.push_back(std::move(event));
}

void MemoryStores::lapse_lease(const std::string& run_id) {
  std::lock_guard lock(mutex_);
  runs_.at(run_id).lease_expires_ms = now_ms() - 1;
}

std::optional<RunRecord> MemoryStores::take_over(const std::string& run_id, const std::string& owner) {
  std::lock_guard lock(mutex_);
  auto it = runs_.find(run_id);
  if (it == runs_.end() || !unfinished(it->second)) {
    return std::nullopt;
  }
  it->second.owner = owner;
  it->second.lease_expires_ms = now_ms() + 600000;
  ++it->second.record.lease_epoch;
  return it->second.record;
}

// ---------------------------------------------------------------- runs

RunRecord MemoryStores::create_run(RunRecord run) {
  bool claimed = false;
  return create(std::move(run), "", {}, claimed);
}

RunRecord MemoryStores::create(RunRecord run, const std::string& owner, std::chrono::milliseconds lease,
                               bool& claimed) {
  claimed = false;
  {
    std::lock_guard lock(mutex_);
    if (!run.idempotency_key.empty()) {
      if (auto it = by_key_.find(run.idempotency_key); it != by_key_.end()) {
        return runs_.at(it->second).record;
      }
      by_key_[run.idempotency_key] = run.id.empty() ? (run.id = new_run_id()) : run.id;
    }
    if (run.id.empty()) {
      run.id = new_run_id();
    }
    if (run.created_ms == 0) {
      run.created_ms = now_ms();
    }
    run.status = RunStatus::Queued;
    const int64_t now = now_ms();
    claimed = !owner.empty() && has_room(run, 0, now);
    run.lease_epoch = claimed ? 1 : 0;
    order_.push_back(run.id);
    Run& stored = runs_[run.id];
    stored.record = run;
    if (claimed) {
      stored.owner = owner;
      stored.lease_expires_ms = now + lease.count();
    }
    append(stored,
           EventRecord{run.id, 0, 0, std::string(to_string(EventType::RunCreated)), "", -1, created_payload(run)});
  }
  if (!claimed) {
    wake_local();
  }
  return run;
}

void MemoryStores::write_run(const RunRecord& run, EventRecord event) {
  Run& stored = runs_.at(run.id);
  RunRecord& r = stored.record;
  r.status = run.status;
  r.outputs = run.outputs;
  r.error = run.error;
  r.error_code = run.error_code;
  r.error_details = run.error_details;
  r.started_ms = run.started_ms;
  r.finished_ms = run.finished_ms;
  append(stored, std::move(event));
}

void MemoryStores::write_step(StepRecord step, EventRecord event) {
  Run& stored = runs_.at(step.run_id);
  auto key = std::make_pair(step.step_id, step.index);
  if (auto it = stored.steps.find(key); it != stored.steps.end()) {
    // A step's end is recorded without its input: keep the input and start of the attempt that ran.
    if (step.input.is_null()) {
      step.input = it->second.input;
    }
    if (step.started_ms == 0) {
      step.started_ms = it->second.started_ms;
    }
  }
  stored.steps[key] = std::move(step);
  append(stored, std::move(event));
}

void MemoryStores::update_run(const RunRecord& run, EventRecord event) {
  std::lock_guard lock(mutex_);
  write_run(run, std::move(event));
}

void MemoryStores::transition(StepRecord step, EventRecord event) {
  std::lock_guard lock(mutex_);
  write_step(std::move(step), std::move(event));
}

void MemoryStores::append_event(EventRecord event) {
  std::lock_guard lock(mutex_);
  append(runs_.at(event.run_id), std::move(event));
}

std::optional<RunRecord> MemoryStores::get_run(std::string_view run_id) const {
  std::lock_guard lock(mutex_);
  auto it = runs_.find(std::string(run_id));
  return it == runs_.end() ? std::nullopt : std::optional<RunRecord>(it->second.record);
}

std::vector<RunRecord> MemoryStores::list_runs(size_t limit) const {
  std::lock_guard lock(mutex_);
  std::vector<RunRecord> out;
  for (auto it = order_.rbegin(); it != order_.rend() && out.size() < limit; ++it) {
    out.push_back(runs_.at(*it).record);
  }
  return out;
}

std::vector<StepRecord> MemoryStores::get_steps(std::string_view run_id) const {
  std::lock_guard lock(mutex_);
  std::vector<StepRecord> out;
  if (auto it = runs_.find(std::string(run_id)); it != runs_.end()) {
    for (const auto& [key, step] : it->second.steps) {
      out.push_back(step);
    }
  }
  return out;
}

std::vector<EventRecord> MemoryStores::get_events(std::string_view run_id, int64_t after_seq, size_t limit) const {
  std::lock_guard lock(mutex_);
  std::vector<EventRecord> out;
  if (auto it = runs_.find(std::string(run_id)); it != runs_.end()) {
    for (const auto& e : it->second.events) {
      if (e.seq > after_seq && out.size() < limit) {
        out.push_back(e);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- leased writes

LeaseWrite MemoryStores::update_run(const RunRecord& run, EventRecord event, int64_t epoch) {
  std::lock_guard lock(mutex_);
  if (!holds(run.id, epoch)) {
    return LeaseWrite::stale;
  }
  write_run(run, std::move(event));
  return LeaseWrite::done;
}

LeaseWrite MemoryStores::transition(StepRecord step, EventRecord event, int64_t epoch) {
  std::lock_guard lock(mutex_);
  if (!holds(step.run_id, epoch, step.status == StepStatus::Running)) {
    return LeaseWrite::stale;
  }
  write_step(std::move(step), std::move(event));
  return LeaseWrite::done;
}

LeaseWrite MemoryStores::append_event(EventRecord event, int64_t epoch) {
  std::lock_guard lock(mutex_);
  if (!holds(event.run_id, epoch)) {
    return LeaseWrite::stale;
  }
  append(runs_.at(event.run_id), std::move(event));
  return LeaseWrite::done;
}

LeaseWrite MemoryStores::write_all(const std::string& run_id, std::vector<RunWrite>& writes, int64_t epoch) {
  if (!writes.empty() && writes.front().kind == RunWrite::Kind::create) {
    bool claimed = false;
    create(writes.front().run, writes.front().lease_owner, std::chrono::milliseconds(writes.front().lease_ms), claimed);
  }
  std::lock_guard lock(mutex_);
  if (!holds(run_id, epoch, gates_a_call(writes))) {
    return LeaseWrite::stale;
  }
  for (RunWrite& w : writes) {
    switch (w.kind) {
      case RunWrite::Kind::transition:
        write_step(std::move(w.step), std::move(w.event));
        break;
      case RunWrite::Kind::run_update:
        write_run(w.run, std::move(w.event));
        break;
      case RunWrite::Kind::event:
        append(runs_.at(run_id), std::move(w.event));
        break;
      case RunWrite::Kind::create:
        break;  // above
    }
  }
  return LeaseWrite::done;
}

std::optional<WaitRecord> MemoryStores::begin_wait(WaitRecord wait, int64_t epoch) {
  std::lock_guard lock(mutex_);
  return holds(wait.run_id, epoch) ? std::optional<WaitRecord>(std::move(wait)) : std::nullopt;
}

std::optional<std::vector<WaitRecord>> MemoryStores::park_run(const std::string& run_id, EventRecord, int64_t epoch) {
  std::lock_guard lock(mutex_);
  return holds(run_id, epoch) ? std::optional<std::vector<WaitRecord>>(std::vector<WaitRecord>{}) : std::nullopt;
}

// ---------------------------------------------------------------- the queue

std::vector<RunRecord> MemoryStores::claim_runs(const std::string& owner, size_t max, std::chrono::milliseconds lease,
                                                const std::string& only, const std::vector<std::string>& busy) {
  std::lock_guard lock(mutex_);
  const int64_t now = now_ms();
  std::vector<RunRecord> out;
  std::map<std::string, int> taken;  // per workflow, in this claim
  for (const auto& id : order_) {
    Run& run = runs_.at(id);
    if (out.size() >= max || !unfinished(run) || run.lease_expires_ms >= now || (!only.empty() && id != only) ||
        std::find(busy.begin(), busy.end(), id) != busy.end()) {
      continue;
    }
    if (!has_room(run.record, taken[run.record.workflow], now)) {
      continue;
    }
    ++taken[run.record.workflow];
    run.owner = owner;
    run.lease_expires_ms = now + lease.count();
    ++run.record.lease_epoch;  // whoever held it before writes nothing more to it
    out.push_back(run.record);
  }
  return out;
}

bool MemoryStores::has_room(const RunRecord& run, int taken, int64_t now) const {
  const auto wf = workflows_.find(run.workflow_hash);
  if (wf == workflows_.end() || wf->second.concurrency <= 0) {
    return true;
  }
  int running = taken;
  for (const auto& [id, other] : runs_) {
    running += other.record.workflow == run.workflow && unfinished(other) && other.lease_expires_ms >= now ? 1 : 0;
  }
  return running < wf->second.concurrency;
}

CreatedRun MemoryStores::create_claimed_run(RunRecord run, const std::string& owner, std::chrono::milliseconds lease) {
  bool claimed = false;
  RunRecord created = create(std::move(run), owner, lease, claimed);
  return CreatedRun{std::move(created), claimed};
}

LeaseCheck MemoryStores::renew_leases(const std::string& owner, const std::vector<HeldRun>& held,
                                      std::chrono::milliseconds lease) {
  if (renewals_fail) {
    throw std::runtime_error("renewals fail (test)");
  }
  std::lock_guard lock(mutex_);
  LeaseCheck check;
  const int64_t expires = now_ms() + lease.count();
  for (const auto& h : held) {
    auto it = runs_.find(h.id);
    if (it == runs_.end()) {
      continue;
    }
    if (it->second.record.lease_epoch != h.epoch) {
      check.lost.push_back(h.id);
    } else if (unfinished(it->second)) {
      it->second.lease_expires_ms = expires;
    }
  }
  for (auto& [key, slot] : slots_) {
    auto it = runs_.find(slot.run_id);
    if (slot.owner == owner && it != runs_.end() && it->second.record.lease_epoch == slot.epoch &&
        unfinished(it->second)) {
      slot.expires_ms = expires;
    }
  }
  for (const auto& id : order_) {
    const Run& run = runs_.at(id);
    if (run.owner == owner && run.cancel_requested && unfinished(run)) {
      check.cancel_requested.push_back(id);
    }
  }
  return check;
}

LeaseWrite MemoryStores::release(const std::string& owner, const HeldRun& held) {
  {
    std::lock_guard lock(mutex_);
    auto it = runs_.find(held.id);
    if (it == runs_.end() || it->second.owner != owner || it->second.record.lease_epoch != held.epoch) {
      return LeaseWrite::stale;
    }
    it->second.lease_expires_ms = 0;
  }
  wake_local();
  return LeaseWrite::done;
}

bool MemoryStores::request_cancel(const std::string& run_id) {
  std::lock_guard lock(mutex_);
  auto it = runs_.find(run_id);
  if (it == runs_.end()) {
    return false;
  }
  Run& run = it->second;
  const RunStatus status = run.record.status;
  if (status != RunStatus::Queued && status != RunStatus::Running && status != RunStatus::Waiting) {
    return false;
  }
  if ((status == RunStatus::Queued && run.lease_expires_ms < now_ms()) || status == RunStatus::Waiting) {
    // Nobody holds it: cancelled here, under a new epoch.
    const std::string why = "the run was cancelled before it started";
    run.record.status = RunStatus::Cancelled;
    run.record.error = why;
    run.record.error_code = "cancelled";
    run.record.finished_ms = now_ms();
    ++run.record.lease_epoch;
    append(run, EventRecord{run_id, 0, 0, std::string(to_string(EventType::RunCancelled)), "", -1,
                            Json{{"error", why}, {"code", "cancelled"}}});
    return true;
  }
  run.cancel_requested = true;
  return true;
}

Result<RunRecord> MemoryStores::requeue_run(const std::string& run_id, const std::vector<std::string>& steps,
                                            bool keep_succeeded_items) {
  RunRecord out;
  {
    std::lock_guard lock(mutex_);
    auto it = runs_.find(run_id);
    if (it == runs_.end()) {
      return Error{"no run " + run_id};
    }
    Run& run = it->second;
    if (unfinished(run) || run.record.status == RunStatus::Waiting) {
      return Error{"run " + run_id + " is " + std::string(to_string(run.record.status)) +
                   "; only a finished run can be retried"};
    }
    Json list = Json::array();
    for (const auto& step : steps) {
      list.push_back(step);
      for (auto s = run.steps.begin(); s != run.steps.end();) {
        const bool kept = keep_succeeded_items && s->first.second >= 0 && s->second.status == StepStatus::Succeeded;
        s = s->first.first == step && !kept ? run.steps.erase(s) : std::next(s);
      }
    }
    RunRecord& r = run.record;
    r.status = RunStatus::Queued;
    r.outputs = Json::object();
    r.error.clear();
    r.error_code.clear();
    r.error_details = Json();
    r.finished_ms = 0;
    run.owner.clear();
    run.lease_expires_ms = 0;
    run.cancel_requested = false;
    ++r.lease_epoch;
    append(run,
           EventRecord{run_id, 0, 0, std::string(to_string(EventType::RunRequeued)), "", -1, Json{{"steps", list}}});
    out = r;
  }
  wake_local();
  return out;
}

size_t MemoryStores::queue_depth() const {
  std::lock_guard lock(mutex_);
  return static_cast<size_t>(
      std::count_if(runs_.begin(), runs_.end(), [](const auto& entry) { return unfinished(entry.second); }));
}

int64_t MemoryStores::expire_waits(int64_t) {
  return 0;  // no waits are kept
}

void MemoryStores::notify_work() {
  wake_local();
}

void MemoryStores::wake_local() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  work_.notify_all();
}

bool MemoryStores::wait_for_work(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const bool woken = work_.wait_for(lock, timeout, [&] { return woken_; });
  woken_ = false;
  return woken;
}

// ---------------------------------------------------------------- slots

SlotClaim MemoryStores::try_acquire_slot(const std::string& name, int limit, const std::string& holder,
                                         const std::string& owner, std::chrono::milliseconds lease,
                                         const HeldRun& run) {
  std::lock_guard lock(mutex_);
  if (!run.id.empty() && !holds(run.id, run.epoch)) {
    return SlotClaim::stale;
  }
  const int64_t now = now_ms();
  const auto key = std::make_pair(name, holder);
  if (slots_.count(key) == 0) {
    int live = 0;
    for (const auto& [k, slot] : slots_) {
      live += k.first == name && slot.expires_ms >= now ? 1 : 0;
    }
    if (live >= limit) {
      return SlotClaim::full;
    }
  }
  slots_[key] = Slot{owner, now + lease.count(), run.id, run.epoch};
  return SlotClaim::taken;
}

LeaseWrite MemoryStores::release_slot(const std::string& name, const std::string& holder, const HeldRun& run) {
  std::lock_guard lock(mutex_);
  // The slot as this claim took it: the node that took the run over may hold it now.
  if (auto it = slots_.find({name, holder}); it != slots_.end() && it->second.epoch == run.epoch) {
    slots_.erase(it);
  }
  return holds(run.id, run.epoch) ? LeaseWrite::done : LeaseWrite::stale;
}

// ---------------------------------------------------------------- schedules

void MemoryStores::sync_schedules(const std::string& workflow, const std::vector<Schedule>& wanted) {
  std::lock_guard lock(mutex_);
  std::vector<Schedule> kept;
  for (const Schedule& s : schedules_) {
    if (s.workflow != workflow) {
      kept.push_back(s);
    }
  }
  for (Schedule s : wanted) {
    s.workflow = workflow;
    for (const Schedule& old : schedules_) {
      // A changed cron expression starts again from its own next tick.
      if (old.workflow == workflow && old.trigger_index == s.trigger_index && old.cron == s.cron) {
        s.next_fire_ms = old.next_fire_ms;
        s.last_fire_ms = old.last_fire_ms;
      }
    }
    kept.push_back(std::move(s));
  }
  std::sort(kept.begin(), kept.end(), [](const Schedule& a, const Schedule& b) {
    return std::tie(a.workflow, a.trigger_index) < std::tie(b.workflow, b.trigger_index);
  });
  schedules_ = std::move(kept);
}

std::vector<Schedule> MemoryStores::schedules() const {
  std::lock_guard lock(mutex_);
  return schedules_;
}

bool MemoryStores::advance_schedule(const std::string& workflow, int trigger_index, int64_t expected_next, int64_t next,
                                    int64_t fired) {
  std::lock_guard lock(mutex_);
  for (Schedule& s : schedules_) {
    if (s.workflow == workflow && s.trigger_index == trigger_index && s.next_fire_ms == expected_next) {
      s.next_fire_ms = next;
      s.last_fire_ms = fired;
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------- workflows

void MemoryStores::save_workflow(const StoredWorkflow& workflow) {
  std::lock_guard lock(mutex_);
  workflows_.emplace(workflow.hash, workflow);  // a hash names one content: the first save stays
}

std::optional<StoredWorkflow> MemoryStores::load_workflow(const std::string& hash) const {
  std::lock_guard lock(mutex_);
  auto it = workflows_.find(hash);
  return it == workflows_.end() ? std::nullopt : std::optional<StoredWorkflow>(it->second);
}

std::optional<WorkflowHead> MemoryStores::workflow_head(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = heads_.find(name);
  return it == heads_.end() ? std::nullopt : std::optional<WorkflowHead>(it->second);
}

std::vector<WorkflowHead> MemoryStores::workflow_heads() const {
  std::lock_guard lock(mutex_);
  std::vector<WorkflowHead> out;
  for (const auto& [name, head] : heads_) {
    out.push_back(head);
  }
  return out;
}

void MemoryStores::put_workflow_head(const WorkflowHead& head) {
  std::lock_guard lock(mutex_);
  WorkflowHead h = head;
  if (h.updated_ms == 0) {
    h.updated_ms = now_ms();
  }
  heads_[h.name] = std::move(h);
}

}  // namespace linkhub::test
