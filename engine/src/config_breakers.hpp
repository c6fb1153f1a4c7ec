#pragma once
// http.circuit_breakers in linkhub.yaml and its LINKHUB_HTTP_BREAKER_*
// overrides (config.cpp calls these).

#include <linkhub/engine/config.hpp>

#include <yaml-cpp/yaml.h>

#include <optional>

namespace linkhub {

std::optional<Error> apply_circuit_breakers(CircuitBreakerConfig& breakers, const std::filesystem::path& file,
                                            const YAML::Node& node);
std::optional<Error> apply_circuit_breaker_environment(CircuitBreakerConfig& breakers);

}  // namespace linkhub
