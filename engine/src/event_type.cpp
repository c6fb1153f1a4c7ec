#include <linkhub/engine/event_type.hpp>

#include <array>
#include <utility>

namespace linkhub {
namespace {

const std::array<std::pair<EventType, std::string>, 20>& table() {
  static const std::array<std::pair<EventType, std::string>, 20> names{{
      {EventType::RunCreated, "run.created"},
      {EventType::RunStarted, "run.started"},
      {EventType::RunResumed, "run.resumed"},
      {EventType::RunRequeued, "run.requeued"},
      {EventType::RunSucceeded, "run.succeeded"},
      {EventType::RunFailed, "run.failed"},
      {EventType::RunCancelled, "run.cancelled"},
      {EventType::StepStarted, "step.started"},
      {EventType::StepLog, "step.log"},
      {EventType::StepRetrying, "step.retrying"},
      {EventType::StepSucceeded, "step.succeeded"},
      {EventType::StepFailed, "step.failed"},
      {EventType::StepSkipped, "step.skipped"},
      {EventType::StepCancelled, "step.cancelled"},
      {EventType::ItemSucceeded, "item.succeeded"},
      {EventType::ItemFailed, "item.failed"},
      {EventType::StepWaiting, "step.waiting"},
      {EventType::RunWaiting, "run.waiting"},
      {EventType::WaitReceived, "wait.received"},
      {EventType::WaitTimedOut, "wait.timed_out"},
  }};
  return names;
}

}  // namespace

const std::string& to_string(EventType type) {
  for (const auto& [t, name] : table()) {
    if (t == type) {
      return name;
    }
  }
  static const std::string unknown = "unknown";
  return unknown;
}

std::optional<EventType> parse_event_type(std::string_view name) {
  for (const auto& [t, n] : table()) {
    if (n == name) {
      return t;
    }
  }
  return std::nullopt;
}

bool is_run_end(EventType type) {
  return type == EventType::RunSucceeded || type == EventType::RunFailed || type == EventType::RunCancelled;
}

bool is_run_end(std::string_view name) {
  const auto type = parse_event_type(name);
  return type && is_run_end(*type);
}

}  // namespace linkhub
