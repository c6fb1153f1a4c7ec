#pragma once
// One attempt of one plugin step, the same whether a run's executor or a
// request's handler (the server's direct step calls) makes it: input defaults
// and the input-schema check, secrets, redaction, the deadline, the call, and
// the output check (PluginHost::invoke checks the output schema).

#include <linkhub/engine/json.hpp>
#include <linkhub/engine/plugin_host.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace linkhub {

class CircuitBreakers;

// Flags one attempt's plugin, its deadline timer and whoever may cancel it share.
struct AttemptControl {
  std::atomic<bool> cancelled{false};
  std::atomic<bool> timed_out{false};
};

// Replaces every secret value (3 characters or more) by *** in text, and in
// JSON strings and object keys. Every value that leaves the engine (store,
// events, logs, errors, API answers) passes here.
class SecretMask {
 public:
  explicit SecretMask(const std::map<std::string, std::string>& secrets);
  std::string redact(std::string text) const;
  void mask(Json& value) const;
  bool empty() const { return values_.empty(); }

 private:
  std::vector<std::string> values_;
};

class StepInvoker {
 public:
  // `breakers`: the process's per-host circuit breakers, attached to every
  // call so the executor's steps and a server route's share them (none: every
  // call may go).
  StepInvoker(const PluginHost& host, std::map<std::string, std::string> secrets,
              std::shared_ptr<CircuitBreakers> breakers = nullptr);
  ~StepInvoker();
  StepInvoker(const StepInvoker&) = delete;
  StepInvoker& operator=(const StepInvoker&) = delete;

  const SecretMask& secret_mask() const { return mask_; }
  // The secrets as a JSON object of name to value (expressions' `secrets`).
  const Json& secrets_json() const { return secrets_json_; }
  const std::shared_ptr<CircuitBreakers>& circuit_breakers() const { return breakers_; }

  // Fills the schema's defaults into `input` and checks it against the step's
  // input schema. On failure: a message listing every violation with its JSON
  // pointer ("/title: expected a string, found a number (5)"), redacted, and
  // details {"violations": [{"pointer", "code", "message"}]}.
  struct InputProblem {
    std::string message;
    Json details;
  };
  std::optional<InputProblem> check_input(const LoadedStep& step, Json& input) const;

  // Calls the step with an input check_input accepted. The call gets the
  // secrets, the circuit breakers, a log that redacts, the cancellation flag of `control` and, with
  // a timeout, a deadline after which `control` is cancelled and marked timed
  // out: a failure then becomes a retryable "timed out after X" with code
  // "timeout". The outcome's error and details are redacted; its output is not
  // (a run keeps real values in memory and masks what it stores).
  StepOutcome call(const LoadedStep& step, StepCall call, const std::string& input_json,
                   std::optional<std::chrono::milliseconds> timeout,
                   const std::shared_ptr<AttemptControl>& control) const;

  // check_input then call, for callers outside a run: a rejected input is an
  // LH_INVALID_INPUT outcome with code "invalid_input" and the violations in
  // its details; the output is masked too.
  StepOutcome invoke(const LoadedStep& step, StepCall call, Json input,
                     std::optional<std::chrono::milliseconds> timeout) const;

 private:
  struct Timers;
  const PluginHost& host_;
  std::map<std::string, std::string> secrets_;
  Json secrets_json_ = Json::object();
  SecretMask mask_;
  std::shared_ptr<CircuitBreakers> breakers_;
  std::unique_ptr<Timers> timers_;
};

}  // namespace linkhub
