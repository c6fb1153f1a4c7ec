#include "auth/auth_schema.hpp"

namespace linkhub {
namespace {

// What the engine's schema versions 3 and 5 made before the auth track:
// already_present finds them, so an old database keeps its users and keys.
std::string table_exists(bool postgres, const std::string& table) {
  return postgres ? "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '" +
                        table + "'"
                  : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'";
}

std::string column_exists(bool postgres, const std::string& table, const std::string& column) {
  return postgres
             ? "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '" +
                   table + "' AND column_name = '" + column + "'"
             : "SELECT 1 FROM pragma_table_info('" + table + "') WHERE name = '" + column + "'";
}

// Never edit a migration once released: add a new one. The statements are
// SQL that SQLite and PostgreSQL both accept.
sdk::MigrationTrack auth_track(bool postgres) {
  return {
      "auth",
      {
          {1,
           "API keys, users, refresh tokens, settings",
           {
               // API keys: only the SHA-256 of the secret part is kept. Revoked
               // keys stay (revoked_ms > 0) so `keys list` shows what was revoked.
               "CREATE TABLE lh_api_keys ("
               " id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, secret_hash TEXT NOT NULL,"
               " created_ms BIGINT NOT NULL, last_used_ms BIGINT NOT NULL DEFAULT 0,"
               " revoked_ms BIGINT NOT NULL DEFAULT 0)",
               // password_hash records its scheme and parameters (credentials.hpp).
               "CREATE TABLE lh_users ("
               " name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL, created_ms BIGINT NOT NULL,"
               " updated_ms BIGINT NOT NULL DEFAULT 0, disabled_ms BIGINT NOT NULL DEFAULT 0)",
               // Refresh tokens, hashed like keys. Each refresh rotates: the used
               // token gets rotated_ms and a new one of the same family is made; a
               // rotated token presented again revokes its whole family.
               "CREATE TABLE lh_refresh_tokens ("
               " id TEXT PRIMARY KEY, token_hash TEXT NOT NULL, user_name TEXT NOT NULL, family TEXT NOT NULL,"
               " created_ms BIGINT NOT NULL, expires_ms BIGINT NOT NULL, rotated_ms BIGINT NOT NULL DEFAULT 0,"
               " revoked_ms BIGINT NOT NULL DEFAULT 0)",
               "CREATE INDEX lh_refresh_tokens_user ON lh_refresh_tokens (user_name)",
               "CREATE INDEX lh_refresh_tokens_family ON lh_refresh_tokens (family)",
               "CREATE INDEX lh_refresh_tokens_expires ON lh_refresh_tokens (expires_ms)",
               // Cluster-wide values made once (the generated JWT signing secret).
               "CREATE TABLE lh_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL, created_ms BIGINT NOT NULL)",
           },
           // The engine's version 3 made all four tables in one transaction.
           [postgres](const sdk::MigrationDatabase& db) { return db.has_rows(table_exists(postgres, "lh_users")); }},
          {2,
           "users' token generation: access tokens carry it and die when it moves",
           {
               // Bumped by logout, password and role changes, disabling, and a
               // reused refresh token; an access token with an older one is refused.
               "ALTER TABLE lh_users ADD COLUMN token_generation BIGINT NOT NULL DEFAULT 0",
           },
           // The engine's version 5.
           [postgres](const sdk::MigrationDatabase& db) {
             return db.has_rows(column_exists(postgres, "lh_users", "token_generation"));
           }},
      }};
}

// Its own advisory lock key: the engine's is 7212001.
const store::Database::VersionTable kAuthVersions{"lh_auth_schema_migrations", 7212003};

}  // namespace

int latest_auth_schema_version() {
  return auth_track(false).latest();
}

Result<int> migrate_auth_schema(store::Database& db) {
  return db.migrate(auth_track(db.postgres()), kAuthVersions);
}

}  // namespace linkhub
