#pragma once
// How `linkhub serve` authenticates and limits its callers: read from
// linkhub.yaml's auth: and rate_limit: sections (config_auth.cpp) and handed
// as they are to Auth.

#include "auth/credentials.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace linkhub::http {

struct AuthOptions {
  // false: every request is an anonymous admin. For local development only;
  // the server logs a loud warning at start.
  bool enabled = true;
  std::string jwt_secret;  // empty: the one kept in the database (made by the first node that needs it)
  std::chrono::milliseconds access_token_ttl{std::chrono::minutes(15)};
  std::chrono::milliseconds refresh_token_ttl{std::chrono::hours(24 * 14)};
  std::string issuer = "linkhub";
  // The Argon2id cost of password hashes: of the stand-in hash checked for
  // unknown users (so they take as long as known ones), and of the hash an
  // older or cheaper one is upgraded to at a successful login (new passwords
  // are hashed by `linkhub users`).
  PasswordCost password_cost = kDefaultPasswordCost;
  // How far in the future a token's iat or nbf may lie (other nodes' clocks).
  std::chrono::seconds clock_skew{60};
  // How long a key or user read from the database is trusted: a revocation
  // or a disabled user made by another process takes effect within this.
  std::chrono::milliseconds cache_ttl{std::chrono::seconds(2)};
  // Milliseconds since the epoch for token issue and expiry (tests move it).
  std::function<int64_t()> clock;
};

struct RateLimitOptions {
  double requests_per_second = 20;  // per API key or user
  double burst = 40;
  double failed_auth_per_minute = 10;  // per client address; also its burst
  size_t max_buckets = 100000;
};

}  // namespace linkhub::http
