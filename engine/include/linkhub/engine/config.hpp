#pragma once

#include <linkhub/circuit_breaker.hpp>
#include <linkhub/engine/json.hpp>
#include <linkhub/engine/result.hpp>
#include <linkhub/lua/sandbox.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

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
//   listen             LINKHUB_LISTEN (`linkhub serve`: HOST:PORT)
//   max_body_bytes     LINKHUB_MAX_BODY_BYTES (`linkhub serve`: larger request bodies get 413)
//   step_concurrency   LINKHUB_STEP_CONCURRENCY (tiktok.fetch=4,ai=2)
//   rules_dir          LINKHUB_RULES_DIR (lua.rule's rule files; relative to the config file)
//   cors_origin        LINKHUB_CORS_ORIGIN (`linkhub serve`: the one browser origin allowed; empty = none)
//   auth.enabled            LINKHUB_AUTH_ENABLED (true|false; false only for local development, loudly logged)
//   auth.jwt_secret         LINKHUB_AUTH_JWT_SECRET (at least 32 characters; empty: generated once, kept in the
//   database) auth.access_token_ttl   LINKHUB_AUTH_ACCESS_TOKEN_TTL (default 15m) auth.refresh_token_ttl
//   LINKHUB_AUTH_REFRESH_TOKEN_TTL (default 336h: 14 days) rate_limit.requests_per_second
//   LINKHUB_RATE_LIMIT_REQUESTS_PER_SECOND (per API key or user) rate_limit.burst LINKHUB_RATE_LIMIT_BURST
//   rate_limit.failed_auth_per_minute  LINKHUB_RATE_LIMIT_FAILED_AUTH_PER_MINUTE (per client address)
//   http.allow         LINKHUB_HTTP_ALLOW (comma-separated; replaces the file's list): the
//                      non-public addresses, CIDR ranges and host names outbound HTTP may reach
//   http.circuit_breakers.default.KEY  LINKHUB_HTTP_BREAKER_KEY (FAILURES, FAILURE_RATE, MIN_CALLS, WINDOW,
//                      COOLDOWN): the per-host circuit breakers of outbound HTTP (docs/http.md)
//   serve.KEY          LINKHUB_SERVE_KEY (`linkhub serve`'s transport limits, TLS and proxies: see ServeConfig)
//   storage.KEY        LINKHUB_STORAGE_KEY (where artifacts are kept: see StorageConfig, docs/storage.md)

// `linkhub serve`'s authentication. There is no way to turn it off silently.
struct AuthConfig {
  bool enabled = true;
  std::string jwt_secret;  // never logged; empty: generated once and kept in the database
  std::chrono::milliseconds access_token_ttl{std::chrono::minutes(15)};
  std::chrono::milliseconds refresh_token_ttl{std::chrono::hours(24 * 14)};
};

// Token buckets: per principal (API key or user) for every authenticated
// request, and per client address for failed authentication (logins).
struct RateLimitConfig {
  double requests_per_second = 20;
  double burst = 40;
  double failed_auth_per_minute = 10;  // also the burst of failed attempts
};

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

// `linkhub serve`'s exposure to the network (docs/security.md, "HTTP exposure
// and transport"): the `serve:` section, each key also LINKHUB_SERVE_<KEY>.
struct ServeConfig {
  std::string listen_tls;                    // HOST:PORT of a TLS listener beside `listen`; empty: none
  std::filesystem::path tls_cert;            // PEM certificate chain
  std::filesystem::path tls_key;             // PEM private key
  std::vector<std::string> trusted_proxies;  // addresses or CIDR ranges (env: comma-separated)
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{30000};
  std::chrono::milliseconds idle_timeout{10000};
  std::chrono::milliseconds step_timeout{30000};  // a step an API route invokes directly
  int64_t max_requests_per_connection = 1000;
  int64_t max_connections = 10000;
  int64_t max_header_bytes = 16384;
  int64_t max_url_bytes = 8192;
  int64_t workers = 16;
  int64_t max_streams = 1000;
  int64_t max_streams_per_principal = 100;
  int64_t max_waits = 8;
  int64_t max_waits_per_principal = 2;
  // Media links (docs/api.md, "Media"): the externally reachable base of this
  // server, "https://shop.example.com" (empty: each request's Host), and how
  // long a signed /media link in an API answer stays good.
  std::string public_url;
  std::chrono::milliseconds media_link_ttl{std::chrono::hours(24 * 7)};
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
  int threads = 0;             // 0 = number of cores (at least 2)
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
  // `linkhub serve`: where it listens, the largest request body it reads, and
  // the web console's origin, the only one CORS lets in.
  std::string listen = "127.0.0.1:8080";
  size_t max_body_bytes = size_t{1} << 20;
  std::string cors_origin;
  AuthConfig auth;
  RateLimitConfig rate_limit;
  HttpConfig http;
  ServeConfig serve;
  StorageConfig storage;

  int effective_threads() const;
};

// Loads `path` (when not empty) and applies environment overrides. An
// unreadable or malformed file is an error naming the file, line and key.
Result<Config> load_config(const std::filesystem::path& path);

// Where plugins are looked for, in order: the built-in directory (next to the
// binary: <exe dir>/../lib/linkhub/plugins), the config's plugin_dirs,
// LINKHUB_PLUGIN_PATH, then the --plugin-dir flags.
std::vector<std::filesystem::path> plugin_search_path(const Config& config,
                                                      const std::vector<std::filesystem::path>& cli_dirs);

// The directory holding the running executable.
std::filesystem::path executable_dir();

}  // namespace linkhub
