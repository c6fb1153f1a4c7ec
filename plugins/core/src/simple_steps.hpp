#pragma once
// core.log, core.transform, core.delay, core.fail: small steps for building
// workflows, demos and tests.

#include <linkhub/duration.hpp>
#include <linkhub/plugin.hpp>

#include <algorithm>
#include <thread>

namespace linkhub::core {

using sdk::Json;

class LogStep : public sdk::Step {
 public:
  static constexpr const char* name = "log";
  static constexpr const char* description = "Writes a message to the run's events.";
  static Json input_schema() {
    return {{"type", "object"},
            {"properties",
             {{"message", {{"type", "string"}, {"description", "The text to log"}}},
              {"level",
               {{"type", "string"},
                {"enum", {"debug", "info", "warn", "error"}},
                {"default", "info"},
                {"description", "Severity"}}}}},
            {"required", {"message"}},
            {"additionalProperties", false},
            {"examples", {{{"message", "hello"}}, {{"message", "disk almost full"}, {"level", "warn"}}}}};
  }
  static Json output_schema() {
    return {{"type", "object"},
            {"properties", {{"message", {{"type", "string"}, {"description", "The message as logged"}}}}},
            {"additionalProperties", false}};
  }
  Json run(sdk::Context& ctx, const Json& input) override {
    const std::string message = input.at("message").get<std::string>();
    const std::string level = input.value("level", "info");
    const lh_log_level lv = level == "debug"   ? LH_LOG_DEBUG
                            : level == "warn"  ? LH_LOG_WARN
                            : level == "error" ? LH_LOG_ERROR
                                               : LH_LOG_INFO;
    ctx.log(lv, message);
    return {{"message", message}};
  }
};

class TransformStep : public sdk::Step {
 public:
  static constexpr const char* name = "transform";
  static constexpr const char* description =
      "Builds a value from its `with.value` (templates already evaluated) and returns it as outputs.value.";
  static constexpr bool pure = true;  // returns its input: nothing outside the run changes
  static Json input_schema() {
    return {{"type", "object"},
            {"properties", {{"value", {{"description", "Any JSON value"}}}}},
            {"additionalProperties", false},
            {"examples", {{{"value", {{"title", "Red sneakers"}, {"price", 49.9}}}}}}};
  }
  static Json output_schema() {
    return {{"type", "object"}, {"properties", {{"value", {{"description", "The value, unchanged"}}}}}};
  }
  Json run(sdk::Context&, const Json& input) override {
    Json out = Json::object();
    auto it = input.find("value");
    out["value"] = it == input.end() ? Json() : *it;
    return out;
  }
};

class DelayStep : public sdk::Step {
 public:
  static constexpr const char* name = "delay";
  static constexpr const char* description =
      "Waits for a duration, stopping early (cancelled) when the run is cancelled or the step times out.";
  static Json input_schema() {
    return {{"type", "object"},
            {"properties",
             {{"duration", {{"type", "string"}, {"description", "How long, e.g. 250ms, 5s, 1m30s"}}},
              {"ms", {{"type", "integer"}, {"minimum", 0}, {"description", "How long, in milliseconds"}}}}},
            {"additionalProperties", false},
            {"examples", {{{"duration", "20ms"}}, {{"ms", 5}}}}};
  }
  static Json output_schema() {
    return {{"type", "object"},
            {"properties", {{"slept_ms", {{"type", "integer"}, {"description", "Milliseconds actually waited"}}}}},
            {"additionalProperties", false}};
  }
  Json run(sdk::Context& ctx, const Json& input) override {
    std::chrono::milliseconds total{0};
    if (input.contains("duration")) {
      auto d = sdk::parse_duration(input["duration"].get<std::string>());
      if (!d) {
        throw sdk::StepError("duration '" + input["duration"].get<std::string>() +
                             "' is not a duration (expected e.g. 250ms, 5s, 1m30s)");
      }
      total = *d;
    } else if (input.contains("ms")) {
      total = std::chrono::milliseconds(input["ms"].get<int64_t>());
    } else {
      throw sdk::StepError("give either `duration` or `ms`");
    }
    const auto start = std::chrono::steady_clock::now();
    const auto end = start + total;
    // Short slices so cancellation is seen promptly.
    while (std::chrono::steady_clock::now() < end) {
      ctx.throw_if_cancelled();
      const auto left = end - std::chrono::steady_clock::now();
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(5)));
    }
    const auto slept =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    return {{"slept_ms", slept}};
  }
};

class FailStep : public sdk::Step {
 public:
  static constexpr const char* name = "fail";
  static constexpr const char* description =
      "Fails on purpose: its first `fail_attempts` attempts, or always. For demos and tests of retries.";
  static Json input_schema() {
    return {
        {"type", "object"},
        {"properties",
         {{"fail_attempts",
           {{"type", "integer"},
            {"minimum", 0},
            {"default", 1},
            {"description", "Attempts that fail before one succeeds"}}},
          {"always", {{"type", "boolean"}, {"default", false}, {"description", "Fail every attempt"}}},
          {"message", {{"type", "string"}, {"default", "failing on purpose"}, {"description", "The error message"}}},
          {"retryable",
           {{"type", "boolean"}, {"default", true}, {"description", "Whether the engine may retry the failure"}}},
          {"code",
           {{"type", "string"},
            {"pattern", "^[a-z][a-z0-9_]*$"},
            {"maxLength", 64},
            {"description", "The error code to fail with (not_found, conflict, ...); none: derived from retryable"}}},
          {"details", {{"type", "object"}, {"description", "The error's details"}}}}},
        {"additionalProperties", false},
        {"examples", {{{"fail_attempts", 0}}}}};
  }
  static Json output_schema() {
    return {{"type", "object"},
            {"properties", {{"attempt", {{"type", "integer"}, {"description", "The attempt that succeeded"}}}}},
            {"additionalProperties", false}};
  }
  Json run(sdk::Context& ctx, const Json& input) override {
    const auto attempt = static_cast<int64_t>(ctx.attempt());
    if (input.value("always", false) || attempt <= input.value("fail_attempts", int64_t{1})) {
      std::string message =
          input.value("message", std::string("failing on purpose")) + " (attempt " + std::to_string(attempt) + ")";
      const std::string code = input.value("code", std::string());
      if (!code.empty()) {
        throw sdk::StepError(sdk::ErrorCode(code), message, input.value("retryable", true),
                             input.value("details", Json()));
      }
      throw sdk::StepError(message, input.value("retryable", true));
    }
    return {{"attempt", attempt}};
  }
};

}  // namespace linkhub::core
