#pragma once
// The types of a run's events: the one place that names them. Stores keep
// the name (EventRecord::type); code that acts on events parses it into an
// EventType and switches, never compares strings.

#include <optional>
#include <string>
#include <string_view>

namespace linkhub {

enum class EventType {
  RunCreated,
  RunStarted,
  RunResumed,
  RunRequeued,
  RunSucceeded,
  RunFailed,
  RunCancelled,
  StepStarted,
  StepLog,
  StepRetrying,
  StepSucceeded,
  StepFailed,
  StepSkipped,
  StepCancelled,
  ItemSucceeded,
  ItemFailed,
  // Durable waits (core.wait_for, core.sleep).
  StepWaiting,   // a step waits for {key, deadline_ms}
  RunWaiting,    // the run is parked: {waits: [{step, key, deadline_ms}]}
  WaitReceived,  // an event for the run's wait arrived: {step, key}
  WaitTimedOut,  // a wait's deadline passed: {step, key}
};

// "run.created", "step.failed", ...
const std::string& to_string(EventType type);
// nullopt for a name no linkhub version wrote.
std::optional<EventType> parse_event_type(std::string_view name);

// run.succeeded, run.failed, run.cancelled: the run is over.
bool is_run_end(EventType type);
bool is_run_end(std::string_view name);

}  // namespace linkhub
