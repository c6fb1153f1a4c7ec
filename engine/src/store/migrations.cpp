#include "migrations.hpp"

namespace linkhub::store {
namespace {

// Never edit a migration once released: add a new one. The statements are
// SQL that SQLite and PostgreSQL both accept.
const sdk::MigrationTrack& engine_track() {
  static const sdk::MigrationTrack track{
      "engine",
      {
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
               " workflow TEXT NOT NULL, trigger_index INTEGER NOT NULL, workflow_hash TEXT NOT NULL, cron TEXT NOT "
               "NULL,"
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
          // Versions 3 and 5 made the server's auth tables in releases before the
          // server kept them on a track of its own (server/src/auth/auth_schema.cpp,
          // which adopts tables they made). They stay as versions, empty, so every
          // database counts the same.
          {3, "authentication tables (now the server's auth track)", {}},
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
          {5, "users' token generation (now the server's auth track)", {}},
          {6,
           "error codes and details of failed runs and steps",
           {
               // error_code: error_codes.hpp ('' when none); error_details: JSON text ('null' when none).
               "ALTER TABLE lh_runs ADD COLUMN error_code TEXT NOT NULL DEFAULT ''",
               "ALTER TABLE lh_runs ADD COLUMN error_details TEXT NOT NULL DEFAULT 'null'",
               "ALTER TABLE lh_steps ADD COLUMN error_code TEXT NOT NULL DEFAULT ''",
               "ALTER TABLE lh_steps ADD COLUMN error_details TEXT NOT NULL DEFAULT 'null'",
           }},
          {7,
           "durable waits: steps parked until an event with a key arrives or a deadline passes",
           {
               // One row per waiting step (core.wait_for, core.sleep with key ''),
               // kept until its run finishes. state: waiting | received | timed_out;
               // event: the delivered payload (JSON text). deadline_ms 0: none.
               "CREATE TABLE lh_waits ("
               " run_id TEXT NOT NULL, step_id TEXT NOT NULL, wait_key TEXT NOT NULL, deadline_ms BIGINT NOT NULL,"
               " created_ms BIGINT NOT NULL, state TEXT NOT NULL DEFAULT 'waiting', event TEXT NOT NULL DEFAULT 'null',"
               " resolved_ms BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (run_id, step_id))",
               // Delivery: the oldest wait on a key. Deadlines: the earliest first.
               "CREATE INDEX lh_waits_key ON lh_waits (wait_key, state, created_ms)",
               "CREATE INDEX lh_waits_deadline ON lh_waits (state, deadline_ms)",
           }},
          {8,
           "events by time, for the feed of every run's changes",
           {
               "CREATE INDEX lh_events_time ON lh_events (time_ms, run_id, seq)",
           }},
          {9,
           "lease epochs: fencing tokens that refuse a stale node's writes",
           {
               // Bumped by every claim of the run (and by a cancel or retry made
               // without its node); every write a node makes for the run carries
               // the epoch its claim set, and is refused once it is not the run's.
               "ALTER TABLE lh_runs ADD COLUMN lease_epoch BIGINT NOT NULL DEFAULT 0",
               // The run and claim a step_concurrency slot was taken under: a
               // stale node neither takes, renews nor frees a slot.
               "ALTER TABLE lh_slots ADD COLUMN run_id TEXT NOT NULL DEFAULT ''",
               "ALTER TABLE lh_slots ADD COLUMN lease_epoch BIGINT NOT NULL DEFAULT -1",
           }},
      }};
  return track;
}

// The engine's advisory lock key, as in every release (nodes of two releases
// starting together still exclude each other).
const Database::VersionTable kEngineVersions{"lh_schema_migrations", 7212001};

}  // namespace

int latest_schema_version() {
  return engine_track().latest();
}

Result<int> migrate(Database& db) {
  return db.migrate(engine_track(), kEngineVersions);
}

}  // namespace linkhub::store
