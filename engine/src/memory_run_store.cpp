#include <linkhub/engine/event_type.hpp>
#include <linkhub/engine/memory_run_store.hpp>

#include <algorithm>

namespace linkhub {

void MemoryRunStore::append_locked(RunData& data, EventRecord&& event) {
  event.seq = static_cast<int64_t>(data.events.size()) + 1;
  if (event.time_ms == 0) {
    event.time_ms = now_ms();
  }
  data.events.push_back(std::move(event));
}

RunRecord MemoryRunStore::create_run(RunRecord run) {
  std::lock_guard lock(mutex_);
  if (!run.idempotency_key.empty()) {
    if (auto it = by_idempotency_key_.find(run.idempotency_key); it != by_idempotency_key_.end()) {
      return runs_.at(it->second).run;
    }
  }
  if (run.id.empty()) {
    run.id = new_run_id();
  }
  if (run.created_ms == 0) {
    run.created_ms = now_ms();
  }
  if (!run.idempotency_key.empty()) {
    by_idempotency_key_[run.idempotency_key] = run.id;
  }
  order_.push_back(run.id);
  RunData& data = runs_[run.id];
  data.run = run;
  append_locked(data, EventRecord{run.id, 0, 0, to_string(EventType::RunCreated), "", -1, created_payload(run)});
  return run;
}

void MemoryRunStore::clear() {
  std::lock_guard lock(mutex_);
  runs_.clear();
  by_idempotency_key_.clear();
  order_.clear();
}

void MemoryRunStore::update_run(const RunRecord& run, EventRecord event) {
  std::lock_guard lock(mutex_);
  RunData& data = runs_.at(run.id);
  data.run = run;
  event.run_id = run.id;
  append_locked(data, std::move(event));
}

void MemoryRunStore::transition(StepRecord step, EventRecord event) {
  std::lock_guard lock(mutex_);
  RunData& data = runs_.at(step.run_id);
  event.run_id = step.run_id;
  auto& items = data.steps[step.step_id];
  const int index = step.index;
  items[index] = std::move(step);
  append_locked(data, std::move(event));
}

void MemoryRunStore::append_event(EventRecord event) {
  std::lock_guard lock(mutex_);
  append_locked(runs_.at(event.run_id), std::move(event));
}

std::optional<RunRecord> MemoryRunStore::get_run(std::string_view run_id) const {
  std::lock_guard lock(mutex_);
  auto it = runs_.find(std::string(run_id));
  if (it == runs_.end()) {
    return std::nullopt;
  }
  return it->second.run;
}

std::vector<RunRecord> MemoryRunStore::list_runs(size_t limit) const {
  std::lock_guard lock(mutex_);
  std::vector<RunRecord> out;
  for (auto it = order_.rbegin(); it != order_.rend() && out.size() < limit; ++it) {
    out.push_back(runs_.at(*it).run);
  }
  return out;
}

std::vector<StepRecord> MemoryRunStore::get_steps(std::string_view run_id) const {
  std::lock_guard lock(mutex_);
  std::vector<StepRecord> out;
  auto it = runs_.find(std::string(run_id));
  if (it == runs_.end()) {
    return out;
  }
  std::vector<const std::map<int, StepRecord>*> by_id;
  for (const auto& [id, items] : it->second.steps) {
    by_id.push_back(&items);
  }
  std::sort(by_id.begin(), by_id.end(),
            [](const auto* a, const auto* b) { return a->begin()->second.step_id < b->begin()->second.step_id; });
  for (const auto* items : by_id) {
    for (const auto& [index, step] : *items) {
      out.push_back(step);
    }
  }
  return out;
}

std::vector<EventRecord> MemoryRunStore::get_events(std::string_view run_id, int64_t after_seq, size_t limit) const {
  std::lock_guard lock(mutex_);
  std::vector<EventRecord> out;
  auto it = runs_.find(std::string(run_id));
  if (it == runs_.end()) {
    return out;
  }
  const auto& events = it->second.events;
  for (size_t i = static_cast<size_t>(std::max<int64_t>(after_seq, 0)); i < events.size() && out.size() < limit; ++i) {
    out.push_back(events[i]);
  }
  return out;
}

}  // namespace linkhub
