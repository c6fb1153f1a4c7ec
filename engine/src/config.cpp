#include <linkhub/engine/config.hpp>
#include <linkhub/engine/s3_artifact_remote.hpp>

#include "config_breakers.hpp"

#include <linkhub/engine/duration.hpp>
#include <linkhub/http_guard.hpp>

#include "yaml_reader.hpp"

#include <yaml-cpp/yaml.h>

#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace linkhub {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find(sep, start), text.size());
    if (end > start) {
      parts.emplace_back(text.substr(start, end - start));
    }
    start = end + 1;
  }
  return parts;
}

Json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& kv : node) {
        out[kv.first.as<std::string>()] = yaml_to_json(kv.second);
      }
      return out;
    }
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node) {
        out.push_back(yaml_to_json(item));
      }
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string text = node.Scalar();
      if (node.Tag() != "!") {  // plain scalars may be numbers or booleans
        Json parsed = Json::parse(text, nullptr, false);
        if (!parsed.is_discarded() && !parsed.is_object() && !parsed.is_array()) {
          return parsed;
        }
      }
      return text;
    }
    default:
      return nullptr;
  }
}

// Environment values: JSON when they parse as JSON, else the raw string.
Json env_value(const char* text) {
  Json parsed = Json::parse(text, nullptr, false);
  return parsed.is_discarded() ? Json(text) : parsed;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

Result<int64_t> env_int(const char* name, int64_t min_value) {
  const char* text = std::getenv(name);
  char* end = nullptr;
  const long long v = std::strtoll(text, &end, 10);
  if (end == text || *end != '\0' || v < min_value) {
    return Error{"environment variable " + std::string(name) + ": expected an integer >= " + std::to_string(min_value) +
                 ", found '" + text + "'"};
  }
  return static_cast<int64_t>(v);
}

// Each entry checked now, so a typo fails at start, not at the first request.
std::optional<Error> check_http_allow(const std::vector<std::string>& entries, const std::string& where_text) {
  std::string problem;
  if (!sdk::http_guard::AllowList::parse(entries, &problem)) {
    return Error{where_text + ": " + problem};
  }
  return std::nullopt;
}

std::optional<Error> apply_http(HttpConfig& http, const fs::path& path, const YAML::Node& value) {
  if (!value.IsMap()) {
    return Error{config_location(path, value) + ": http: expected a mapping such as {allow: [\"10.0.0.0/8\"]}"};
  }
  for (const auto& kv : value) {
    const std::string name = kv.first.as<std::string>();
    if (name == "circuit_breakers") {
      if (auto error = apply_circuit_breakers(http.circuit_breakers, path, kv.second)) {
        return error;
      }
      continue;
    }
    if (name != "allow") {
      return Error{config_location(path, kv.first) + ": unknown key 'http." + name +
                   "' (expected allow or circuit_breakers)"};
    }
    if (!kv.second.IsSequence()) {
      return Error{config_location(path, kv.second) +
                   ": http.allow: expected a list of addresses, CIDR ranges or host names such as [\"127.0.0.1\", "
                   "\"10.0.0.0/8\", \"files.internal.example\"]"};
    }
    http.allow.clear();
    for (const auto& item : kv.second) {
      http.allow.push_back(item.as<std::string>());
      if (auto error = check_http_allow({http.allow.back()}, config_location(path, item))) {
        return error;
      }
    }
  }
  return std::nullopt;
}

// One storage key from the file or the environment; `where_text` names it in errors.
std::optional<Error> set_storage_key(StorageConfig& s, const std::string& key, const std::string& value,
                                     const std::string& where_text) {
  const auto number = [&](int64_t& target, int64_t min_value) -> std::optional<Error> {
    char* end = nullptr;
    const long long n = std::strtoll(value.c_str(), &end, 10);
    if (end == value.c_str() || *end != '\0' || n < min_value) {
      return Error{where_text + ": expected a whole number of at least " + std::to_string(min_value) + ", found '" +
                   value.substr(0, 40) + "'"};
    }
    target = n;
    return std::nullopt;
  };
  if (key == "backend") {
    if (value != "local" && value != "s3") {
      return Error{where_text + ": expected local or s3, found '" + value.substr(0, 40) + "'"};
    }
    s.backend = value;
  } else if (key == "endpoint") {
    s.endpoint = value;
  } else if (key == "region") {
    s.region = value;
  } else if (key == "bucket") {
    s.bucket = value;
  } else if (key == "addressing") {
    if (value != "path" && value != "virtual") {
      return Error{where_text + ": expected path or virtual, found '" + value.substr(0, 40) + "'"};
    }
    s.path_style = value == "path";
  } else if (key == "prefix") {
    s.prefix = value;
  } else if (key == "access_key_secret") {
    s.access_key_secret = value;
  } else if (key == "secret_key_secret") {
    s.secret_key_secret = value;
  } else if (key == "multipart_threshold_mb") {
    return number(s.multipart_threshold_mb, 5);
  } else if (key == "part_size_mb") {
    return number(s.part_size_mb, 5);
  } else {
    return Error{where_text +
                 ": unknown key (expected backend, endpoint, region, bucket, addressing, prefix, "
                 "access_key_secret, secret_key_secret, multipart_threshold_mb or part_size_mb)"};
  }
  return std::nullopt;
}

std::optional<Error> apply_storage(StorageConfig& storage, const fs::path& path, const YAML::Node& value) {
  if (!value.IsMap()) {
    return Error{config_location(path, value) + ": storage: expected a mapping such as {backend: s3, bucket: ...}"};
  }
  for (const auto& kv : value) {
    const std::string name = kv.first.as<std::string>();
    if (!kv.second.IsScalar()) {
      return Error{config_location(path, kv.second) + ": storage." + name + ": expected a single value"};
    }
    if (auto error = set_storage_key(storage, name, kv.second.as<std::string>(),
                                     config_location(path, kv.first) + ": storage." + name)) {
      return error;
    }
  }
  return std::nullopt;
}

// The engine's own top-level keys, in the order the "unknown key" error lists them.
constexpr const char* kEngineKeys[] = {
    "threads",          "database",  "lease",         "shutdown_grace", "plugin_dirs",
    "artifact_dir",     "rules_dir", "env_allowlist", "secrets",        "expression_limits",
    "step_concurrency", "plugins",   "http",          "storage"};

std::string valid_keys(const std::vector<ConfigSection>& sections) {
  std::vector<std::string> keys(std::begin(kEngineKeys), std::end(kEngineKeys));
  for (const auto& section : sections) {
    keys.push_back(section.key);
  }
  std::string out;
  for (size_t i = 0; i < keys.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == keys.size() ? " or " : ", ") + keys[i];
  }
  return out;
}

std::optional<Error> apply_file(Config& config, const fs::path& path, const std::vector<ConfigSection>& sections) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error{path.string() + ": cannot read the configuration file"};
  }
  std::ostringstream text;
  text << in.rdbuf();
  // libyaml reads it (yaml_reader.hpp): yaml-cpp's parser loops on some invalid text.
  YamlRead read = read_yaml(text.str());
  if (read.error) {
    return Error{path.string() + ":" + std::to_string(read.error->mark.line + 1) + ":" +
                 std::to_string(read.error->mark.column + 1) + ": " + read.error->message};
  }
  const YAML::Node root = read.root;
  if (root.IsNull()) {
    return std::nullopt;
  }
  if (!root.IsMap()) {
    return Error{config_location(path, root) + ": expected a mapping of settings at the top of the configuration file"};
  }
  const fs::path base = path.parent_path();
  try {
    for (const auto& kv : root) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& value = kv.second;
      if (key == "threads") {
        config.threads = value.as<int>();
      } else if (key == "plugin_dirs") {
        for (const auto& dir : value) {
          config.plugin_dirs.push_back(fs::absolute(base / dir.as<std::string>()));
        }
      } else if (key == "rules_dir") {
        config.rules_dir = fs::absolute(base / value.as<std::string>());
      } else if (key == "artifact_dir") {
        config.artifact_dir = base / value.as<std::string>();
      } else if (key == "database") {
        const std::string db = value.as<std::string>();
        // A relative SQLite path is relative to the configuration file, like artifact_dir.
        const bool url = db.find("://") != std::string::npos || db.find('=') != std::string::npos;
        config.database = url ? db : (base / db).string();
      } else if (key == "lease") {
        auto d = parse_duration(value.as<std::string>());
        if (!d) {
          return Error{config_location(path, value) + ": lease: expected a duration such as 15s or 1m"};
        }
        config.lease = *d;
      } else if (key == "shutdown_grace") {
        auto d = parse_duration(value.as<std::string>());
        if (!d) {
          return Error{config_location(path, value) + ": shutdown_grace: expected a duration such as 30s or 0s"};
        }
        config.shutdown_grace = *d;
      } else if (key == "env_allowlist") {
        for (const auto& name : value) {
          config.env_allowlist.push_back(name.as<std::string>());
        }
      } else if (key == "secrets") {
        for (const auto& secret : value) {
          config.secrets[secret.first.as<std::string>()] = secret.second.as<std::string>();
        }
      } else if (key == "expression_limits") {
        for (const auto& limit : value) {
          const std::string name = limit.first.as<std::string>();
          if (name == "max_instructions") {
            config.expression_limits.max_instructions = limit.second.as<uint64_t>();
          } else if (name == "max_memory_mb") {
            config.expression_limits.max_memory_bytes = limit.second.as<size_t>() << 20;
          } else if (name == "max_wall_ms") {
            config.expression_limits.max_wall = std::chrono::milliseconds(limit.second.as<int64_t>());
          } else {
            return Error{config_location(path, limit.first) + ": unknown key 'expression_limits." + name +
                         "' (expected max_instructions, max_memory_mb or max_wall_ms)"};
          }
        }
      } else if (key == "step_concurrency") {
        if (!value.IsMap()) {
          return Error{config_location(path, value) +
                       ": step_concurrency: expected a mapping such as {tiktok.fetch: 4}"};
        }
        for (const auto& limit : value) {
          const int n = limit.second.as<int>();
          if (n < 1) {
            return Error{config_location(path, limit.second) + ": step_concurrency." + limit.first.as<std::string>() +
                         ": expected a number of at least 1"};
          }
          config.step_concurrency[limit.first.as<std::string>()] = n;
        }
      } else if (key == "http") {
        if (auto error = apply_http(config.http, path, value)) {
          return error;
        }
      } else if (key == "storage") {
        if (auto error = apply_storage(config.storage, path, value)) {
          return error;
        }
      } else if (key == "plugins") {
        config.plugins = yaml_to_json(value);
        if (!config.plugins.is_object()) {
          return Error{config_location(path, value) + ": 'plugins' must be a mapping of plugin name to settings"};
        }
      } else if (auto section = std::find_if(sections.begin(), sections.end(),
                                             [&](const ConfigSection& s) { return s.key == key; });
                 section != sections.end()) {
        if (auto error = section->parse(path, value)) {
          return error;
        }
      } else {
        return Error{config_location(path, kv.first) + ": unknown key '" + key + "' (expected " + valid_keys(sections) +
                     ")"};
      }
    }
  } catch (const YAML::Exception& e) {
    return Error{path.string() + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                 ": " + e.msg};
  }
  return std::nullopt;
}

std::optional<Error> apply_environment(Config& config) {
  if (std::getenv("LINKHUB_THREADS") != nullptr) {
    auto v = env_int("LINKHUB_THREADS", 1);
    if (!v) {
      return v.error();
    }
    config.threads = static_cast<int>(*v);
  }
  if (const char* dirs = std::getenv("LINKHUB_PLUGIN_PATH")) {
    for (const auto& dir : split(dirs, ':')) {
      config.plugin_dirs.push_back(fs::absolute(dir));
    }
  }
  if (const char* dir = std::getenv("LINKHUB_ARTIFACT_DIR")) {
    config.artifact_dir = dir;
  }
  if (const char* dir = std::getenv("LINKHUB_RULES_DIR"); dir != nullptr && *dir != '\0') {
    config.rules_dir = fs::absolute(dir);
  }
  if (const char* db = std::getenv("LINKHUB_DATABASE")) {
    config.database = db;
  }
  if (const char* lease = std::getenv("LINKHUB_LEASE")) {
    auto d = parse_duration(lease);
    if (!d) {
      return Error{"LINKHUB_LEASE: expected a duration such as 15s or 1m, found '" + std::string(lease) + "'"};
    }
    config.lease = *d;
  }
  if (const char* grace = std::getenv("LINKHUB_SHUTDOWN_GRACE")) {
    auto d = parse_duration(grace);
    if (!d) {
      return Error{"LINKHUB_SHUTDOWN_GRACE: expected a duration such as 30s or 0s, found '" + std::string(grace) + "'"};
    }
    config.shutdown_grace = *d;
  }
  if (const char* names = std::getenv("LINKHUB_ENV_ALLOWLIST")) {
    for (auto& name : split(names, ',')) {
      config.env_allowlist.push_back(std::move(name));
    }
  }
  if (std::getenv("LINKHUB_EXPR_MAX_INSTRUCTIONS") != nullptr) {
    auto v = env_int("LINKHUB_EXPR_MAX_INSTRUCTIONS", 1000);
    if (!v) {
      return v.error();
    }
    config.expression_limits.max_instructions = static_cast<uint64_t>(*v);
  }
  if (std::getenv("LINKHUB_EXPR_MAX_MEMORY_MB") != nullptr) {
    auto v = env_int("LINKHUB_EXPR_MAX_MEMORY_MB", 1);
    if (!v) {
      return v.error();
    }
    config.expression_limits.max_memory_bytes = static_cast<size_t>(*v) << 20;
  }
  if (std::getenv("LINKHUB_EXPR_MAX_WALL_MS") != nullptr) {
    auto v = env_int("LINKHUB_EXPR_MAX_WALL_MS", 1);
    if (!v) {
      return v.error();
    }
    config.expression_limits.max_wall = std::chrono::milliseconds(*v);
  }
  if (const char* limits = std::getenv("LINKHUB_STEP_CONCURRENCY")) {
    // "tiktok.fetch=4,ai=2": replaces the file's limits, like every override.
    config.step_concurrency.clear();
    for (const auto& item : split(limits, ',')) {
      const size_t eq = item.find('=');
      char* end = nullptr;
      const long n = eq == std::string::npos ? 0 : std::strtol(item.c_str() + eq + 1, &end, 10);
      if (eq == std::string::npos || eq == 0 || end == item.c_str() + eq + 1 || *end != '\0' || n < 1) {
        return Error{"LINKHUB_STEP_CONCURRENCY: expected NAME=N[,NAME=N...] with N at least 1, found '" + item + "'"};
      }
      config.step_concurrency[item.substr(0, eq)] = static_cast<int>(n);
    }
  }
  if (const char* allow = std::getenv("LINKHUB_HTTP_ALLOW")) {
    config.http.allow.clear();
    for (const auto& item : split(allow, ',')) {
      config.http.allow.push_back(item);
    }
    if (auto error = check_http_allow(config.http.allow, "LINKHUB_HTTP_ALLOW")) {
      return error;
    }
  }
  if (auto error = apply_circuit_breaker_environment(config.http.circuit_breakers)) {
    return error;
  }
  for (const char* key : {"backend", "endpoint", "region", "bucket", "addressing", "prefix", "access_key_secret",
                          "secret_key_secret", "multipart_threshold_mb", "part_size_mb"}) {
    const std::string name = "LINKHUB_STORAGE_" + upper(key);
    if (const char* value = std::getenv(name.c_str())) {
      if (auto error = set_storage_key(config.storage, key, value, name)) {
        return error;
      }
    }
  }
  constexpr std::string_view kSecret = "LINKHUB_SECRET_";
  constexpr std::string_view kPlugin = "LINKHUB_PLUGIN_";
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view item(*entry);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      continue;
    }
    const std::string_view name = item.substr(0, eq);
    const std::string value(item.substr(eq + 1));
    if (name.substr(0, kSecret.size()) == kSecret && name.size() > kSecret.size()) {
      config.secrets[std::string(name.substr(kSecret.size()))] = value;
    } else if (name.substr(0, kPlugin.size()) == kPlugin && name != "LINKHUB_PLUGIN_PATH") {
      // LINKHUB_PLUGIN_<PLUGIN>_<KEY>: the plugin name is the first segment.
      const std::string rest = lower(std::string(name.substr(kPlugin.size())));
      const size_t us = rest.find('_');
      if (us == std::string::npos || us == 0 || us + 1 == rest.size()) {
        continue;
      }
      config.plugins[rest.substr(0, us)][rest.substr(us + 1)] = env_value(value.c_str());
    }
  }
  return std::nullopt;
}

}  // namespace

int Config::effective_threads() const {
  if (threads > 0) {
    return threads;
  }
  // Steps mostly wait (HTTP calls to TikTok, an AI API, WhatsApp) and a
  // durable step's end waits for its commit: with as many threads as cores,
  // a 2-core node left its cores idle while every thread waited, and group
  // commit had at most 2 batches to gather (scripts/bench.sh: 1,000 durable
  // three-step runs on SQLite, 2 cores: ~950 runs/s with 2 threads, ~1,700 with 8).
  return std::max(8, static_cast<int>(std::thread::hardware_concurrency()));
}

std::string config_location(const fs::path& file, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return file.string() + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

Result<Config> load_config(const fs::path& path, const std::vector<ConfigSection>& sections) {
  Config config;
  if (!path.empty()) {
    config.file = path;
    if (auto error = apply_file(config, path, sections)) {
      return *error;
    }
  }
  if (auto error = apply_environment(config)) {
    return *error;
  }
  for (const auto& section : sections) {
    if (!section.environment) {
      continue;
    }
    if (auto error = section.environment()) {
      return *error;
    }
  }
  if (!config.rules_dir.empty()) {
    // lua.rule reads rule files only from here (an absolute path).
    config.plugins["lua"]["rules_dir"] = config.rules_dir.lexically_normal().string();
  }
  // An unusable storage section fails at start, naming the key, not at the first artifact.
  if (auto remote = make_artifact_remote(config.storage, config.secrets); !remote) {
    return remote.error();
  }
  return config;
}

fs::path executable_dir() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : self.parent_path();
}

std::vector<fs::path> plugin_search_path(const Config& config, const std::vector<fs::path>& cli_dirs) {
  std::vector<fs::path> dirs;
  dirs.push_back((executable_dir() / LINKHUB_PLUGIN_RELDIR).lexically_normal());
  for (const auto& dir : config.plugin_dirs) {
    dirs.push_back(dir);
  }
  for (const auto& dir : cli_dirs) {
    dirs.push_back(fs::absolute(dir));
  }
  return dirs;
}

}  // namespace linkhub
