#include <linkhub/engine/step_invoker.hpp>

#include <linkhub/engine/circuit_breakers.hpp>
#include <linkhub/engine/duration.hpp>
#include <linkhub/engine/run_store.hpp>

#include "timer_queue.hpp"

namespace linkhub {
namespace {

// Points `call`'s circuit_check/circuit_record at `breakers` (which the call
// keeps alive); with none, every call may go.
void use_circuit_breakers(StepCall& call, const std::shared_ptr<CircuitBreakers>& breakers) {
  if (!breakers) {
    call.circuit_check = nullptr;
    call.circuit_record = nullptr;
    return;
  }
  call.circuit_check = [breakers](std::string_view host) { return breakers->check(host); };
  call.circuit_record = [breakers](std::string_view host, bool ok) { breakers->record(host, ok); };
}

}  // namespace

SecretMask::SecretMask(const std::map<std::string, std::string>& secrets) {
  for (const auto& [name, value] : secrets) {
    if (value.size() >= 3) {  // shorter values would mask ordinary words
      values_.push_back(value);
    }
  }
}

std::string SecretMask::redact(std::string text) const {
  for (const auto& secret : values_) {
    for (size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3)) {
      text.replace(pos, secret.size(), "***");
    }
  }
  return text;
}

void SecretMask::mask(Json& value) const {
  if (values_.empty()) {
    return;
  }
  if (value.is_string()) {
    std::string& text = value.get_ref<std::string&>();
    text = redact(std::move(text));
  } else if (value.is_array()) {
    for (Json& element : value) {
      mask(element);
    }
  } else if (value.is_object()) {
    std::vector<std::pair<std::string, std::string>> renamed;  // keys can carry a secret too
    for (auto& [key, element] : value.items()) {
      mask(element);
      if (std::string masked = redact(key); masked != key) {
        renamed.emplace_back(key, std::move(masked));
      }
    }
    for (auto& [from, to] : renamed) {
      Json element = std::move(value[from]);
      value.erase(from);
      value[to] = std::move(element);
    }
  }
}

struct StepInvoker::Timers {
  TimerQueue queue;
};

StepInvoker::StepInvoker(const PluginHost& host, std::map<std::string, std::string> secrets,
                         std::shared_ptr<CircuitBreakers> breakers)
    : host_(host),
      secrets_(std::move(secrets)),
      mask_(secrets_),
      breakers_(std::move(breakers)),
      timers_(std::make_unique<Timers>()) {
  for (const auto& [name, value] : secrets_) {
    secrets_json_[name] = value;
  }
}

StepInvoker::~StepInvoker() = default;

std::optional<StepInvoker::InputProblem> StepInvoker::check_input(const LoadedStep& step, Json& input) const {
  step.input_validator.apply_defaults(input);
  auto violations = step.input_validator.validate(input);
  if (violations.empty()) {
    return std::nullopt;
  }
  InputProblem problem{"", Json{{"violations", Json::array()}}};
  for (size_t k = 0; k < violations.size(); ++k) {
    const SchemaViolation& v = violations[k];
    problem.message += (k ? "; " : "") + (v.pointer.empty() ? "" : v.pointer + ": ") + v.message;
    problem.details["violations"].push_back(
        Json{{"pointer", v.pointer}, {"code", v.code}, {"message", mask_.redact(v.message)}});
  }
  problem.message = mask_.redact(std::move(problem.message));
  return problem;
}

StepOutcome StepInvoker::call(const LoadedStep& step, StepCall call, const std::string& input_json,
                              std::optional<std::chrono::milliseconds> timeout,
                              const std::shared_ptr<AttemptControl>& control) const {
  call.secret = [this](std::string_view name) -> std::optional<std::string> {
    auto it = secrets_.find(std::string(name));
    return it == secrets_.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  if (call.log) {
    call.log = [this, log = std::move(call.log)](lh_log_level level, std::string_view message) {
      log(level, mask_.redact(std::string(message)));
    };
  }
  // The process's per-host circuit breakers (StepCall::circuit_check /
  // circuit_record) are attached here, so every caller's steps share them.
  use_circuit_breakers(call, breakers_);
  call.cancelled = &control->cancelled;
  if (timeout) {
    call.deadline_ms = now_ms() + timeout->count();
    timers_->queue.at(TimerQueue::Clock::now() + *timeout, [control] {
      control->timed_out = true;
      control->cancelled = true;
    });
  }
  StepOutcome outcome = host_.invoke(step, call, input_json);
  if (timeout && control->timed_out && outcome.status != LH_OK) {
    outcome.status = LH_RETRYABLE;
    outcome.code = "timeout";
    outcome.error =
        "timed out after " + format_duration(*timeout) + (outcome.error.empty() ? "" : " (" + outcome.error + ")");
  }
  outcome.error = mask_.redact(std::move(outcome.error));
  mask_.mask(outcome.details);
  return outcome;
}

StepOutcome StepInvoker::invoke(const LoadedStep& step, StepCall call, Json input,
                                std::optional<std::chrono::milliseconds> timeout) const {
  if (auto problem = check_input(step, input)) {
    StepOutcome rejected;
    rejected.status = LH_INVALID_INPUT;
    rejected.code = "invalid_input";
    rejected.error = std::move(problem->message);
    rejected.details = std::move(problem->details);
    return rejected;
  }
  StepOutcome outcome =
      StepInvoker::call(step, std::move(call), input.dump(), timeout, std::make_shared<AttemptControl>());
  mask_.mask(outcome.output);
  return outcome;
}

}  // namespace linkhub
