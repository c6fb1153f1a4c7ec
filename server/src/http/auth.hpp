#pragma once
// Who is calling, and how often: API keys and console logins (HS256 JWT
// access tokens via Poco::JWT, rotating refresh tokens in the database), the
// per-principal rate limit, and the per-address limit on failed
// authentication. The dispatcher asks authenticate() and limit() for every
// route that is not public; the /auth routes call login() and refresh().
// Secrets (keys, passwords, tokens, the JWT secret) never reach the log.

#include "auth/auth_store.hpp"
#include "auth/credentials.hpp"
#include "http/api_error.hpp"
#include "http/auth_options.hpp"
#include "http/log.hpp"
#include "http/rate_limit.hpp"
#include "http/router.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace linkhub::http {

struct Principal {
  std::string kind;  // "key", "user", or "anonymous" (authentication disabled)
  std::string id;    // the key id or the user name
  std::string name;  // the key's name, or the user name
  Role role = Role::Viewer;
  std::string label() const { return kind + ":" + id; }
};

std::optional<Role> parse_role(std::string_view text);

class Auth {
 public:
  Auth(SqlStore& store, AuthOptions options, RateLimitOptions limits, const Log& log);
  ~Auth();
  Auth(const Auth&) = delete;
  Auth& operator=(const Auth&) = delete;

  // Settles the JWT secret (the configured one, else the database's) and
  // logs a warning when authentication is disabled.
  void start();
  bool enabled() const { return options_.enabled; }

  // The principal behind a request's credentials: `Authorization: Bearer
  // <API key or access token>`, else `X-API-Key: <API key>`. 401 when they
  // are missing, malformed, forged, expired or revoked; 429 once the address
  // has failed too often (valid credentials still pass).
  ApiResult<Principal> authenticate(const std::string& authorization, const std::string& api_key,
                                    const std::string& address);
  // The principal's rate limit: nullopt when the request may go on, else 429.
  std::optional<ApiError> limit(const Principal& principal, const std::string& address);
  // A public content route's limit (signed media links), per client address:
  // kPublicLimitFactor times the per-principal rate and burst, since one page
  // of product cards loads many images at once.
  std::optional<ApiError> limit_address(const std::string& address);
  static constexpr double kPublicLimitFactor = 10;

  // POST /auth/login, /auth/refresh, /auth/logout. login and refresh answer
  // {"access_token", "token_type", "expires_in", "refresh_token", "role", ...}.
  ApiResult<Json> login(const std::string& username, const std::string& password, const std::string& address);
  ApiResult<Json> refresh(const std::string& refresh_token, const std::string& address);
  ApiResult<Json> logout(const std::string& refresh_token, const std::string& address);

  // An access token for `user` at their current role and token generation
  // (what login hands out).
  std::string access_token(const UserRecord& user) const;

  AuthStore& store() { return store_; }
  // What new passwords are hashed at (the configured Argon2id cost).
  PasswordCost password_cost() const { return options_.password_cost; }
  // Drops a cached key (after a revocation through the API).
  void forget_key(const std::string& id);
  // Drops a cached user (after their token generation moved here).
  void forget_user(const std::string& name);

 private:
  int64_t now_ms() const;
  ApiResult<Principal> from_key(const std::string& key);
  ApiResult<Principal> from_jwt(const std::string& jwt);
  ApiError failed(ApiError error, const std::string& address);
  std::optional<ApiError> address_blocked(const std::string& address);
  Json issue(const UserRecord& user, const std::string& family);
  // Ends every access token of `user` (the token generation moves).
  void end_access_tokens(const std::string& user);
  void upgrade_password_hash(const UserRecord& user, const std::string& password);
  std::optional<ApiKeyRecord> cached_key(const std::string& id);
  std::optional<UserRecord> cached_user(const std::string& name);

  AuthStore store_;
  AuthOptions options_;
  RateLimitOptions limit_options_;
  const Log& log_;
  std::string secret_;
  std::string dummy_hash_;  // checked for unknown users
  RateLimiter requests_;
  RateLimiter public_requests_;
  RateLimiter failures_;

  struct CachedKey {
    std::optional<ApiKeyRecord> record;
    std::chrono::steady_clock::time_point fetched;
    int64_t touched_ms = 0;
  };
  struct CachedUser {
    std::optional<UserRecord> record;
    std::chrono::steady_clock::time_point fetched;
  };
  std::mutex cache_mutex_;
  std::unordered_map<std::string, CachedKey> keys_;
  std::unordered_map<std::string, CachedUser> users_;
  std::atomic<int64_t> last_cleanup_ms_{0};
};

}  // namespace linkhub::http
