// linkhub.yaml's auth: and rate_limit: sections and their environment overrides.
#include "http/server_config.hpp"

#include <linkhub/engine/duration.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <utility>

namespace linkhub::http {
namespace {

namespace fs = std::filesystem;

// "true"/"false" (also yes/no, on/off, 1/0), for YAML scalars and environment variables.
std::optional<bool> parse_bool(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  if (text == "true" || text == "yes" || text == "on" || text == "1") {
    return true;
  }
  if (text == "false" || text == "no" || text == "off" || text == "0") {
    return false;
  }
  return std::nullopt;
}

constexpr size_t kMinJwtSecret = 32;

std::optional<Error> check_jwt_secret(const std::string& secret, const std::string& where_text) {
  if (!secret.empty() && secret.size() < kMinJwtSecret) {
    // The secret itself is never echoed.
    return Error{where_text + ": the JWT secret is " + std::to_string(secret.size()) +
                 " characters long; use at least " + std::to_string(kMinJwtSecret) +
                 " random characters (or leave it unset to have one generated and kept in the database)"};
  }
  return std::nullopt;
}

std::optional<Error> env_positive(const char* name, double min_value, double& target) {
  const char* text = std::getenv(name);
  if (text == nullptr) {
    return std::nullopt;
  }
  char* end = nullptr;
  const double v = std::strtod(text, &end);
  if (end == text || *end != '\0' || !(v >= min_value) || v <= 0) {
    return Error{"environment variable " + std::string(name) + ": expected a number above 0, found '" + text + "'"};
  }
  target = v;
  return std::nullopt;
}

}  // namespace

std::optional<Error> apply_auth_section(AuthOptions& auth, const fs::path& path, const YAML::Node& value) {
  if (!value.IsMap()) {
    return Error{config_location(path, value) +
                 ": auth: expected a mapping such as {jwt_secret: ..., access_token_ttl: 15m}"};
  }
  for (const auto& kv : value) {
    const std::string name = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (name == "enabled") {
      const auto b = parse_bool(v.as<std::string>());
      if (!b) {
        return Error{config_location(path, v) + ": auth.enabled: expected true or false"};
      }
      auth.enabled = *b;
    } else if (name == "jwt_secret") {
      auth.jwt_secret = v.as<std::string>();
      if (auto error = check_jwt_secret(auth.jwt_secret, config_location(path, v) + ": auth.jwt_secret")) {
        return error;
      }
    } else if (name == "access_token_ttl" || name == "refresh_token_ttl") {
      auto d = parse_duration(v.as<std::string>());
      if (!d || d->count() < 1000) {
        return Error{config_location(path, v) + ": auth." + name +
                     ": expected a duration of at least 1s such as 15m or 336h"};
      }
      (name == "access_token_ttl" ? auth.access_token_ttl : auth.refresh_token_ttl) = *d;
    } else {
      return Error{config_location(path, kv.first) + ": unknown key 'auth." + name +
                   "' (expected enabled, jwt_secret, access_token_ttl or refresh_token_ttl)"};
    }
  }
  return std::nullopt;
}

std::optional<Error> apply_rate_limit_section(RateLimitOptions& limit, const fs::path& path, const YAML::Node& value) {
  if (!value.IsMap()) {
    return Error{config_location(path, value) +
                 ": rate_limit: expected a mapping such as {requests_per_second: 20, burst: 40}"};
  }
  for (const auto& kv : value) {
    const std::string name = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    double* target = name == "requests_per_second"      ? &limit.requests_per_second
                     : name == "burst"                  ? &limit.burst
                     : name == "failed_auth_per_minute" ? &limit.failed_auth_per_minute
                                                        : nullptr;
    if (target == nullptr) {
      return Error{config_location(path, kv.first) + ": unknown key 'rate_limit." + name +
                   "' (expected requests_per_second, burst or failed_auth_per_minute)"};
    }
    const double n = v.as<double>();
    if (!(n > 0) || (name == "burst" && n < 1)) {
      return Error{config_location(path, v) + ": rate_limit." + name + ": expected a number above 0" +
                   (name == "burst" ? std::string(" (at least 1)") : std::string())};
    }
    *target = n;
  }
  return std::nullopt;
}

std::optional<Error> apply_auth_environment(AuthOptions& auth, RateLimitOptions& limit) {
  if (const char* enabled = std::getenv("LINKHUB_AUTH_ENABLED")) {
    const auto b = parse_bool(enabled);
    if (!b) {
      return Error{"LINKHUB_AUTH_ENABLED: expected true or false, found '" + std::string(enabled) + "'"};
    }
    auth.enabled = *b;
  }
  if (const char* secret = std::getenv("LINKHUB_AUTH_JWT_SECRET")) {
    auth.jwt_secret = secret;
    if (auto error = check_jwt_secret(auth.jwt_secret, "LINKHUB_AUTH_JWT_SECRET")) {
      return error;
    }
  }
  for (const auto& [name, target] : {std::pair{"LINKHUB_AUTH_ACCESS_TOKEN_TTL", &auth.access_token_ttl},
                                     std::pair{"LINKHUB_AUTH_REFRESH_TOKEN_TTL", &auth.refresh_token_ttl}}) {
    if (const char* text = std::getenv(name)) {
      auto d = parse_duration(text);
      if (!d || d->count() < 1000) {
        return Error{std::string(name) + ": expected a duration of at least 1s such as 15m, found '" + text + "'"};
      }
      *target = *d;
    }
  }
  if (auto e = env_positive("LINKHUB_RATE_LIMIT_REQUESTS_PER_SECOND", 0, limit.requests_per_second)) {
    return e;
  }
  if (auto e = env_positive("LINKHUB_RATE_LIMIT_BURST", 1, limit.burst)) {
    return e;
  }
  if (auto e = env_positive("LINKHUB_RATE_LIMIT_FAILED_AUTH_PER_MINUTE", 0, limit.failed_auth_per_minute)) {
    return e;
  }
  return std::nullopt;
}

}  // namespace linkhub::http
