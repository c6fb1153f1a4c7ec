#pragma once
// The statements of a run's writes, the ones every step makes: prepared once
// per session (store::StatementCache) instead of parsed on every use. Each
// holds the variables it is bound to; set them, then `st.execute(true)`.

#include <linkhub/engine/database.hpp>

#include <soci/soci.h>

#include <string>

namespace linkhub::sql_detail {

inline std::string for_share(soci::session& sql) {
  return sql.get_backend_name() == "postgresql" ? " FOR SHARE" : "";
}

// Executes a cached query of at most one row: whether it found one. The
// query is then run to its end: a SQLite statement left on a row would keep
// its read snapshot open after the transaction commits.
inline bool found_one(soci::statement& st) {
  const bool found = st.execute(true);
  if (found) {
    st.fetch();
  }
  return found;
}

// Whether the run is still held under `epoch` (SqlStore::Impl::holds).
struct HoldsEpoch final : store::CachedStatement {
  std::string run_id;
  long long epoch = 0;
  int found = 0;
  soci::statement st;
  explicit HoldsEpoch(soci::session& sql)
      : st((sql.prepare << "SELECT 1 FROM lh_runs WHERE id = :id AND lease_epoch = :e" + for_share(sql),
            soci::use(run_id), soci::use(epoch), soci::into(found))) {}
};

// The same, with the lease live at `now`.
struct HoldsLiveLease final : store::CachedStatement {
  std::string run_id;
  long long epoch = 0;
  long long now = 0;
  int found = 0;
  soci::statement st;
  explicit HoldsLiveLease(soci::session& sql)
      : st((sql.prepare << "SELECT 1 FROM lh_runs WHERE id = :id AND lease_epoch = :e AND lease_expires_ms >= :now" +
                               for_share(sql),
            soci::use(run_id), soci::use(epoch), soci::use(now), soci::into(found))) {}
};

// The texts of the writes every step makes, shared by these cached
// statements and PostgreSQL's pipelined batches (pg_pipeline.hpp).
inline constexpr const char* kEventInsertSql =
    "INSERT INTO lh_events (run_id, seq, time_ms, type, step_id, item_index, payload) "
    "VALUES (:r, :s, :t, :y, :st, :i, :p)";
inline constexpr const char* kRunUpdateSql =
    "UPDATE lh_runs SET status = :s, outputs = :o, error = :e, started_ms = :st, "
    "finished_ms = :f, error_code = :ec, error_details = :ed WHERE id = :id";
inline constexpr const char* kStepUpsertSql =
    "INSERT INTO lh_steps (run_id, step_id, item_index, attempt, status, input, output, error, "
    "started_ms, finished_ms, error_code, error_details) "
    "VALUES (:r, :s, :i, :a, :st, :in, :out, :e, :t0, :t1, :ec, :ed) "
    "ON CONFLICT (run_id, step_id, item_index) DO UPDATE SET attempt = excluded.attempt, "
    "status = excluded.status, "
    "input = CASE WHEN excluded.input = 'null' THEN lh_steps.input ELSE excluded.input END, "
    "output = excluded.output, error = excluded.error, "
    "started_ms = CASE WHEN excluded.started_ms = 0 THEN lh_steps.started_ms "
    "ELSE excluded.started_ms END, "
    "finished_ms = excluded.finished_ms, error_code = excluded.error_code, "
    "error_details = excluded.error_details";
// A finished run's waits: their outcomes are in its steps now.
inline constexpr const char* kRunWaitsDeleteSql = "DELETE FROM lh_waits WHERE run_id = :id";

struct EventInsert final : store::CachedStatement {
  std::string run_id, type, step_id, payload;
  long long seq = 0, time = 0;
  int index = -1;
  soci::statement st;
  explicit EventInsert(soci::session& sql)
      : st((sql.prepare << kEventInsertSql, soci::use(run_id), soci::use(seq), soci::use(time), soci::use(type),
            soci::use(step_id), soci::use(index), soci::use(payload))) {}
};

// A new run; `owner` and `expires` set when its creator claims it (epoch 1),
// empty and 0 otherwise. No idempotency key ('') is NULL: keys are unique.
inline constexpr const char* kRunInsertSql =
    "INSERT INTO lh_runs (id, workflow, workflow_version, workflow_hash, status, inputs, outputs, error, "
    "idempotency_key, created_ms, lease_owner, lease_expires_ms, lease_epoch, claims) "
    "VALUES (:id, :w, :v, :h, :s, :in, :out, :e, NULLIF(:k, ''), :c, :o, :x, :ep, :n)";
struct RunInsert final : store::CachedStatement {
  std::string id, workflow, hash, status, inputs, outputs, error, key, owner;
  int version = 1;
  long long created = 0, expires = 0, epoch = 0, claims = 0;
  soci::statement st;
  explicit RunInsert(soci::session& sql)
      : st((sql.prepare << kRunInsertSql, soci::use(id), soci::use(workflow), soci::use(version), soci::use(hash),
            soci::use(status), soci::use(inputs), soci::use(outputs), soci::use(error), soci::use(key),
            soci::use(created), soci::use(owner), soci::use(expires), soci::use(epoch), soci::use(claims))) {}
};

// A workflow version's `concurrency` (0: unlimited, or not registered).
struct WorkflowConcurrency final : store::CachedStatement {
  std::string hash;
  int concurrency = 0;
  soci::statement st;
  explicit WorkflowConcurrency(soci::session& sql)
      : st((sql.prepare << "SELECT concurrency FROM lh_workflows WHERE hash = :h", soci::use(hash),
            soci::into(concurrency))) {}
};

// A run's status, outputs and times (its lease is the queue's).
struct RunUpdate final : store::CachedStatement {
  std::string run_id, status, outputs, error, error_code, details;
  long long started = 0, finished = 0;
  soci::statement st;
  explicit RunUpdate(soci::session& sql)
      : st((sql.prepare << kRunUpdateSql, soci::use(status), soci::use(outputs), soci::use(error), soci::use(started),
            soci::use(finished), soci::use(error_code), soci::use(details), soci::use(run_id))) {}
};

struct RunWaitsDelete final : store::CachedStatement {
  std::string run_id;
  soci::statement st;
  explicit RunWaitsDelete(soci::session& sql) : st((sql.prepare << kRunWaitsDeleteSql, soci::use(run_id))) {}
};

// A step's (or item's) record. A step's end is recorded without its input:
// the input and start time of the attempt that ran are kept.
struct StepUpsert final : store::CachedStatement {
  std::string run_id, step_id, status, input, output, error, error_code, details;
  int index = -1, attempt = 0;
  long long started = 0, finished = 0;
  soci::statement st;
  explicit StepUpsert(soci::session& sql)
      : st((sql.prepare << kStepUpsertSql, soci::use(run_id), soci::use(step_id), soci::use(index), soci::use(attempt),
            soci::use(status), soci::use(input), soci::use(output), soci::use(error), soci::use(started),
            soci::use(finished), soci::use(error_code), soci::use(details))) {}
};

// Runs a node may claim: queued, or running under a lapsed lease; oldest
// first. SKIP LOCKED: nodes claiming at once each get different rows instead
// of queueing behind one another. SQLite has one writer: BEGIN IMMEDIATE serialises.
struct ClaimCandidates final : store::CachedStatement {
  long long now = 0;
  std::string only;
  int limit = 0;
  int limited_only = 0;  // 1: runs of workflows with a `concurrency` only
  std::string id, workflow;
  int concurrency = 0;
  soci::statement st;
  explicit ClaimCandidates(soci::session& sql)
      : st((sql.prepare << std::string(
                               "SELECT r.id, r.workflow, COALESCE(w.concurrency, 0) FROM lh_runs r "
                               "LEFT JOIN lh_workflows w ON w.hash = r.workflow_hash "
                               "WHERE r.status IN ('queued', 'running') AND r.lease_expires_ms < :now "
                               "AND (:only = '' OR r.id = :only2) AND (:lo = 0 OR COALESCE(w.concurrency, 0) > 0) "
                               "ORDER BY r.created_ms LIMIT :n") +
                               (sql.get_backend_name() == "postgresql" ? " FOR UPDATE OF r SKIP LOCKED" : ""),
            soci::use(now), soci::use(only), soci::use(only), soci::use(limited_only), soci::use(limit), soci::into(id),
            soci::into(workflow), soci::into(concurrency))) {}
};

}  // namespace linkhub::sql_detail
