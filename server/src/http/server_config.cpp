#include "http/server_config.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdlib>

namespace linkhub::http {
namespace {

namespace fs = std::filesystem;

std::optional<Error> apply_max_body_environment(size_t& max_body_bytes) {
  const char* text = std::getenv("LINKHUB_MAX_BODY_BYTES");
  if (text == nullptr) {
    return std::nullopt;
  }
  char* end = nullptr;
  const long long v = std::strtoll(text, &end, 10);
  if (end == text || *end != '\0' || v < 1) {
    return Error{"environment variable LINKHUB_MAX_BODY_BYTES: expected an integer >= 1, found '" + std::string(text) +
                 "'"};
  }
  max_body_bytes = static_cast<size_t>(v);
  return std::nullopt;
}

// A top-level text key and the variable that replaces it.
ConfigSection text_key(const char* key, const char* variable, std::string& target) {
  return {key,
          [&target](const fs::path&, const YAML::Node& value) -> std::optional<Error> {
            target = value.as<std::string>();
            return std::nullopt;
          },
          [&target, variable]() -> std::optional<Error> {
            if (const char* text = std::getenv(variable)) {
              target = text;
            }
            return std::nullopt;
          }};
}

}  // namespace

std::vector<ConfigSection> server_config_sections(ServerConfig& out) {
  std::vector<ConfigSection> sections;
  sections.push_back(text_key("listen", "LINKHUB_LISTEN", out.listen));
  sections.push_back({"max_body_bytes",
                      [&out](const fs::path& file, const YAML::Node& value) -> std::optional<Error> {
                        const int64_t n = value.as<int64_t>();
                        if (n < 1) {
                          return Error{config_location(file, value) +
                                       ": max_body_bytes: expected a number of bytes of at least 1"};
                        }
                        out.max_body_bytes = static_cast<size_t>(n);
                        return std::nullopt;
                      },
                      [&out] { return apply_max_body_environment(out.max_body_bytes); }});
  sections.push_back(text_key("cors_origin", "LINKHUB_CORS_ORIGIN", out.cors_origin));
  sections.push_back(
      {"auth",
       [&out](const fs::path& file, const YAML::Node& value) { return apply_auth_section(out.auth, file, value); },
       // One function for auth and rate_limit: their variables were always read together.
       [&out] { return apply_auth_environment(out.auth, out.rate_limit); }});
  sections.push_back({"rate_limit",
                      [&out](const fs::path& file, const YAML::Node& value) {
                        return apply_rate_limit_section(out.rate_limit, file, value);
                      },
                      nullptr});
  sections.push_back(
      {"serve",
       [&out](const fs::path& file, const YAML::Node& value) { return apply_serve_section(out.serve, file, value); },
       [&out] { return apply_serve_environment(out.serve); }});
  return sections;
}

Result<LinkhubConfig> load_linkhub_config(const fs::path& path) {
  ServerConfig server;
  auto engine = load_config(path, server_config_sections(server));
  if (!engine) {
    return engine.error();
  }
  return LinkhubConfig{std::move(*engine), std::move(server)};
}

}  // namespace linkhub::http
