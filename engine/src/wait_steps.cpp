#include "wait_steps.hpp"

#include <linkhub/engine/duration.hpp>
#include <linkhub/engine/error_codes.hpp>
#include <linkhub/engine/waits.hpp>

#include <algorithm>
#include <map>
#include <memory>

namespace linkhub {
namespace {

const char* const kWaitForInput = R"json({
  "type": "object",
  "required": ["key"],
  "additionalProperties": false,
  "properties": {
    "key": {"type": "string",
            "description": "the event key to wait for, such as \"order:${{ inputs.id }}\": 1 to 200 letters, digits and . _ : @ + = -"},
    "timeout": {"type": "string", "description": "how long to wait at most (\"30s\", \"24h\"); none: until the event"}
  }
})json";

const char* const kWaitForOutput = R"json({
  "type": "object",
  "required": ["received", "timed_out", "key"],
  "properties": {
    "received": {"type": "boolean", "description": "an event arrived"},
    "timed_out": {"type": "boolean", "description": "the timeout passed first"},
    "key": {"type": "string"},
    "event": {"description": "the event's payload (null when timed out)"},
    "at": {"type": "integer", "description": "when the event arrived or the timeout passed (ms since the epoch)"}
  }
})json";

const char* const kSleepInput = R"json({
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "for": {"type": "string", "description": "how long (\"90s\", \"2h\")"},
    "until": {"type": ["string", "integer"],
              "description": "when: an RFC 3339 time (\"2026-12-24T18:00:00Z\") or ms since the epoch"}
  }
})json";

const char* const kSleepOutput = R"json({
  "type": "object",
  "required": ["until_ms"],
  "properties": {
    "until_ms": {"type": "integer", "description": "when the sleep ended (ms since the epoch)"},
    "slept_ms": {"type": "integer", "description": "how long the step slept, across restarts"}
  }
})json";

std::unique_ptr<LoadedStep> make_step(std::string_view uses, const char* description, const char* input,
                                      const char* output) {
  auto step = std::make_unique<LoadedStep>();
  step->signature.uses = std::string(uses);
  step->signature.description = description;
  step->signature.input_schema = Json::parse(input);
  step->signature.output_schema = Json::parse(output);
  step->input_validator = JsonSchema::compile(step->signature.input_schema).value();
  step->output_validator = JsonSchema::compile(step->signature.output_schema).value();
  step->signature.input_validator = &step->input_validator;
  return step;
}

const std::map<std::string, std::unique_ptr<LoadedStep>, std::less<>>& builtins() {
  static const auto steps = [] {
    std::map<std::string, std::unique_ptr<LoadedStep>, std::less<>> m;
    m.emplace(std::string(kWaitForStep),
              make_step(kWaitForStep,
                        "Parks the run until an event with the key arrives (POST /api/v1/events/{key}) or the "
                        "timeout passes; no thread and no lease are held meanwhile",
                        kWaitForInput, kWaitForOutput));
    m.emplace(std::string(kSleepStep),
              make_step(kSleepStep, "A durable delay: parks the run for a duration or until a time", kSleepInput,
                        kSleepOutput));
    return m;
  }();
  return steps;
}

Result<int64_t> duration_ms(const Json& value, const char* field) {
  if (!value.is_string()) {
    return Error{std::string(field) + ": expected a duration such as \"30s\" or \"24h\"", error_codes::invalid_input};
  }
  auto d = parse_duration(value.get<std::string>());
  if (!d || d->count() <= 0) {
    return Error{std::string(field) + ": '" + value.get<std::string>() +
                     "' is not a positive duration (\"250ms\", \"30s\", \"5m\", \"24h\", \"1h30m\")",
                 error_codes::invalid_input};
  }
  return static_cast<int64_t>(d->count());
}

}  // namespace

const LoadedStep* builtin_step(std::string_view uses) {
  const auto& m = builtins();
  auto it = m.find(uses);
  return it == m.end() ? nullptr : it->second.get();
}

std::vector<std::string> builtin_step_names() {
  std::vector<std::string> out;
  for (const auto& [name, step] : builtins()) {
    out.push_back(name);
  }
  return out;
}

bool is_builtin(const LoadedStep& step) {
  return step.def == nullptr && builtin_step(step.signature.uses) == &step;
}

Result<WaitSpec> wait_spec(std::string_view uses, const Json& with, int64_t now) {
  WaitSpec spec;
  if (uses == kWaitForStep) {
    spec.key = with.value("key", std::string());
    if (auto problem = event_key_problem(spec.key)) {
      return Error{"key: " + *problem, error_codes::invalid_input};
    }
    if (with.contains("timeout")) {
      auto ms = duration_ms(with["timeout"], "timeout");
      if (!ms) {
        return ms.error();
      }
      spec.deadline_ms = now + *ms;
    }
    return spec;
  }
  const bool has_for = with.contains("for");
  const bool has_until = with.contains("until");
  if (has_for == has_until) {
    return Error{"core.sleep takes either `for` (a duration) or `until` (a time), not both and not neither",
                 error_codes::invalid_input};
  }
  if (has_for) {
    auto ms = duration_ms(with["for"], "for");
    if (!ms) {
      return ms.error();
    }
    spec.deadline_ms = now + *ms;
    return spec;
  }
  const Json& until = with["until"];
  if (until.is_number_integer()) {
    spec.deadline_ms = until.get<int64_t>();
  } else if (auto t = until.is_string() ? parse_timestamp_ms(until.get<std::string>()) : std::nullopt) {
    spec.deadline_ms = *t;
  } else {
    return Error{"until: expected an RFC 3339 time such as \"2026-12-24T18:00:00Z\" or milliseconds since the epoch",
                 error_codes::invalid_input};
  }
  spec.deadline_ms = std::max<int64_t>(spec.deadline_ms, 1);  // a time in the past ends at once
  return spec;
}

Json wait_output(std::string_view uses, const WaitRecord& wait) {
  if (uses == kSleepStep) {
    return Json{{"until_ms", wait.deadline_ms}, {"slept_ms", std::max<int64_t>(0, wait.resolved_ms - wait.created_ms)}};
  }
  const bool received = wait.state == "received";
  return Json{{"received", received},
              {"timed_out", !received},
              {"key", wait.key},
              {"event", received ? wait.event : Json(nullptr)},
              {"at", wait.resolved_ms}};
}

}  // namespace linkhub
