#pragma once
// SqlStore's shared state and helpers, for its implementation files, one per
// concern (stores.hpp): sql_store.cpp (opening; runs, steps and events, and
// the leased writes), sql_workflows.cpp, sql_queue.cpp, sql_slots.cpp,
// sql_waits.cpp, sql_schedules.cpp.

#include <linkhub/engine/database.hpp>
#include <linkhub/engine/event_type.hpp>
#include <linkhub/engine/sql_store.hpp>

#include "migrations.hpp"
#include "pg_pipeline.hpp"
#include "sql_statements.hpp"
#include "work_signal.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace linkhub {

namespace sql_detail {

using store::Database;

inline constexpr const char* kRunColumns =
    "id, workflow, workflow_version, workflow_hash, status, inputs, outputs, error, COALESCE(idempotency_key, ''), "
    "created_ms, started_ms, finished_ms, error_code, error_details, lease_epoch";

// A write made without a node's lease (RunStore's own methods): no epoch to check.
inline constexpr long long kUnfenced = -1;

inline RunStatus parse_run_status(const std::string& s) {
  if (s == "running")
    return RunStatus::Running;
  if (s == "succeeded")
    return RunStatus::Succeeded;
  if (s == "failed")
    return RunStatus::Failed;
  if (s == "cancelled")
    return RunStatus::Cancelled;
  if (s == "waiting")
    return RunStatus::Waiting;
  return RunStatus::Queued;
}

inline StepStatus parse_step_status(const std::string& s) {
  static const std::pair<const char*, StepStatus> names[] = {
      {"pending", StepStatus::Pending},     {"running", StepStatus::Running}, {"retrying", StepStatus::Retrying},
      {"succeeded", StepStatus::Succeeded}, {"failed", StepStatus::Failed},   {"skipped", StepStatus::Skipped},
      {"cancelled", StepStatus::Cancelled}, {"waiting", StepStatus::Waiting}};
  for (const auto& [name, status] : names) {
    if (s == name) {
      return status;
    }
  }
  return StepStatus::Pending;
}

inline Json parse_json(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  return j.is_discarded() ? Json(text) : j;
}

// One row of kRunColumns, bound once and fetched row by row.
struct RunRow {
  std::string id, workflow, hash, status, inputs, outputs, error, key, error_code, error_details;
  int version = 1;
  long long created = 0, started = 0, finished = 0, epoch = 0;

  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(workflow));
    st.exchange(soci::into(version));
    st.exchange(soci::into(hash));
    st.exchange(soci::into(status));
    st.exchange(soci::into(inputs));
    st.exchange(soci::into(outputs));
    st.exchange(soci::into(error));
    st.exchange(soci::into(key));
    st.exchange(soci::into(created));
    st.exchange(soci::into(started));
    st.exchange(soci::into(finished));
    st.exchange(soci::into(error_code));
    st.exchange(soci::into(error_details));
    st.exchange(soci::into(epoch));
  }

  RunRecord record() const {
    RunRecord r;
    r.id = id;
    r.workflow = workflow;
    r.workflow_version = version;
    r.workflow_hash = hash;
    r.status = parse_run_status(status);
    r.inputs = parse_json(inputs);
    r.outputs = parse_json(outputs);
    r.error = error;
    r.error_code = error_code;
    r.error_details = parse_json(error_details);
    r.idempotency_key = key;
    r.created_ms = created;
    r.started_ms = started;
    r.finished_ms = finished;
    r.lease_epoch = epoch;
    return r;
  }
};

// Runs `sql_text` with `uses` bound and collects its rows through `Row` (a
// struct that binds its columns with bind(statement) and makes one record()).
template <class Row, class... Uses>
auto query_rows(soci::session& sql, const std::string& sql_text, Uses&&... uses) {
  std::vector<decltype(std::declval<Row&>().record())> out;
  Row row;
  soci::statement st(sql);
  row.bind(st);
  (st.exchange(soci::use(uses)), ...);
  st.alloc();
  st.prepare(sql_text);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    out.push_back(row.record());
  }
  return out;
}

// A SELECT of kRunColumns.
template <class... Uses>
std::vector<RunRecord> query_runs(soci::session& sql, const std::string& sql_text, Uses&&... uses) {
  return query_rows<RunRow>(sql, sql_text, std::forward<Uses>(uses)...);
}

// One run by id, prepared once per session.
struct RunById final : store::CachedStatement {
  std::string run_id;
  RunRow row;
  soci::statement st;
  explicit RunById(soci::session& sql) : st(sql) {
    row.bind(st);
    st.exchange(soci::use(run_id));
    st.alloc();
    st.prepare(std::string("SELECT ") + kRunColumns + " FROM lh_runs WHERE id = :id");
    st.define_and_bind();
  }
  std::optional<RunRecord> find(const std::string& id) {
    run_id = id;
    if (!st.execute(true)) {
      return std::nullopt;
    }
    RunRecord found = row.record();
    st.fetch();  // to the query's end: see found_one
    return found;
  }
};

// What a claim sets, in both statements below: the new owner and expiry,
// and a new epoch.
inline constexpr const char* kClaimSet =
    "UPDATE lh_runs SET lease_owner = :o, lease_expires_ms = :e, claims = claims + 1, "
    "lease_epoch = lease_epoch + 1 WHERE ";

// A claim: a new epoch, so whoever held the run before writes nothing more
// to it. RETURNING: the claimed run comes back with the claim, not from a
// read after it.
struct ClaimRun final : store::CachedStatement {
  std::string owner, run_id;
  long long expires = 0;
  RunRow row;
  soci::statement st;
  explicit ClaimRun(soci::session& sql) : st(sql) {
    row.bind(st);
    st.exchange(soci::use(owner));
    st.exchange(soci::use(expires));
    st.exchange(soci::use(run_id));
    st.alloc();
    st.prepare(std::string(kClaimSet) + "id = :id RETURNING " + kRunColumns);
    st.define_and_bind();
  }
  std::optional<RunRecord> claim(const std::string& id) {
    run_id = id;
    if (!st.execute(true)) {
      return std::nullopt;
    }
    RunRecord claimed = row.record();
    st.fetch();  // to the statement's end: see found_one
    return claimed;
  }
};

// PostgreSQL's claim of runs whose workflow has no `concurrency`: one
// statement, outside an explicit transaction, so the server commits it by
// itself. In a transaction of several round trips, a node stalled between
// them (SIGSTOP, a paused VM) kept what its candidate query had locked, and
// that can be another node's run: a row claimed by that node while the query
// ran is locked in its new version, then dropped by the recheck (its lease is
// live) but still locked. That node's heartbeat and writes for the run then
// waited for the stalled one, its lease lapsed, and a third node ran the
// step again.
struct ClaimRunsAtOnce final : store::CachedStatement {
  std::string owner, only, busy;  // busy: ids joined with ','
  long long expires = 0, now = 0;
  int limit = 0;
  RunRow row;
  soci::statement st;
  explicit ClaimRunsAtOnce(soci::session& sql) : st(sql) {
    row.bind(st);
    st.exchange(soci::use(owner));
    st.exchange(soci::use(expires));
    st.exchange(soci::use(now));
    st.exchange(soci::use(only));
    st.exchange(soci::use(only));
    st.exchange(soci::use(busy));
    st.exchange(soci::use(limit));
    st.alloc();
    st.prepare(std::string(kClaimSet) +
               "id IN (SELECT r.id FROM lh_runs r "
               "LEFT JOIN lh_workflows w ON w.hash = r.workflow_hash "
               "WHERE r.status IN ('queued', 'running') AND r.lease_expires_ms < :now "
               "AND (:only = '' OR r.id = :only2) AND COALESCE(w.concurrency, 0) <= 0 "
               "AND NOT (r.id = ANY (string_to_array(:busy, ','))) "
               "ORDER BY r.created_ms LIMIT :n FOR UPDATE OF r SKIP LOCKED) RETURNING " +
               kRunColumns);
    st.define_and_bind();
  }
  std::vector<RunRecord> claim() {
    std::vector<RunRecord> claimed;
    if (st.execute(true)) {
      do {
        claimed.push_back(row.record());
      } while (st.fetch());
    }
    // RETURNING follows no order: oldest first, as the queue is.
    std::sort(claimed.begin(), claimed.end(),
              [](const RunRecord& a, const RunRecord& b) { return a.created_ms < b.created_ms; });
    return claimed;
  }
};

inline bool final_run(const std::string& status) {
  return status == "succeeded" || status == "failed" || status == "cancelled";
}

}  // namespace sql_detail

struct SqlStore::Impl {
  using Database = store::Database;
  static constexpr long long kUnfenced = sql_detail::kUnfenced;
  std::unique_ptr<Database> db;
  std::unique_ptr<store::WorkSignal> signal;
  mutable std::mutex seq_mutex;
  std::unordered_map<std::string, long long> last_seq;  // per run written by this process

  // The next event number of a run. Only the node holding a run's lease
  // writes its events, so a per-process counter (seeded from the table) is enough.
  long long next_seq(soci::session& sql, const std::string& run_id) {
    std::lock_guard lock(seq_mutex);
    auto it = last_seq.find(run_id);
    if (it == last_seq.end()) {
      long long max = 0;
      sql << "SELECT COALESCE(MAX(seq), 0) FROM lh_events WHERE run_id = :r", soci::use(run_id), soci::into(max);
      it = last_seq.emplace(run_id, max).first;
    }
    return ++it->second;
  }

  // A run just inserted has no events yet: its first is 1.
  void first_seq(const std::string& run_id) {
    std::lock_guard lock(seq_mutex);
    last_seq[run_id] = 0;
  }

  void forget_seq(const std::string& run_id) {
    std::lock_guard lock(seq_mutex);
    last_seq.erase(run_id);
  }

  // The event's number (and its time, when it has none) as it is stored.
  void number_event(soci::session& sql, EventRecord& e) {
    e.seq = next_seq(sql, e.run_id);
    if (e.time_ms == 0) {
      e.time_ms = now_ms();
    }
  }

  void insert_event(soci::session& sql, EventRecord& e) {
    number_event(sql, e);
    auto& q = db->statements(sql).get<sql_detail::EventInsert>(sql);
    q.run_id = e.run_id;
    q.seq = e.seq;
    q.time = e.time_ms;
    q.type = e.type;
    q.step_id = e.step_id;
    q.index = e.index;
    q.payload = e.payload.dump();
    q.st.execute(true);
  }

  // Whether `epoch` is still the run's lease epoch (always, for kUnfenced).
  // The first statement of every fenced write: a later claim bumped the epoch
  // otherwise, and the write stores nothing. On PostgreSQL the row stays
  // locked until the write commits, so a claim (FOR UPDATE) waits for it or
  // passes it by, and never slips between this check and the commit; SQLite
  // has one writer at a time (BEGIN IMMEDIATE).
  //
  // `live`: and the lease has not lapsed. A step's start is the gate before
  // its plugin is called: a node that stalled past its lease must not call it
  // even when no other node has claimed the run yet, since one may the next
  // moment and run the step too. The node drops the run; a claim (maybe its
  // own) carries it on from what is stored.
  bool holds(soci::session& sql, const std::string& run_id, long long epoch, bool live = false) {
    if (epoch == kUnfenced) {
      return true;
    }
    if (live) {
      auto& q = db->statements(sql).get<sql_detail::HoldsLiveLease>(sql);
      q.run_id = run_id;
      q.epoch = epoch;
      q.now = now_ms();
      return sql_detail::found_one(q.st);
    }
    auto& q = db->statements(sql).get<sql_detail::HoldsEpoch>(sql);
    q.run_id = run_id;
    q.epoch = epoch;
    return sql_detail::found_one(q.st);
  }

  // Runs a run's write; a write that throws leaves the cached event numbers
  // of the run behind (its events may not be stored): read them again. A
  // write taking (session&, bool& reached) makes its transaction itself
  // (Database::write_pipelined); one taking (session&) is given one.
  template <class F>
  auto write_for(const std::string& run_id, F&& fn) {
    try {
      if constexpr (std::is_invocable_v<F&, soci::session&, bool&>) {
        return db->write_pipelined(std::forward<F>(fn));
      } else {
        return db->write(std::forward<F>(fn));
      }
    } catch (...) {
      forget_seq(run_id);
      throw;
    }
  }

  // A new run (and its run.created event); claimed by `owner` for `lease`
  // when `owner` is not empty and its workflow's concurrency has room.
  CreatedRun create_run(RunRecord run, const std::string& owner, std::chrono::milliseconds lease);
  // Whether `workflow` may have `taken` more runs held under a live lease
  // (its `concurrency`, 0: unlimited), inside a claim's write (sql_queue.cpp).
  bool has_room(soci::session& sql, const std::string& workflow, int concurrency, int taken, long long now);
  // A workflow version's `concurrency`: part of its source, so fixed for its
  // hash; read once per process (0 for a version not registered yet is not kept).
  int concurrency_of(soci::session& sql, const std::string& hash);
  // The run's row (claimed by `owner` until `expires` when owner is not
  // empty: epoch 1) and its run.created event.
  void insert_run(soci::session& sql, const RunRecord& run, const std::string& owner, long long expires);
  std::mutex concurrency_mutex;
  std::unordered_map<std::string, int> concurrency_by_hash;
  // The claim's transaction of several round trips (claim_in_transaction):
  // for every run on SQLite, for runs of workflows with a `concurrency` on
  // PostgreSQL (ClaimRunsAtOnce takes the others).
  std::vector<RunRecord> claim_in_transaction(const std::string& owner, size_t max, std::chrono::milliseconds lease,
                                              const std::string& only, const std::vector<std::string>& busy,
                                              bool limited_only);
  // Whether a workflow with a `concurrency` may be registered: once one is,
  // for good; until then asked again at most once a second (another node may
  // register one), so claims on a cluster without any cost no round trip.
  bool may_have_limited_workflows();
  std::atomic<bool> limited_seen{false};
  std::atomic<long long> limited_asked_ms{0};
  LeaseWrite update_run(const RunRecord& run, EventRecord& event, long long epoch);
  LeaseWrite transition(StepRecord& step, EventRecord& event, long long epoch);
  LeaseWrite append_event(EventRecord& event, long long epoch);
  // One run's batch (sql_batches.cpp): on SQLite, batches that arrive while
  // another is being committed are committed together (group commit).
  LeaseWrite write_all(const std::string& run_id, std::vector<RunWrite>& writes, long long epoch);
  // A run's writes under its epoch, or (`create`) the insert of a new run:
  // triggers are committed in the groups of the runs' writes too.
  struct Batch {
    const std::string* run_id;
    std::vector<RunWrite>* writes;
    long long epoch;
    std::function<void(soci::session&)> create;
    LeaseWrite result = LeaseWrite::stale;
    std::exception_ptr error;
    bool done = false;  // under group_mutex
    // Its caller's, woken alone: when the batch is done or its caller is to
    // lead the next group (one wake-up for all waiters was a third of the
    // server's futex calls under the ?wait load).
    std::condition_variable* woken = nullptr;
  };
  std::mutex group_mutex;
  std::vector<Batch*> group_queue;
  bool group_leader = false;
  // Commits the batch, in a group on SQLite, alone on PostgreSQL; its error is in `error`.
  void commit(Batch& batch);
  void commit_group(const std::vector<Batch*>& group);
  void commit_alone(Batch& batch);
  // The batch's writes inside a write(), after its epoch check; true when it ended the run.
  bool store_batch(soci::session& sql, Batch& batch);
  // The same on PostgreSQL as one transaction of its own: the check and the
  // writes sent and committed in one round trip (Database::write_pipelined).
  bool store_batch_pipelined(soci::session& sql, Batch& batch, bool& reached);
  // A run's events as one statement of a pipelined batch, numbered.
  void pipe_events(soci::session& sql, sql_detail::PgPipeline& pipe, const std::string& run_id,
                   const std::vector<EventRecord*>& events);
  // PostgreSQL: a new run (claimed by `owner` when not empty) and its
  // run.created event in one round trip; whether it is claimed. Nothing,
  // and nothing written, when its workflow has a `concurrency`: whether it
  // has room is read in the transaction before the insert (create_run).
  std::optional<bool> create_pipelined(const RunRecord& run, const std::string& owner, std::chrono::milliseconds lease);
  // The writes themselves, inside a write() whose epoch check passed.
  void store_run_update(soci::session& sql, const RunRecord& run, EventRecord& event);
  void store_transition(soci::session& sql, StepRecord& step, EventRecord& event);
  std::optional<WaitRecord> begin_wait(const WaitRecord& wait, long long epoch);
  std::optional<std::vector<WaitRecord>> park_run(const std::string& run_id, EventRecord& event, long long epoch);

  // Wakes every node once this transaction commits: PostgreSQL's NOTIFY is
  // sent at its commit, SQLite's wake file is written after it.
  void notify(soci::session& sql) {
    if (db->postgres()) {
      sql << "SELECT pg_notify('linkhub_work', '')";
    } else {
      db->signal_after_commit();
    }
  }
};

}  // namespace linkhub
