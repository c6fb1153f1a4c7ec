#include "migrations.hpp"

#include <linkhub/engine/run_store.hpp>

#include <vector>

namespace linkhub::store {
namespace {

struct Migration {
  int version;
  const char* description;
  // Statements for both dialects; {{SERIAL}} differs. Kept to SQL both accept.
  std::vector<const char*> statements;
};

// Never edit a migration once released: add a new one.
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1,
       "runs, steps, events, workflows, dead letters, schedules",
       {
           "CREATE TABLE lh_workflows ("
           " hash TEXT PRIMARY KEY, name TEXT NOT NULL, version INTEGER NOT NULL, file TEXT NOT NULL,"
           " source TEXT NOT NULL, concurrency INTEGER NOT NULL DEFAULT 0, created_ms BIGINT NOT NULL)",
           "CREATE INDEX lh_workflows_name ON lh_workflows (name, created_ms)",

           "CREATE TABLE lh_runs ("
           " id TEXT PRIMARY KEY, workflow TEXT NOT NULL, workflow_version INTEGER NOT NULL,"
           " workflow_hash TEXT NOT NULL, status TEXT NOT NULL, inputs TEXT NOT NULL, outputs TEXT NOT NULL,"
           " error TEXT NOT NULL, idempotency_key TEXT UNIQUE, created_ms BIGINT NOT NULL,"
           " started_ms BIGINT NOT NULL DEFAULT 0, finished_ms BIGINT NOT NULL DEFAULT 0,"
           " lease_owner TEXT NOT NULL DEFAULT '', lease_expires_ms BIGINT NOT NULL DEFAULT 0,"
           " cancel_requested INTEGER NOT NULL DEFAULT 0, claims INTEGER NOT NULL DEFAULT 0)",
           // The queue: unfinished runs by age. Finished runs drop out of it.
           "CREATE INDEX lh_runs_queue ON lh_runs (status, lease_expires_ms, created_ms)",
           "CREATE INDEX lh_runs_workflow ON lh_runs (workflow, created_ms)",
           "CREATE INDEX lh_runs_created ON lh_runs (created_ms)",

           "CREATE TABLE lh_steps ("
           " run_id TEXT NOT NULL, step_id TEXT NOT NULL, item_index INTEGER NOT NULL, attempt INTEGER NOT NULL,"
           " status TEXT NOT NULL, input TEXT NOT NULL, output TEXT NOT NULL, error TEXT NOT NULL,"
           " started_ms BIGINT NOT NULL, finished_ms BIGINT NOT NULL, owner TEXT NOT NULL DEFAULT '',"
           " PRIMARY KEY (run_id, step_id, item_index))",

           "CREATE TABLE lh_events ("
           " run_id TEXT NOT NULL, seq BIGINT NOT NULL, time_ms BIGINT NOT NULL, type TEXT NOT NULL,"
           " step_id TEXT NOT NULL, item_index INTEGER NOT NULL, payload TEXT NOT NULL,"
           " PRIMARY KEY (run_id, seq))",

           "CREATE TABLE lh_dead_letters ("
           " run_id TEXT NOT NULL, step_id TEXT NOT NULL, item_index INTEGER NOT NULL, workflow TEXT NOT NULL,"
           " attempts INTEGER NOT NULL, input TEXT NOT NULL, error TEXT NOT NULL, created_ms BIGINT NOT NULL,"
           " requeued_ms BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (run_id, step_id, item_index))",
           "CREATE INDEX lh_dead_letters_created ON lh_dead_letters (created_ms)",

           "CREATE TABLE lh_schedules ("
           " workflow TEXT NOT NULL, trigger_index INTEGER NOT NULL, workflow_hash TEXT NOT NULL, cron TEXT NOT NULL,"
           " inputs TEXT NOT NULL,"
           " missed TEXT NOT NULL, next_fire_ms BIGINT NOT NULL, last_fire_ms BIGINT NOT NULL DEFAULT 0,"
           " PRIMARY KEY (workflow, trigger_index))",
       }},
      {2,
       "step_concurrency slots",
       {
           "CREATE TABLE lh_slots ("
           " name TEXT NOT NULL, holder TEXT NOT NULL, owner TEXT NOT NULL, expires_ms BIGINT NOT NULL,"
           " PRIMARY KEY (name, holder))",
           "CREATE INDEX lh_slots_owner ON lh_slots (owner)",
       }},
      {3,
       "authentication: API keys, users, refresh tokens, settings",
       {
           // API keys: only the SHA-256 of the secret part is kept. Revoked
           // keys stay (revoked_ms > 0) so `keys list` shows what was revoked.
           "CREATE TABLE lh_api_keys ("
           " id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, secret_hash TEXT NOT NULL,"
           " created_ms BIGINT NOT NULL, last_used_ms BIGINT NOT NULL DEFAULT 0, revoked_ms BIGINT NOT NULL DEFAULT 0)",
           // password_hash records its scheme and parameters (pbkdf2-sha256$iterations$salt$hash).
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
       }},
      {4,
       "workflow heads: the version of each name the cluster offers",
       {
           // origin: file | api; updated_by: the file path, or who called the API.
           // file_hash: what a file last registered under this name (a file
           // whose content did not change since does not override the API).
           "CREATE TABLE lh_workflow_heads ("
           " name TEXT PRIMARY KEY, hash TEXT NOT NULL, origin TEXT NOT NULL, updated_by TEXT NOT NULL,"
           " deleted INTEGER NOT NULL DEFAULT 0, updated_ms BIGINT NOT NULL, file_hash TEXT NOT NULL DEFAULT '')",
       }},
      {5,
       "users' token generation: access tokens carry it and die when it moves",
       {
           // Bumped by logout, password and role changes, disabling, and a
           // reused refresh token; an access token with an older one is refused.
           "ALTER TABLE lh_users ADD COLUMN token_generation BIGINT NOT NULL DEFAULT 0",
       }},
      {6,
       "error codes and details of failed runs and steps",
       {
           // error_code: error_codes.hpp ('' when none); error_details: JSON text ('null' when none).
           "ALTER TABLE lh_runs ADD COLUMN error_code TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE lh_runs ADD COLUMN error_details TEXT NOT NULL DEFAULT 'null'",
           "ALTER TABLE lh_steps ADD COLUMN error_code TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE lh_steps ADD COLUMN error_details TEXT NOT NULL DEFAULT 'null'",
       }},
  };
  return all;
}

}  // namespace

int latest_schema_version() {
  return migrations().back().version;
}

Result<int> migrate(Database& db) {
  try {
    db.write([&](soci::session& sql) {
      sql << "CREATE TABLE IF NOT EXISTS lh_schema_migrations ("
             " version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_ms BIGINT NOT NULL)";
    });
  } catch (const std::exception& e) {
    return Error{"database " + db.display() + ": cannot create the migrations table: " + e.what()};
  }
  int current = 0;
  for (const Migration& m : migrations()) {
    try {
      bool applied = db.write([&](soci::session& sql) {
        if (db.postgres()) {
          // Nodes starting together: one migrates, the others wait here.
          sql << "SELECT pg_advisory_xact_lock(7212001)";
        }
        int newest = 0;
        soci::indicator ind = soci::i_ok;
        sql << "SELECT MAX(version) FROM lh_schema_migrations", soci::into(newest, ind);
        if (ind == soci::i_null) {
          newest = 0;
        }
        if (newest > latest_schema_version()) {
          throw std::runtime_error("schema version " + std::to_string(newest) +
                                   " is newer than this linkhub binary knows (" +
                                   std::to_string(latest_schema_version()) +
                                   "); it was written by a newer linkhub: upgrade linkhub, or use another database");
        }
        current = newest;
        if (newest >= m.version) {
          return false;
        }
        for (const char* statement : m.statements) {
          sql << statement;
        }
        const std::string description = m.description;
        const long long now = now_ms();
        sql << "INSERT INTO lh_schema_migrations (version, description, applied_ms) VALUES (:v, :d, :t)",
            soci::use(m.version), soci::use(description), soci::use(now);
        return true;
      });
      if (applied) {
        current = m.version;
      }
    } catch (const std::exception& e) {
      return Error{"database " + db.display() + ": " + e.what()};
    }
  }
  return current;
}

}  // namespace linkhub::store
