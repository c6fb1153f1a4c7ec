#pragma once
// Who may use `linkhub serve`: API keys, users with password hashes, the
// refresh tokens of console logins, and cluster-wide settings (the generated
// JWT secret), in the run database next to the runs (the "auth" migration
// track, auth_schema.hpp), on SQLite and PostgreSQL alike. Only hashes of
// secrets are stored.

#include <linkhub/engine/result.hpp>
#include <linkhub/engine/sql_store.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace linkhub {

struct ApiKeyRecord {
  std::string id;           // the public part of the key (lhk_<id>_<secret>)
  std::string name;         // what it is for
  std::string role;         // viewer | operator | admin
  std::string secret_hash;  // sha256_hex of the secret part
  int64_t created_ms = 0;
  int64_t last_used_ms = 0;  // 0: never used (updated at most once a minute)
  int64_t revoked_ms = 0;    // 0: valid
};

struct UserRecord {
  std::string name;
  std::string password_hash;  // hash_password's encoding
  std::string role;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  int64_t disabled_ms = 0;  // 0: may log in
  // Access tokens carry the generation they were issued at; one older than
  // this is refused. It moves on logout, password or role change, disabling,
  // and refresh-token reuse, so those end the access tokens already out.
  int64_t token_generation = 0;
};

struct RefreshTokenRecord {
  std::string id;
  std::string token_hash;  // sha256_hex of the secret part
  std::string user;
  std::string family;  // the login it descends from (every rotation keeps it)
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
  int64_t rotated_ms = 0;  // exchanged for a new one: presenting it again is reuse
  int64_t revoked_ms = 0;
};

// What PATCH /api/v1/users/{name} and `linkhub users set-role|disable|enable`
// change about a user: only the fields that are set.
struct UserChange {
  std::optional<std::string> role;
  std::optional<bool> disabled;
  std::optional<std::string> password_hash;  // hash_password's encoding
};

enum class UserUpdate {
  Changed,
  NoSuchUser,
  BadRole,
  // The change would leave no enabled admin user: refused, nothing changed.
  // Admin API keys do not count: an admin can revoke them at any time.
  LastAdmin,
};

// A new API key: the record as stored, and the full key to show once.
struct CreatedApiKey {
  ApiKeyRecord record;
  std::string key;
};

class AuthStore {
 public:
  // Brings the auth tables up to date first (migrate_auth_schema); throws
  // std::runtime_error naming the migration that failed.
  explicit AuthStore(SqlStore& store);

  // --- API keys
  // Makes a key (random id and secret) and stores its hash. `role` must be valid_role.
  Result<CreatedApiKey> create_key(const std::string& name, const std::string& role);
  std::optional<ApiKeyRecord> find_key(const std::string& id) const;
  std::vector<ApiKeyRecord> list_keys() const;  // newest first, revoked ones too
  // False when no such key or it was already revoked.
  bool revoke_key(const std::string& id);
  void touch_key(const std::string& id, int64_t when_ms);

  // --- users
  // Refuses a name taken, an invalid role, or a malformed name.
  Result<UserRecord> create_user(const std::string& name, const std::string& password_hash, const std::string& role);
  std::optional<UserRecord> find_user(const std::string& name) const;
  std::vector<UserRecord> list_users() const;
  // False when there is no such user. Changing the password, the role or
  // disabling revokes the user's refresh tokens (their logins end) and moves
  // the token generation (their access tokens end).
  bool set_password(const std::string& name, const std::string& password_hash);
  bool set_role(const std::string& name, const std::string& role);
  bool set_disabled(const std::string& name, bool disabled);
  // Applies `change` in one transaction, refusing one that would demote or
  // disable the last enabled admin user (checked and written under one lock,
  // so two admins demoting each other at once cannot both succeed). Like the
  // setters above, it ends the user's logins and access tokens.
  UserUpdate update_user(const std::string& name, const UserChange& change);
  // Moves the user's token generation: every access token already issued to
  // them is refused from now on (within the servers' cache time). False when
  // there is no such user.
  bool bump_token_generation(const std::string& name);
  // Replaces the stored hash by a stronger one of the same password (after a
  // login verified it), only when it is still `old_hash` (compare-and-set);
  // nothing is revoked. False when the hash changed meanwhile.
  bool upgrade_password_hash(const std::string& name, const std::string& old_hash, const std::string& new_hash);
  size_t count_admins() const;  // enabled users and unrevoked keys with the admin role

  // --- refresh tokens
  void insert_refresh_token(const RefreshTokenRecord& token);
  std::optional<RefreshTokenRecord> find_refresh_token(const std::string& id) const;
  // Marks the token rotated when it is still unrotated and unrevoked (compare-and-set):
  // false when another request rotated or revoked it first.
  bool rotate_refresh_token(const std::string& id, int64_t when_ms);
  void revoke_refresh_family(const std::string& family, int64_t when_ms);
  void revoke_user_refresh_tokens(const std::string& user, int64_t when_ms);
  // Forgets tokens that expired before `before_ms`.
  size_t delete_expired_refresh_tokens(int64_t before_ms);

  // --- settings
  // The value of `name`; when absent, stores make() and returns it. Nodes
  // racing to make it all end up with the one value that was stored first.
  std::string setting_or_create(const std::string& name, const std::function<std::string()>& make);

 private:
  SqlStore& store_;
};

// A user name: 1 to 64 of letters, digits, '.', '_', '-', '@'.
bool valid_user_name(const std::string& name);

}  // namespace linkhub
