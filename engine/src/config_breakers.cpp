#include "config_breakers.hpp"

#include <linkhub/engine/duration.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>

namespace linkhub {
namespace {

namespace fs = std::filesystem;

constexpr const char* kKeys = "failures, failure_rate, min_calls, window or cooldown";

std::optional<uint32_t> parse_count(const std::string& text, long long min) {
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < min || v > 1000000) {
    return std::nullopt;
  }
  return static_cast<uint32_t>(v);
}

std::optional<double> parse_rate(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(v >= 0 && v <= 1)) {
    return std::nullopt;
  }
  return v;
}

// Sets `key` of `out` from `text`; on a bad value, the sentence saying what is expected.
std::optional<std::string> set(CircuitBreakerOverrides& out, std::string_view key, const std::string& text) {
  if (key == "failures") {
    out.failures = parse_count(text, 0);
    return out.failures ? std::nullopt : std::optional<std::string>("expected a whole number >= 0 (0: off)");
  }
  if (key == "min_calls") {
    out.min_calls = parse_count(text, 1);
    return out.min_calls ? std::nullopt : std::optional<std::string>("expected a whole number >= 1");
  }
  if (key == "failure_rate") {
    out.failure_rate = parse_rate(text);
    return out.failure_rate ? std::nullopt
                            : std::optional<std::string>("expected a number from 0 to 1 such as 0.5 (0: off)");
  }
  auto& field = key == "window" ? out.window : out.cooldown;
  field = parse_duration(text);
  if (!field || field->count() < 1) {
    field.reset();
    return "expected a duration of at least 1ms such as 30s";
  }
  return std::nullopt;
}

std::optional<Error> parse_entry(CircuitBreakerOverrides& out, const std::string& name, const fs::path& file,
                                 const YAML::Node& node) {
  if (!node.IsMap()) {
    return Error{config_location(file, node) + ": " + name +
                 ": expected a mapping such as {failures: 5, cooldown: 30s}"};
  }
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (key != "failures" && key != "failure_rate" && key != "min_calls" && key != "window" && key != "cooldown") {
      return Error{config_location(file, kv.first) + ": unknown key '" + name + "." + key + "' (expected " + kKeys +
                   ")"};
    }
    if (!kv.second.IsScalar()) {
      return Error{config_location(file, kv.second) + ": " + name + "." + key + ": expected a single value"};
    }
    if (auto why = set(out, key, kv.second.Scalar())) {
      return Error{config_location(file, kv.second) + ": " + name + "." + key + ": " + *why + ", found '" +
                   kv.second.Scalar().substr(0, 100) + "'"};
    }
  }
  return std::nullopt;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

sdk::circuit::Settings CircuitBreakerOverrides::over(sdk::circuit::Settings base) const {
  base.failures = failures.value_or(base.failures);
  base.failure_rate = failure_rate.value_or(base.failure_rate);
  base.min_calls = min_calls.value_or(base.min_calls);
  base.window = window.value_or(base.window);
  base.cooldown = cooldown.value_or(base.cooldown);
  return base;
}

std::optional<Error> apply_circuit_breakers(CircuitBreakerConfig& breakers, const fs::path& file,
                                            const YAML::Node& node) {
  const std::string name = "http.circuit_breakers";
  if (!node.IsMap()) {
    return Error{config_location(file, node) + ": " + name +
                 ": expected a mapping such as {default: {failures: 5, cooldown: 30s}, hosts: {api.example.com: "
                 "{failures: 3}}}"};
  }
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (key == "default") {
      CircuitBreakerOverrides defaults;
      if (auto error = parse_entry(defaults, name + ".default", file, kv.second)) {
        return error;
      }
      breakers.defaults = defaults.over(breakers.defaults);
    } else if (key == "hosts") {
      if (!kv.second.IsMap()) {
        return Error{config_location(file, kv.second) + ": " + name +
                     ".hosts: expected a mapping of host names to settings"};
      }
      for (const auto& host : kv.second) {
        const std::string host_name = lower(host.first.as<std::string>());
        if (host_name.empty()) {
          return Error{config_location(file, host.first) + ": " + name + ".hosts: empty host name"};
        }
        if (auto error = parse_entry(breakers.hosts[host_name], name + ".hosts." + host_name, file, host.second)) {
          return error;
        }
      }
    } else {
      return Error{config_location(file, kv.first) + ": unknown key '" + name + "." + key +
                   "' (expected default or hosts)"};
    }
  }
  return std::nullopt;
}

std::optional<Error> apply_circuit_breaker_environment(CircuitBreakerConfig& breakers) {
  CircuitBreakerOverrides defaults;
  for (const char* key : {"failures", "failure_rate", "min_calls", "window", "cooldown"}) {
    std::string env = "LINKHUB_HTTP_BREAKER_";
    for (const char* c = key; *c != '\0'; ++c) {
      env += static_cast<char>(std::toupper(static_cast<unsigned char>(*c)));
    }
    if (const char* text = std::getenv(env.c_str())) {
      if (auto why = set(defaults, key, text)) {
        return Error{"environment variable " + env + ": " + *why + ", found '" + std::string(text).substr(0, 100) +
                     "'"};
      }
    }
  }
  breakers.defaults = defaults.over(breakers.defaults);
  return std::nullopt;
}

}  // namespace linkhub
