#pragma once

#include <linkhub/circuit_breaker.hpp>
#include <linkhub/engine/json.hpp>
#include <linkhub/engine/result.hpp>
#include <linkhub/lua/sandbox.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace linkhub {

// linkhub.yaml. Every key can be overridden by an environment variable:
//   threads            LINKHUB_THREADS
//   plugin_dirs        LINKHUB_PLUGIN_PATH (colon-separated, added after the file's list)
//   artifact_dir       LINKHUB_ARTIFACT_DIR
//   database           LINKHUB_DATABASE (a SQLite file, or postgresql://user:pass@host:port/db)
//   lease              LINKHUB_LEASE (how long a node's claim on a run lasts without a heartbeat)
//   shutdown_grace     LINKHUB_SHUTDOWN_GRACE (on SIGTERM, how long runs in flight may finish before
//                      they are handed back to the queue)
//   env_allowlist      LINKHUB_ENV_ALLOWLIST (comma-separated)
//   secrets.NAME       LINKHUB_SECRET_NAME
//   expression_limits  LINKHUB_EXPR_MAX_INSTRUCTIONS, LINKHUB_EXPR_MAX_MEMORY_MB, LINKHUB_EXPR_MAX_WALL_MS
//   plugins.NAME.KEY   LINKHUB_PLUGIN_NAME_KEY (value parsed as JSON when it parses, else a string)
//   step_concurrency   LINKHUB_STEP_CONCURRENCY (tiktok.fetch=4,ai=2)
//   rules_dir          LINKHUB_RULES_DIR (lua.rule's rule files; relative to the config file)
//   http.allow         LINKHUB_HTTP_ALLOW (comma-separated; replaces the file's list): the
//                      non-public addresses, CIDR ranges and host names outbound HTTP may reach
//   http.circuit_breakers.default.KEY  LINKHUB_HTTP_BREAKER_KEY (FAILURES, FAILURE_RATE, MIN_CALLS, WINDOW,
//                      COOLDOWN): the per-host circuit breakers of outbound HTTP (docs/http.md)
//   storage.KEY        LINKHUB_STORAGE_KEY (where artifacts are kept: see StorageConfig, docs/storage.md)

// Keys the engine does not use (`linkhub serve`'s listen, max_body_bytes,
// cors_origin, auth, rate_limit and serve) belong to their owner, which
// registers them as ConfigSections (server/src/http/server_config.hpp).

// One host's circuit breaker settings as written: each key it names replaces
// the default's.
struct CircuitBreakerOverrides {
  std::optional<uint32_t> failures;
  std::optional<double> failure_rate;
  std::optional<uint32_t> min_calls;
  std::optional<std::chrono::milliseconds> window;
  std::optional<std::chrono::milliseconds> cooldown;

  sdk::circuit::Settings over(sdk::circuit::Settings base) const;
};

// http.circuit_breakers: {default: {failures: 5, ...}, hosts: {"api.example.com": {...}}}
struct CircuitBreakerConfig {
  sdk::circuit::Settings defaults;
  std::map<std::string, CircuitBreakerOverrides> hosts;  // lower-case host names
};

// Outbound HTTP of plugins (core.http, tiktok, ...). Loopback, private,
// link-local, multicast, CGNAT and cloud-metadata addresses are refused unless
// listed here (linkhub/http_guard.hpp says what an entry may be).
struct HttpConfig {
  std::vector<std::string> allow;  // "127.0.0.1", "10.0.0.0/8", "files.internal.example", "[::1]:8080"
  CircuitBreakerConfig circuit_breakers;
};

// Where artifacts are kept (docs/storage.md): the `storage:` section, each key
// also LINKHUB_STORAGE_<KEY>. With `s3`, artifact_dir is the local cache.
struct StorageConfig {
  std::string backend = "local";  // local | s3
  std::string endpoint;           // https://s3.eu-west-1.amazonaws.com, http://127.0.0.1:9000
  std::string region = "us-east-1";
  std::string bucket;
  bool path_style = true;  // `addressing: path` (endpoint/bucket/key) or `virtual` (bucket.endpoint/key)
  std::string prefix;      // keys are <prefix>sha256/<hex>
  // Names in `secrets` holding the credentials (never the keys themselves here).
  std::string access_key_secret = "S3_ACCESS_KEY";
  std::string secret_key_secret = "S3_SECRET_KEY";
  int64_t multipart_threshold_mb = 16;  // larger files go up in parts
  int64_t part_size_mb = 8;
};

struct Config {
  std::filesystem::path file;  // empty when defaults only
  int threads = 0;             // 0 = 8, or the number of cores when more (effective_threads)
  std::vector<std::filesystem::path> plugin_dirs;
  std::filesystem::path artifact_dir = ".linkhub/artifacts";
  // Where lua.rule reads `file:` rules (absolute; empty = each workflow file's rules/ folder).
  std::filesystem::path rules_dir;
  std::string database = ".linkhub/linkhub.db";
  std::chrono::milliseconds lease{15000};
  std::chrono::milliseconds shutdown_grace{30000};
  std::vector<std::string> env_allowlist;      // variables visible as `env` in expressions
  std::map<std::string, std::string> secrets;  // visible as `secrets`; never logged
  lua::Limits expression_limits;
  Json plugins = Json::object();  // per-plugin sections, passed to each plugin
  // Cluster-wide: at most N executions at once of "plugin.step" (or of every step of "plugin").
  std::map<std::string, int> step_concurrency;
  HttpConfig http;
  StorageConfig storage;

  int effective_threads() const;
};

// A top-level key of linkhub.yaml owned outside the engine (the server's
// `serve:`, `auth:`, ...). load_config hands `parse` the key's value, with the
// file for error locations (config_location), and calls `environment` (when
// set) after the engine's own environment overrides. Errors are returned as
// they are; a YAML::Exception thrown by `parse` is reported with its location.
struct ConfigSection {
  std::string key;
  std::function<std::optional<Error>(const std::filesystem::path& file, const YAML::Node& value)> parse;
  std::function<std::optional<Error>()> environment;
};

// Loads `path` (when not empty) and applies environment overrides. An
// unreadable or malformed file is an error naming the file, line and key; a
// key that is neither the engine's nor one of `sections` is refused with the
// list of valid keys.
Result<Config> load_config(const std::filesystem::path& path, const std::vector<ConfigSection>& sections = {});

// "FILE:LINE:COLUMN" of a node, the prefix of every configuration error.
std::string config_location(const std::filesystem::path& file, const YAML::Node& node);

// Where plugins are looked for, in order: the built-in directory (next to the
// binary: <exe dir>/../lib/linkhub/plugins), the config's plugin_dirs,
// LINKHUB_PLUGIN_PATH, then the --plugin-dir flags.
std::vector<std::filesystem::path> plugin_search_path(const Config& config,
                                                      const std::vector<std::filesystem::path>& cli_dirs);

// The directory holding the running executable.
std::filesystem::path executable_dir();

}  // namespace linkhub
