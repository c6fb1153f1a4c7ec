#pragma once
// The keys of linkhub.yaml only `linkhub serve` reads. The engine's loader
// refuses keys it does not know, so every command registers these sections
// (load_linkhub_config) and a file written for `linkhub serve` works with
// `linkhub run` too. Each key can be overridden by an environment variable:
//   listen             LINKHUB_LISTEN (HOST:PORT)
//   max_body_bytes     LINKHUB_MAX_BODY_BYTES (larger request bodies get 413)
//   cors_origin        LINKHUB_CORS_ORIGIN (the one browser origin allowed; empty = none)
//   auth.enabled            LINKHUB_AUTH_ENABLED (true|false; false only for local development, loudly logged)
//   auth.jwt_secret         LINKHUB_AUTH_JWT_SECRET (at least 32 characters; empty: generated once, kept in
//                           the database)
//   auth.access_token_ttl   LINKHUB_AUTH_ACCESS_TOKEN_TTL (default 15m)
//   auth.refresh_token_ttl  LINKHUB_AUTH_REFRESH_TOKEN_TTL (default 336h: 14 days)
//   rate_limit.requests_per_second     LINKHUB_RATE_LIMIT_REQUESTS_PER_SECOND (per API key or user)
//   rate_limit.burst                   LINKHUB_RATE_LIMIT_BURST
//   rate_limit.failed_auth_per_minute  LINKHUB_RATE_LIMIT_FAILED_AUTH_PER_MINUTE (per client address)
//   serve.KEY          LINKHUB_SERVE_KEY (transport limits, TLS and proxies: see ServeConfig)

#include "http/auth_options.hpp"
#include "http/config_serve.hpp"

#include <linkhub/engine/config.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace linkhub::http {

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";
  size_t max_body_bytes = size_t{1} << 20;
  std::string cors_origin;  // the web console's origin, the only one CORS lets in
  AuthOptions auth;         // there is no way to turn it off silently
  RateLimitOptions rate_limit;
  ServeConfig serve;
};

// The sections above, parsed into `out` (which must outlive the load).
std::vector<ConfigSection> server_config_sections(ServerConfig& out);

// auth: and rate_limit: (config_auth.cpp).
std::optional<Error> apply_auth_section(AuthOptions& auth, const std::filesystem::path& file, const YAML::Node& node);
std::optional<Error> apply_rate_limit_section(RateLimitOptions& limit, const std::filesystem::path& file,
                                              const YAML::Node& node);
std::optional<Error> apply_auth_environment(AuthOptions& auth, RateLimitOptions& limit);

struct LinkhubConfig {
  Config engine;
  ServerConfig server;
};

// linkhub.yaml at `path` (none when empty) with the environment's overrides:
// the engine's settings and the server's.
Result<LinkhubConfig> load_linkhub_config(const std::filesystem::path& path);

}  // namespace linkhub::http
