#include "http/run_metrics.hpp"

#include <linkhub/engine/event_type.hpp>
#include <linkhub/engine/workflow.hpp>

namespace linkhub::http {

WorkflowSteps workflow_steps(const SqlStore& store, const std::string& hash) {
  WorkflowSteps steps;
  if (auto stored = store.load_workflow(hash)) {
    if (auto loaded = load_workflow_text(stored->source, stored->file); loaded.workflow) {
      for (const auto& step : loaded.workflow->steps) {
        steps[step.id] = WorkflowStep{step.uses, step.foreach.has_value()};
      }
    }
  }
  return steps;
}

std::shared_ptr<const RunMetrics::Steps> RunMetrics::steps_of(const std::string& hash) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = versions_.find(hash); it != versions_.end()) {
      return it->second;
    }
  }
  auto steps = std::make_shared<const Steps>(workflow_steps(store_, hash));
  std::lock_guard lock(mutex_);
  return versions_.emplace(hash, std::move(steps)).first->second;
}

std::shared_ptr<const RunMetrics::RunInfo> RunMetrics::run_info(const std::string& run_id) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = runs_.find(run_id); it != runs_.end()) {
      return it->second;
    }
  }
  auto run = store_.get_run(run_id);
  if (!run) {
    return nullptr;
  }
  auto info = std::make_shared<RunInfo>(RunInfo{run->workflow, steps_of(run->workflow_hash)});
  std::lock_guard lock(mutex_);
  return runs_.emplace(run_id, std::move(info)).first->second;
}

void RunMetrics::on_run_launched(const RunRecord& run) {
  auto info = std::make_shared<const RunInfo>(RunInfo{run.workflow, steps_of(run.workflow_hash)});
  std::lock_guard lock(mutex_);
  runs_.insert_or_assign(run.id, std::move(info));
}

void RunMetrics::on_event(const EventRecord& event) {
  const std::optional<EventType> type = parse_event_type(event.type);
  if (!type) {
    return;
  }
  if (*type == EventType::RunStarted || is_run_end(*type)) {
    auto info = run_info(event.run_id);
    if (!info) {
      return;
    }
    if (is_run_end(*type)) {
      const RunStatus status = *type == EventType::RunSucceeded ? RunStatus::Succeeded
                               : *type == EventType::RunFailed  ? RunStatus::Failed
                                                                : RunStatus::Cancelled;
      metrics_.run_finished(info->workflow, std::string(to_string(status)));
      std::lock_guard lock(mutex_);
      runs_.erase(event.run_id);
    } else {
      metrics_.run_started(info->workflow);
    }
    return;
  }
  const bool item = *type == EventType::ItemSucceeded || *type == EventType::ItemFailed;
  if (!item && *type != EventType::StepSucceeded && *type != EventType::StepFailed) {
    return;
  }
  if (!event.payload.contains("duration_us") || !event.payload["duration_us"].is_number()) {
    return;
  }
  auto info = run_info(event.run_id);
  if (!info) {
    return;
  }
  auto it = info->steps->find(event.step_id);
  const bool known = it != info->steps->end();
  // A foreach step's own event spans all its items; each item is counted by its item.* event.
  if (known && it->second.foreach && !item) {
    return;
  }
  const bool succeeded = *type == EventType::StepSucceeded || *type == EventType::ItemSucceeded;
  metrics_.step_finished(known ? it->second.uses : "unknown",
                         std::string(to_string(succeeded ? StepStatus::Succeeded : StepStatus::Failed)),
                         event.payload["duration_us"].get<double>() / 1e6);
}

}  // namespace linkhub::http
