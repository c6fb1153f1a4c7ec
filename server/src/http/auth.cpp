#include "http/auth.hpp"

#include <linkhub/engine/run_store.hpp>

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace linkhub::http {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr const char* kJwtSecretSetting = "auth.jwt_secret";
constexpr size_t kMaxCached = 10000;
// A key's last_used_ms is written at most this often (a write per request would halve throughput).
constexpr int64_t kTouchEveryMs = 60000;

ApiError unauthorized(std::string code, std::string message, Json details = Json::object()) {
  return ApiError{401, std::move(code), std::move(message), std::move(details)};
}

ApiError rate_limited(const std::string& limit, int retry_after_s, const std::string& message) {
  return ApiError{429, "rate_limited", message + "; retry after " + std::to_string(retry_after_s) + " s",
                  Json{{"limit", limit}, {"retry_after_s", retry_after_s}}};
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         });
}

Role role_or_viewer(const std::string& text) {
  return parse_role(text).value_or(Role::Viewer);
}

// An integer claim: nullopt when absent; throws when present but not a JSON
// integer (a string "9999999999", 1.5, true): Poco would convert those.
std::optional<int64_t> integer_claim(const Poco::JSON::Object& claims, const std::string& name) {
  if (!claims.has(name)) {
    return std::nullopt;
  }
  const Poco::Dynamic::Var value = claims.get(name);
  if (!value.isInteger() || value.isBoolean() || value.isString()) {
    throw std::invalid_argument("claim " + name + " is not an integer");
  }
  return value.convert<Poco::Int64>();
}

std::string string_claim(const Poco::JSON::Object& claims, const std::string& name) {
  if (!claims.has(name)) {
    return {};
  }
  const Poco::Dynamic::Var value = claims.get(name);
  if (!value.isString()) {
    throw std::invalid_argument("claim " + name + " is not a string");
  }
  return value.extract<std::string>();
}

// What an access token says, once its signature, header and claim types were checked.
struct AccessClaims {
  std::string subject;
  int64_t expires_s = 0;
  int64_t generation = 0;
};

// The claims of a token this server signed, checked strictly: alg HS256 and
// typ JWT (or none); exp, iat and gen integers; nbf an integer when present;
// iss ours; sub and role strings; iat and nbf not later than now + skew.
// nullopt for anything else. Expiry is the caller's (it has its own answer).
std::optional<AccessClaims> read_claims(const Poco::JWT::Token& token, const std::string& issuer, int64_t now_s,
                                        int64_t skew_s) {
  if (token.getAlgorithm() != Poco::JWT::Signer::ALGO_HS256) {
    return std::nullopt;
  }
  if (const std::string type = token.getType(); !type.empty() && type != "JWT") {
    return std::nullopt;
  }
  const Poco::JSON::Object& claims = token.payload();
  const auto expires = integer_claim(claims, "exp");
  const auto issued = integer_claim(claims, "iat");
  const auto generation = integer_claim(claims, "gen");
  const auto not_before = integer_claim(claims, "nbf");
  if (!expires || !issued || !generation || *issued > now_s + skew_s || (not_before && *not_before > now_s + skew_s)) {
    return std::nullopt;
  }
  AccessClaims out;
  out.subject = string_claim(claims, "sub");
  out.expires_s = *expires;
  out.generation = *generation;
  if (out.subject.empty() || string_claim(claims, "iss") != issuer || !parse_role(string_claim(claims, "role"))) {
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::optional<Role> parse_role(std::string_view text) {
  for (Role r : {Role::Viewer, Role::Operator, Role::Admin}) {
    if (to_string(r) == text) {
      return r;
    }
  }
  return std::nullopt;
}

Auth::Auth(SqlStore& store, AuthOptions options, RateLimitOptions limits, const Log& log)
    : store_(store),
      options_(std::move(options)),
      limit_options_(limits),
      log_(log),
      requests_(limits.requests_per_second, limits.burst, limits.max_buckets),
      public_requests_(limits.requests_per_second * kPublicLimitFactor, limits.burst * kPublicLimitFactor,
                       limits.max_buckets),
      failures_(limits.failed_auth_per_minute / 60.0, std::max(1.0, limits.failed_auth_per_minute),
                limits.max_buckets) {}

Auth::~Auth() = default;

int64_t Auth::now_ms() const {
  return options_.clock ? options_.clock() : linkhub::now_ms();
}

void Auth::start() {
  if (!options_.enabled) {
    log_.write("warn", "auth.disabled",
               Json{{"message",
                     "AUTHENTICATION IS DISABLED (auth.enabled: false / LINKHUB_AUTH_ENABLED=false): every request is "
                     "served as an anonymous admin. Use this only on a development machine, never on a shared "
                     "network."}});
  }
  if (!options_.jwt_secret.empty()) {
    secret_ = options_.jwt_secret;
  } else {
    // Made once by the first node that needs it and shared by every node on
    // this database, so a token from one node is good on all of them.
    secret_ = store_.setting_or_create(kJwtSecretSetting, [] { return random_hex(32); });
  }
  dummy_hash_ = hash_password(random_hex(16), options_.password_cost);
  if (options_.enabled && store_.count_admins() == 0) {
    log_.warn("auth.no_admin",
              Json{{"message",
                    "no admin API key or user exists yet, so nobody can call the API: create one with `linkhub keys "
                    "create --role admin` or `linkhub users create NAME --role admin` (same --db / --config as "
                    "this server)"}});
  }
  log_.info("auth.ready", Json{{"enabled", options_.enabled},
                               {"jwt_secret", options_.jwt_secret.empty() ? "from the database" : "from the config"},
                               {"access_token_ttl_s", options_.access_token_ttl.count() / 1000},
                               {"requests_per_second", limit_options_.requests_per_second},
                               {"burst", limit_options_.burst}});
}

// ---------------------------------------------------------------- lookups

std::optional<ApiKeyRecord> Auth::cached_key(const std::string& id) {
  const auto now = SteadyClock::now();
  {
    std::lock_guard lock(cache_mutex_);
    auto it = keys_.find(id);
    if (it != keys_.end() && now - it->second.fetched < options_.cache_ttl) {
      return it->second.record;
    }
  }
  auto record = store_.find_key(id);
  if (!record) {
    return std::nullopt;  // unknown ids are not cached: anyone can make them up
  }
  std::lock_guard lock(cache_mutex_);
  if (keys_.size() >= kMaxCached) {
    keys_.clear();
  }
  auto& entry = keys_[id];
  entry.record = record;
  entry.fetched = now;
  return record;
}

std::optional<UserRecord> Auth::cached_user(const std::string& name) {
  const auto now = SteadyClock::now();
  {
    std::lock_guard lock(cache_mutex_);
    auto it = users_.find(name);
    if (it != users_.end() && now - it->second.fetched < options_.cache_ttl) {
      return it->second.record;
    }
  }
  auto record = store_.find_user(name);
  if (!record) {
    return std::nullopt;
  }
  std::lock_guard lock(cache_mutex_);
  if (users_.size() >= kMaxCached) {
    users_.clear();
  }
  users_[name] = CachedUser{record, now};
  return record;
}

void Auth::forget_key(const std::string& id) {
  std::lock_guard lock(cache_mutex_);
  keys_.erase(id);
}

void Auth::forget_user(const std::string& name) {
  std::lock_guard lock(cache_mutex_);
  users_.erase(name);
}

// ---------------------------------------------------------------- requests

ApiError Auth::failed(ApiError error, const std::string& address) {
  const auto decision = failures_.take(address);
  if (!decision.allowed) {
    return rate_limited("failed_authentication", decision.retry_after_s,
                        "too many failed authentication attempts from this address");
  }
  return error;
}

std::optional<ApiError> Auth::address_blocked(const std::string& address) {
  const auto decision = failures_.peek(address);
  if (decision.allowed) {
    return std::nullopt;
  }
  return rate_limited("failed_authentication", decision.retry_after_s,
                      "too many failed authentication attempts from this address");
}

ApiResult<Principal> Auth::authenticate(const std::string& authorization, const std::string& api_key,
                                        const std::string& address) {
  if (!options_.enabled) {
    return Principal{"anonymous", "anonymous", "anonymous", Role::Admin};
  }
  std::string credential;
  const std::string header = trim(authorization);
  if (!header.empty() && !(header.size() == 6 && starts_with_ci(header, "Bearer"))) {
    if (!starts_with_ci(header, "Bearer ")) {
      return failed(
          unauthorized("invalid_token", "the Authorization header must be 'Bearer <API key or access token>'"),
          address);
    }
    credential = trim(std::string_view(header).substr(7));
  } else {
    credential = trim(api_key);
  }
  if (credential.empty()) {
    return unauthorized("unauthenticated",
                        "this route needs credentials: send 'Authorization: Bearer <API key or access token>' (create "
                        "a key with `linkhub keys create --role ...`, or log in at POST /api/v1/auth/login)");
  }
  ApiResult<Principal> principal =
      credential.rfind(std::string(kApiKeyPrefix) + "_", 0) == 0 ? from_key(credential) : from_jwt(credential);
  if (!principal) {
    return failed(principal.error(), address);
  }
  return principal;
}

ApiResult<Principal> Auth::from_key(const std::string& key) {
  const auto split = split_token(key, kApiKeyPrefix);
  const ApiError invalid = unauthorized("invalid_token", "the API key is not valid");
  if (!split) {
    return invalid;
  }
  auto record = cached_key(split->id);
  // Hash, then compare in constant time, even for an unknown id.
  const std::string hash = sha256_hex(split->secret);
  const bool match = constant_time_equal(hash, record ? record->secret_hash : std::string(64, '0'));
  if (!record || !match) {
    return invalid;
  }
  if (record->revoked_ms != 0) {
    return unauthorized("key_revoked", "this API key was revoked", Json{{"key_id", record->id}});
  }
  const auto role = parse_role(record->role);
  if (!role) {
    return invalid;
  }
  const int64_t now = linkhub::now_ms();
  bool touch = false;
  {
    std::lock_guard lock(cache_mutex_);
    auto it = keys_.find(record->id);
    const int64_t last =
        it != keys_.end() ? std::max(it->second.touched_ms, record->last_used_ms) : record->last_used_ms;
    if (now - last >= kTouchEveryMs) {
      touch = true;
      if (it != keys_.end()) {
        it->second.touched_ms = now;
      }
    }
  }
  if (touch) {
    try {
      store_.touch_key(record->id, now);
    } catch (const std::exception&) {
      // Only bookkeeping: the request goes on.
    }
  }
  return Principal{"key", record->id, record->name, *role};
}

ApiResult<Principal> Auth::from_jwt(const std::string& jwt) {
  const ApiError invalid =
      unauthorized("invalid_token", "the token is neither an API key nor an access token this server signed");
  // header.payload.signature, checked in constant time before anything is parsed.
  const size_t first = jwt.find('.');
  const size_t last = jwt.rfind('.');
  if (jwt.size() > 4096 || first == std::string::npos || first == last) {
    return invalid;
  }
  const std::string expected = hmac_sha256_base64url(secret_, std::string_view(jwt).substr(0, last));
  if (!constant_time_equal(expected, std::string_view(jwt).substr(last + 1))) {
    return invalid;
  }
  Poco::JWT::Token token;
  std::optional<AccessClaims> claims;
  const int64_t now = now_ms();
  try {
    Poco::JWT::Signer signer(secret_);  // HS256 only: "none" and every other algorithm are refused
    if (!signer.tryVerify(jwt, token)) {
      return invalid;
    }
    claims = read_claims(token, options_.issuer, now / 1000, options_.clock_skew.count());
  } catch (const std::exception&) {
    return invalid;  // malformed base64 or JSON, a claim of the wrong type
  }
  if (!claims) {
    return invalid;
  }
  if (claims->expires_s * 1000 <= now) {
    return unauthorized("token_expired", "the access token has expired: get a new one at POST /api/v1/auth/refresh",
                        Json{{"expired_at_ms", claims->expires_s * 1000}});
  }
  // The user as the database has it now (cached briefly): a disabled user's
  // tokens stop working, and a role change applies at once.
  auto user = cached_user(claims->subject);
  if (!user || user->disabled_ms != 0) {
    return unauthorized("user_disabled", "the user of this token is disabled or no longer exists");
  }
  // Logout, a new password or role, or a reused refresh token since it was issued.
  if (claims->generation != user->token_generation) {
    return unauthorized("token_revoked",
                        "the access token was revoked (logout, password or role change, or a reused refresh token): "
                        "get a new one at POST /api/v1/auth/refresh, or log in again");
  }
  return Principal{"user", user->name, user->name, role_or_viewer(user->role)};
}

std::optional<ApiError> Auth::limit(const Principal& principal, const std::string& address) {
  const std::string key = principal.kind == "anonymous" ? "address:" + address : principal.label();
  const auto decision = requests_.take(key);
  if (decision.allowed) {
    return std::nullopt;
  }
  const auto number = [](double v) {
    std::ostringstream out;
    out << v;
    return out.str();
  };
  return rate_limited("requests", decision.retry_after_s,
                      "this " + std::string(principal.kind == "key" ? "API key" : "client") + " sent more than " +
                          number(limit_options_.requests_per_second) + " requests a second (burst " +
                          number(limit_options_.burst) + ")");
}

std::optional<ApiError> Auth::limit_address(const std::string& address) {
  const auto decision = public_requests_.take("address:" + address);
  if (decision.allowed) {
    return std::nullopt;
  }
  std::ostringstream rate;
  rate << limit_options_.requests_per_second * kPublicLimitFactor << " requests a second (burst "
       << limit_options_.burst * kPublicLimitFactor << ")";
  return rate_limited("requests", decision.retry_after_s, "this client address sent more than " + rate.str());
}

// ---------------------------------------------------------------- tokens

std::string Auth::access_token(const UserRecord& user) const {
  const int64_t now = now_ms();
  Poco::JWT::Token token;
  token.setType("JWT");
  token.setSubject(user.name);
  token.setIssuer(options_.issuer);
  // Whole seconds (Poco's setIssuedAt would write fractions, which some clients refuse).
  token.payload().set("iat", static_cast<Poco::Int64>(now / 1000));
  token.payload().set("exp", static_cast<Poco::Int64>((now + options_.access_token_ttl.count()) / 1000));
  token.setId(random_hex(8));
  token.payload().set("role", std::string(to_string(role_or_viewer(user.role))));
  token.payload().set("gen", static_cast<Poco::Int64>(user.token_generation));
  Poco::JWT::Signer signer(secret_);
  return signer.sign(token, Poco::JWT::Signer::ALGO_HS256);
}

Json Auth::issue(const UserRecord& user, const std::string& family) {
  const int64_t now = now_ms();
  const NewToken refresh = new_token(kRefreshTokenPrefix);
  RefreshTokenRecord record;
  record.id = refresh.id;
  record.token_hash = refresh.secret_hash;
  record.user = user.name;
  record.family = family.empty() ? refresh.id : family;
  record.created_ms = now;
  record.expires_ms = now + options_.refresh_token_ttl.count();
  store_.insert_refresh_token(record);
  const Role role = role_or_viewer(user.role);
  return Json{{"access_token", access_token(user)},
              {"token_type", "Bearer"},
              {"expires_in", options_.access_token_ttl.count() / 1000},
              {"refresh_token", refresh.token},
              {"refresh_expires_in", options_.refresh_token_ttl.count() / 1000},
              {"role", std::string(to_string(role))},
              {"user", user.name}};
}

ApiResult<Json> Auth::login(const std::string& username, const std::string& password, const std::string& address) {
  if (auto blocked = address_blocked(address)) {
    return *blocked;  // before the password is checked: guessing stops here
  }
  auto user = valid_user_name(username) ? store_.find_user(username) : std::nullopt;
  // Unknown and disabled users cost the same hash as known ones: the answer
  // and its timing say nothing about which names exist.
  const bool password_ok = verify_password(password, user ? user->password_hash : dummy_hash_);
  if (!user || !password_ok || user->disabled_ms != 0) {
    log_.warn("auth.login_failed", Json{{"address", address}});
    return failed(unauthorized("invalid_credentials", "the user name or the password is wrong"), address);
  }
  if (password_needs_rehash(user->password_hash, options_.password_cost)) {
    upgrade_password_hash(*user, password);
  }
  const int64_t now = now_ms();
  if (now - last_cleanup_ms_.load() > 3600 * 1000) {
    last_cleanup_ms_ = now;
    store_.delete_expired_refresh_tokens(now - 24 * 3600 * 1000);
  }
  log_.info("auth.login", Json{{"user", user->name}, {"role", user->role}, {"address", address}});
  return issue(*user, "");
}

ApiResult<Json> Auth::refresh(const std::string& refresh_token, const std::string& address) {
  if (auto blocked = address_blocked(address)) {
    return *blocked;
  }
  const ApiError invalid = unauthorized("invalid_refresh_token", "the refresh token is not valid");
  const auto split = split_token(refresh_token, kRefreshTokenPrefix);
  if (!split) {
    return failed(invalid, address);
  }
  auto record = store_.find_refresh_token(split->id);
  if (!record || !constant_time_equal(sha256_hex(split->secret), record->token_hash)) {
    return failed(invalid, address);
  }
  const int64_t now = now_ms();
  if (record->revoked_ms != 0) {
    return failed(unauthorized("refresh_token_revoked", "the refresh token was revoked: log in again"), address);
  }
  if (record->expires_ms <= now) {
    return failed(unauthorized("refresh_token_expired", "the refresh token has expired: log in again"), address);
  }
  // Exchanged before, or by a concurrent request: someone else may hold it.
  // The whole login is revoked and its holders must log in again.
  if (record->rotated_ms != 0 || !store_.rotate_refresh_token(record->id, now)) {
    store_.revoke_refresh_family(record->family, now);
    end_access_tokens(record->user);
    log_.warn("auth.refresh_reused", Json{{"user", record->user}, {"address", address}});
    return failed(unauthorized("refresh_token_reused",
                               "the refresh token was already used: every token of this login is revoked; log in "
                               "again"),
                  address);
  }
  auto user = store_.find_user(record->user);
  if (!user || user->disabled_ms != 0) {
    store_.revoke_refresh_family(record->family, now);
    return failed(unauthorized("user_disabled", "the user is disabled or no longer exists"), address);
  }
  return issue(*user, record->family);
}

ApiResult<Json> Auth::logout(const std::string& refresh_token, const std::string& address) {
  const auto split = split_token(refresh_token, kRefreshTokenPrefix);
  auto record = split ? store_.find_refresh_token(split->id) : std::nullopt;
  if (!record || !constant_time_equal(sha256_hex(split->secret), record->token_hash)) {
    return failed(unauthorized("invalid_refresh_token", "the refresh token is not valid"), address);
  }
  store_.revoke_refresh_family(record->family, now_ms());
  end_access_tokens(record->user);
  return Json{{"logged_out", true}};
}

void Auth::end_access_tokens(const std::string& user) {
  store_.bump_token_generation(user);
  forget_user(user);  // this node at once; the others within cache_ttl
}

void Auth::upgrade_password_hash(const UserRecord& user, const std::string& password) {
  try {
    if (store_.upgrade_password_hash(user.name, user.password_hash, hash_password(password, options_.password_cost))) {
      log_.info("auth.password_rehashed", Json{{"user", user.name}});
    }
  } catch (const std::exception& e) {
    // The login is good either way; the next one tries again.
    log_.warn("auth.password_rehash_failed", Json{{"user", user.name}, {"error", e.what()}});
  }
}

}  // namespace linkhub::http
