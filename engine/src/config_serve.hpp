#pragma once
// The `serve:` section of linkhub.yaml and its LINKHUB_SERVE_* overrides (config.cpp calls these).

#include <linkhub/engine/config.hpp>

#include <yaml-cpp/yaml.h>

#include <optional>

namespace linkhub {

std::optional<Error> apply_serve_section(ServeConfig& serve, const std::filesystem::path& file, const YAML::Node& node);
std::optional<Error> apply_serve_environment(ServeConfig& serve);

}  // namespace linkhub
