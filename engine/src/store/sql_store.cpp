#include <linkhub/engine/event_type.hpp>
#include <linkhub/engine/sql_store.hpp>

#include <linkhub/engine/database.hpp>
#include "migrations.hpp"
#include "work_signal.hpp"

#include <algorithm>
#include <mutex>
#include <tuple>
#include <unordered_map>

namespace linkhub {

using store::Database;

namespace {

constexpr const char* kRunColumns =
    "id, workflow, workflow_version, workflow_hash, status, inputs, outputs, error, COALESCE(idempotency_key, ''), "
    "created_ms, started_ms, finished_ms, error_code, error_details, lease_epoch";

// A write made without a node's lease (RunStore's own methods): no epoch to check.
constexpr long long kUnfenced = -1;

RunStatus parse_run_status(const std::string& s) {
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

StepStatus parse_step_status(const std::string& s) {
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

Json parse_json(const std::string& text) {
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

// Runs `sql_text` (a SELECT of kRunColumns) with `uses` bound and collects the rows.
template <class... Uses>
std::vector<RunRecord> query_runs(soci::session& sql, const std::string& sql_text, Uses&&... uses) {
  std::vector<RunRecord> out;
  RunRow row;
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

bool final_run(const std::string& status) {
  return status == "succeeded" || status == "failed" || status == "cancelled";
}

}  // namespace

struct SqlStore::Impl {
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

  void forget_seq(const std::string& run_id) {
    std::lock_guard lock(seq_mutex);
    last_seq.erase(run_id);
  }

  void insert_event(soci::session& sql, EventRecord& e) {
    e.seq = next_seq(sql, e.run_id);
    if (e.time_ms == 0) {
      e.time_ms = now_ms();
    }
    const std::string payload = e.payload.dump();
    const long long seq = e.seq;
    const long long time = e.time_ms;
    sql << "INSERT INTO lh_events (run_id, seq, time_ms, type, step_id, item_index, payload) "
           "VALUES (:r, :s, :t, :y, :st, :i, :p)",
        soci::use(e.run_id), soci::use(seq), soci::use(time), soci::use(e.type), soci::use(e.step_id),
        soci::use(e.index), soci::use(payload);
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
    int found = 0;
    const std::string lock = db->postgres() ? " FOR SHARE" : "";
    if (live) {
      const long long now = now_ms();
      sql << "SELECT 1 FROM lh_runs WHERE id = :id AND lease_epoch = :e AND lease_expires_ms >= :now" + lock,
          soci::use(run_id), soci::use(epoch), soci::use(now), soci::into(found);
    } else {
      sql << "SELECT 1 FROM lh_runs WHERE id = :id AND lease_epoch = :e" + lock, soci::use(run_id), soci::use(epoch),
          soci::into(found);
    }
    return sql.got_data();
  }

  // Runs a run's write; a write that throws leaves the cached event numbers
  // of the run behind (its events may not be stored): read them again.
  template <class F>
  auto write_for(const std::string& run_id, F&& fn) {
    try {
      return db->write(std::forward<F>(fn));
    } catch (...) {
      forget_seq(run_id);
      throw;
    }
  }

  LeaseWrite update_run(const RunRecord& run, EventRecord& event, long long epoch);
  LeaseWrite transition(StepRecord& step, EventRecord& event, long long epoch);
  LeaseWrite append_event(EventRecord& event, long long epoch);
  std::optional<WaitRecord> begin_wait(const WaitRecord& wait, long long epoch);
  std::optional<std::vector<WaitRecord>> park_run(const std::string& run_id, EventRecord& event, long long epoch);

  void notify(soci::session& sql) {
    if (db->postgres()) {
      sql << "SELECT pg_notify('linkhub_work', '')";
    }
  }
};

Result<std::unique_ptr<SqlStore>> SqlStore::open(const std::string& url, size_t pool_size) {
  auto db = Database::open(url, pool_size);
  if (!db) {
    return db.error();
  }
  auto version = store::migrate(**db);
  if (!version) {
    return version.error();
  }
  auto signal = store::WorkSignal::open(**db);
  if (!signal) {
    return signal.error();
  }
  std::unique_ptr<SqlStore> s(new SqlStore());
  s->impl_ = std::make_unique<Impl>();
  s->impl_->db = std::move(*db);
  s->impl_->signal = std::move(*signal);
  s->schema_version_ = *version;
  return s;
}

SqlStore::~SqlStore() = default;

bool SqlStore::postgres() const {
  return impl_->db->postgres();
}

store::Database& SqlStore::database() const {
  return *impl_->db;
}

const std::string& SqlStore::display_url() const {
  return impl_->db->display();
}

// ---------------------------------------------------------------- runs

RunRecord SqlStore::create_run(RunRecord run) {
  auto existing = [&]() -> std::optional<RunRecord> {
    if (run.idempotency_key.empty()) {
      return std::nullopt;
    }
    auto rows = impl_->db->read([&](soci::session& sql) {
      return query_runs(sql, std::string("SELECT ") + kRunColumns + " FROM lh_runs WHERE idempotency_key = :k",
                        run.idempotency_key);
    });
    return rows.empty() ? std::nullopt : std::optional<RunRecord>(rows.front());
  };
  if (auto found = existing()) {
    return *found;
  }
  if (run.id.empty()) {
    run.id = new_run_id();
  }
  if (run.created_ms == 0) {
    run.created_ms = now_ms();
  }
  try {
    impl_->db->write([&](soci::session& sql) {
      const std::string status(to_string(run.status));
      const std::string inputs = run.inputs.dump();
      const std::string outputs = run.outputs.dump();
      soci::indicator key_ind = run.idempotency_key.empty() ? soci::i_null : soci::i_ok;
      const long long created = run.created_ms;
      sql << "INSERT INTO lh_runs (id, workflow, workflow_version, workflow_hash, status, inputs, outputs, error, "
             "idempotency_key, created_ms) VALUES (:id, :w, :v, :h, :s, :in, :out, :e, :k, :c)",
          soci::use(run.id), soci::use(run.workflow), soci::use(run.workflow_version), soci::use(run.workflow_hash),
          soci::use(status), soci::use(inputs), soci::use(outputs), soci::use(run.error),
          soci::use(run.idempotency_key, key_ind), soci::use(created);
      EventRecord ev{run.id, 0, run.created_ms, to_string(EventType::RunCreated), "", -1, created_payload(run)};
      impl_->insert_event(sql, ev);
      impl_->notify(sql);
    });
  } catch (const std::exception&) {
    // Another node created the run with this key between our read and write.
    if (auto found = existing()) {
      impl_->forget_seq(run.id);
      return *found;
    }
    throw;
  }
  impl_->signal->wake_local();
  return run;
}

void SqlStore::update_run(const RunRecord& run, EventRecord event) {
  impl_->update_run(run, event, kUnfenced);
}

LeaseWrite SqlStore::update_run(const RunRecord& run, EventRecord event, int64_t epoch) {
  return impl_->update_run(run, event, epoch);
}

LeaseWrite SqlStore::Impl::update_run(const RunRecord& run, EventRecord& event, long long epoch) {
  const LeaseWrite outcome = write_for(run.id, [&](soci::session& sql) {
    if (!holds(sql, run.id, epoch)) {
      return LeaseWrite::stale;
    }
    const std::string status(to_string(run.status));
    const std::string outputs = run.outputs.dump();
    const long long started = run.started_ms;
    const long long finished = run.finished_ms;
    const std::string details = run.error_details.dump();
    sql << "UPDATE lh_runs SET status = :s, outputs = :o, error = :e, started_ms = :st, finished_ms = :f, "
           "error_code = :ec, error_details = :ed WHERE id = :id",
        soci::use(status), soci::use(outputs), soci::use(run.error), soci::use(started), soci::use(finished),
        soci::use(run.error_code), soci::use(details), soci::use(run.id);
    event.run_id = run.id;
    insert_event(sql, event);
    if (final_run(status)) {
      sql << "DELETE FROM lh_waits WHERE run_id = :id", soci::use(run.id);  // their outcomes are in the steps now
    }
    return LeaseWrite::done;
  });
  if (final_run(std::string(to_string(run.status)))) {
    forget_seq(run.id);
  }
  return outcome;
}

void SqlStore::transition(StepRecord step, EventRecord event) {
  impl_->transition(step, event, kUnfenced);
}

LeaseWrite SqlStore::transition(StepRecord step, EventRecord event, int64_t epoch) {
  return impl_->transition(step, event, epoch);
}

LeaseWrite SqlStore::Impl::transition(StepRecord& step, EventRecord& event, long long epoch) {
  return write_for(step.run_id, [&](soci::session& sql) {
    if (!holds(sql, step.run_id, epoch, step.status == StepStatus::Running)) {
      return LeaseWrite::stale;
    }
    const std::string status(to_string(step.status));
    const std::string input = step.input.dump();
    const std::string output = step.output.dump();
    const long long started = step.started_ms;
    const long long finished = step.finished_ms;
    // A step's end is recorded without its input: keep the input and start
    // time of the attempt that ran.
    const std::string details = step.error_details.dump();
    sql << "INSERT INTO lh_steps (run_id, step_id, item_index, attempt, status, input, output, error, started_ms, "
           "finished_ms, error_code, error_details) VALUES (:r, :s, :i, :a, :st, :in, :out, :e, :t0, :t1, :ec, :ed) "
           "ON CONFLICT (run_id, step_id, item_index) DO UPDATE SET attempt = excluded.attempt, "
           "status = excluded.status, "
           "input = CASE WHEN excluded.input = 'null' THEN lh_steps.input ELSE excluded.input END, "
           "output = excluded.output, error = excluded.error, "
           "started_ms = CASE WHEN excluded.started_ms = 0 THEN lh_steps.started_ms ELSE excluded.started_ms END, "
           "finished_ms = excluded.finished_ms, error_code = excluded.error_code, "
           "error_details = excluded.error_details",
        soci::use(step.run_id), soci::use(step.step_id), soci::use(step.index), soci::use(step.attempt),
        soci::use(status), soci::use(input), soci::use(output), soci::use(step.error), soci::use(started),
        soci::use(finished), soci::use(step.error_code), soci::use(details);
    if (step.status == StepStatus::Failed && step.attempt >= 1) {
      // A step (or item) that ran and exhausted its retries: a dead letter.
      // A foreach step's own record only sums up its items: they are the letters.
      int items = 0;
      if (step.index < 0) {
        sql << "SELECT COUNT(*) FROM lh_steps WHERE run_id = :r AND step_id = :s AND item_index >= 0",
            soci::use(step.run_id), soci::use(step.step_id), soci::into(items);
      }
      if (items == 0) {
        const long long now = now_ms();
        sql << "INSERT INTO lh_dead_letters (run_id, step_id, item_index, workflow, attempts, input, error, "
               "created_ms) SELECT s.run_id, s.step_id, s.item_index, r.workflow, s.attempt, s.input, s.error, :now "
               "FROM lh_steps s JOIN lh_runs r ON r.id = s.run_id "
               "WHERE s.run_id = :r AND s.step_id = :s AND s.item_index = :i "
               "ON CONFLICT (run_id, step_id, item_index) DO UPDATE SET attempts = excluded.attempts, "
               "input = excluded.input, error = excluded.error, created_ms = excluded.created_ms, requeued_ms = 0",
            soci::use(now), soci::use(step.run_id), soci::use(step.step_id), soci::use(step.index);
      }
    }
    event.run_id = step.run_id;
    insert_event(sql, event);
    return LeaseWrite::done;
  });
}

void SqlStore::append_event(EventRecord event) {
  impl_->append_event(event, kUnfenced);
}

LeaseWrite SqlStore::append_event(EventRecord event, int64_t epoch) {
  return impl_->append_event(event, epoch);
}

LeaseWrite SqlStore::Impl::append_event(EventRecord& event, long long epoch) {
  return write_for(event.run_id, [&](soci::session& sql) {
    if (!holds(sql, event.run_id, epoch)) {
      return LeaseWrite::stale;
    }
    insert_event(sql, event);
    return LeaseWrite::done;
  });
}

std::optional<RunRecord> SqlStore::get_run(std::string_view run_id) const {
  const std::string id(run_id);
  auto rows = impl_->db->read([&](soci::session& sql) {
    return query_runs(sql, std::string("SELECT ") + kRunColumns + " FROM lh_runs WHERE id = :id", id);
  });
  return rows.empty() ? std::nullopt : std::optional<RunRecord>(rows.front());
}

std::vector<RunRecord> SqlStore::list_runs(size_t limit) const {
  RunFilter filter;
  filter.limit = limit;
  return list_runs(filter);
}

std::vector<RunRecord> SqlStore::list_runs(const RunFilter& filter) const {
  const int limit = static_cast<int>(std::min<size_t>(filter.limit, 100000));
  const long long since = filter.since_ms;
  const long long until = filter.until_ms;
  const long long after = filter.after_created_ms;
  // CAST: PostgreSQL would type a parameter compared with the literal 0 as a 32-bit integer.
  return impl_->db->read([&](soci::session& sql) {
    return query_runs(sql,
                      std::string("SELECT ") + kRunColumns +
                          " FROM lh_runs WHERE (:w = '' OR workflow = :w2) AND (:s = '' OR status = :s2) "
                          "AND (CAST(:since AS BIGINT) = 0 OR created_ms >= :since2) "
                          "AND (CAST(:until AS BIGINT) = 0 OR created_ms < :until2) "
                          "AND (CAST(:after AS BIGINT) = 0 OR created_ms < :after2 OR "
                          "(created_ms = :after3 AND id < :after_id)) "
                          "ORDER BY created_ms DESC, id DESC LIMIT :n",
                      filter.workflow, filter.workflow, filter.status, filter.status, since, since, until, until, after,
                      after, after, filter.after_id, limit);
  });
}

bool operator<(const EventCursor& a, const EventCursor& b) {
  return std::tie(a.time_ms, a.run_id, a.seq) < std::tie(b.time_ms, b.run_id, b.seq);
}

std::vector<RunChange> SqlStore::run_changes(const EventCursor& after, size_t limit) const {
  const int n = static_cast<int>(std::min<size_t>(limit, 100000));
  const long long time = after.time_ms;
  const long long seq = after.seq;
  return impl_->db->read([&](soci::session& sql) {
    std::vector<RunChange> out;
    RunRow row;
    long long event_time = 0, event_seq = 0;
    std::string type;
    soci::statement st(sql);
    row.bind(st);
    st.exchange(soci::into(event_time));
    st.exchange(soci::into(event_seq));
    st.exchange(soci::into(type));
    st.exchange(soci::use(time));
    st.exchange(soci::use(time));
    st.exchange(soci::use(after.run_id));
    st.exchange(soci::use(after.run_id));
    st.exchange(soci::use(seq));
    st.exchange(soci::use(n));
    st.alloc();
    // The range on time_ms alone first, so both databases walk lh_events_time.
    st.prepare(std::string("SELECT ") + kRunColumns +
               ", e.time_ms, e.seq, e.type FROM lh_events e JOIN lh_runs ON lh_runs.id = e.run_id "
               "WHERE e.time_ms >= :t AND e.type LIKE 'run.%' AND (e.time_ms > :t2 OR e.run_id > :r "
               "OR (e.run_id = :r2 AND e.seq > :s)) ORDER BY e.time_ms, e.run_id, e.seq LIMIT :n");
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) {
      RunChange change;
      change.run = row.record();
      change.at = EventCursor{event_time, change.run.id, event_seq};
      change.type = type;
      out.push_back(std::move(change));
    }
    return out;
  });
}

std::vector<StepRecord> SqlStore::get_steps(std::string_view run_id) const {
  const std::string id(run_id);
  return impl_->db->read([&](soci::session& sql) {
    std::vector<StepRecord> out;
    StepRecord r;
    std::string status, input, output, details;
    long long started = 0, finished = 0;
    soci::statement st =
        (sql.prepare << "SELECT step_id, item_index, attempt, status, input, output, error, started_ms, finished_ms, "
                        "error_code, error_details "
                        "FROM lh_steps WHERE run_id = :r ORDER BY started_ms, step_id, item_index",
         soci::use(id), soci::into(r.step_id), soci::into(r.index), soci::into(r.attempt), soci::into(status),
         soci::into(input), soci::into(output), soci::into(r.error), soci::into(started), soci::into(finished),
         soci::into(r.error_code), soci::into(details));
    st.execute(false);
    while (st.fetch()) {
      StepRecord rec = r;
      rec.run_id = id;
      rec.status = parse_step_status(status);
      rec.input = parse_json(input);
      rec.output = parse_json(output);
      rec.error_details = parse_json(details);
      rec.started_ms = started;
      rec.finished_ms = finished;
      out.push_back(std::move(rec));
    }
    return out;
  });
}

std::vector<EventRecord> SqlStore::get_events(std::string_view run_id, int64_t after_seq, size_t limit) const {
  const std::string id(run_id);
  const long long after = after_seq;
  const int n = static_cast<int>(std::min<size_t>(limit, 1000000));
  return impl_->db->read([&](soci::session& sql) {
    std::vector<EventRecord> out;
    EventRecord e;
    long long seq = 0, time = 0;
    std::string payload;
    soci::statement st = (sql.prepare << "SELECT seq, time_ms, type, step_id, item_index, payload FROM lh_events "
                                         "WHERE run_id = :r AND seq > :a ORDER BY seq LIMIT :n",
                          soci::use(id), soci::use(after), soci::use(n), soci::into(seq), soci::into(time),
                          soci::into(e.type), soci::into(e.step_id), soci::into(e.index), soci::into(payload));
    st.execute(false);
    while (st.fetch()) {
      EventRecord rec = e;
      rec.run_id = id;
      rec.seq = seq;
      rec.time_ms = time;
      rec.payload = parse_json(payload);
      out.push_back(std::move(rec));
    }
    return out;
  });
}

// ---------------------------------------------------------------- workflows

void SqlStore::save_workflow(const StoredWorkflow& wf) {
  impl_->db->write([&](soci::session& sql) {
    const long long now = now_ms();
    sql << "INSERT INTO lh_workflows (hash, name, version, file, source, concurrency, created_ms) "
           "VALUES (:h, :n, :v, :f, :s, :c, :t) ON CONFLICT (hash) DO UPDATE SET file = excluded.file, "
           "concurrency = excluded.concurrency",
        soci::use(wf.hash), soci::use(wf.name), soci::use(wf.version), soci::use(wf.file), soci::use(wf.source),
        soci::use(wf.concurrency), soci::use(now);
  });
}

std::optional<StoredWorkflow> SqlStore::load_workflow(const std::string& hash) const {
  return impl_->db->read([&](soci::session& sql) -> std::optional<StoredWorkflow> {
    StoredWorkflow wf;
    sql << "SELECT hash, name, version, file, source, concurrency FROM lh_workflows WHERE hash = :h", soci::use(hash),
        soci::into(wf.hash), soci::into(wf.name), soci::into(wf.version), soci::into(wf.file), soci::into(wf.source),
        soci::into(wf.concurrency);
    if (!sql.got_data()) {
      return std::nullopt;
    }
    return wf;
  });
}

std::optional<WorkflowHead> SqlStore::workflow_head(const std::string& name) const {
  return impl_->db->read([&](soci::session& sql) -> std::optional<WorkflowHead> {
    WorkflowHead head;
    int deleted = 0;
    long long updated = 0;
    sql << "SELECT name, hash, origin, updated_by, deleted, updated_ms, file_hash FROM lh_workflow_heads "
           "WHERE name = :n",
        soci::use(name), soci::into(head.name), soci::into(head.hash), soci::into(head.origin),
        soci::into(head.updated_by), soci::into(deleted), soci::into(updated), soci::into(head.file_hash);
    if (!sql.got_data()) {
      return std::nullopt;
    }
    head.deleted = deleted != 0;
    head.updated_ms = updated;
    return head;
  });
}

std::vector<WorkflowHead> SqlStore::workflow_heads() const {
  return impl_->db->read([&](soci::session& sql) {
    std::vector<WorkflowHead> out;
    WorkflowHead head;
    int deleted = 0;
    long long updated = 0;
    soci::statement st =
        (sql.prepare << "SELECT name, hash, origin, updated_by, deleted, updated_ms, file_hash "
                        "FROM lh_workflow_heads ORDER BY name",
         soci::into(head.name), soci::into(head.hash), soci::into(head.origin), soci::into(head.updated_by),
         soci::into(deleted), soci::into(updated), soci::into(head.file_hash));
    st.execute(false);
    while (st.fetch()) {
      WorkflowHead copy = head;
      copy.deleted = deleted != 0;
      copy.updated_ms = updated;
      out.push_back(std::move(copy));
    }
    return out;
  });
}

void SqlStore::put_workflow_head(const WorkflowHead& head) {
  impl_->db->write([&](soci::session& sql) {
    const int deleted = head.deleted ? 1 : 0;
    const long long updated = head.updated_ms != 0 ? head.updated_ms : now_ms();
    sql << "INSERT INTO lh_workflow_heads (name, hash, origin, updated_by, deleted, updated_ms, file_hash) "
           "VALUES (:n, :h, :o, :b, :d, :t, :f) ON CONFLICT (name) DO UPDATE SET hash = excluded.hash, "
           "origin = excluded.origin, updated_by = excluded.updated_by, deleted = excluded.deleted, "
           "updated_ms = excluded.updated_ms, file_hash = excluded.file_hash",
        soci::use(head.name), soci::use(head.hash), soci::use(head.origin), soci::use(head.updated_by),
        soci::use(deleted), soci::use(updated), soci::use(head.file_hash);
  });
}

// ---------------------------------------------------------------- queue

std::vector<RunRecord> SqlStore::claim_runs(const std::string& owner, size_t max, std::chrono::milliseconds lease,
                                            const std::string& only, const std::vector<std::string>& busy) {
  if (max == 0) {
    return {};
  }
  const bool pg = impl_->db->postgres();
  std::vector<std::string> claimed = impl_->db->write([&](soci::session& sql) {
    const long long now = now_ms();
    const long long expires = now + lease.count();
    const int limit = static_cast<int>(std::min<size_t>(max + busy.size(), 1000));
    std::vector<std::pair<std::string, std::pair<std::string, int>>> candidates;
    {
      std::string id, workflow;
      int concurrency = 0;
      // SKIP LOCKED: nodes claiming at once each get different rows instead of
      // queueing behind one another. SQLite has one writer: BEGIN IMMEDIATE serialises.
      std::string q =
          "SELECT r.id, r.workflow, COALESCE(w.concurrency, 0) FROM lh_runs r "
          "LEFT JOIN lh_workflows w ON w.hash = r.workflow_hash "
          "WHERE r.status IN ('queued', 'running') AND r.lease_expires_ms < :now AND (:only = '' OR r.id = :only2) "
          "ORDER BY r.created_ms LIMIT :n";
      if (pg) {
        q += " FOR UPDATE OF r SKIP LOCKED";
      }
      soci::statement st = (sql.prepare << q, soci::use(now), soci::use(only), soci::use(only), soci::use(limit),
                            soci::into(id), soci::into(workflow), soci::into(concurrency));
      st.execute(false);
      while (st.fetch()) {
        candidates.push_back({id, {workflow, concurrency}});
      }
    }
    std::vector<std::string> ids;
    std::unordered_map<std::string, int> taken;  // per workflow, in this claim
    for (const auto& [id, wf] : candidates) {
      const auto& [workflow, concurrency] = wf;
      if (ids.size() >= max || std::find(busy.begin(), busy.end(), id) != busy.end()) {
        continue;
      }
      if (concurrency > 0) {
        if (pg) {
          // Two nodes must not both see room for the last slot.
          sql << "SELECT pg_advisory_xact_lock(7212003, hashtext(:w))", soci::use(workflow);
        }
        int running = 0;
        sql << "SELECT COUNT(*) FROM lh_runs WHERE workflow = :w AND status IN ('queued', 'running') "
               "AND lease_expires_ms >= :now",
            soci::use(workflow), soci::use(now), soci::into(running);
        if (running + taken[workflow] >= concurrency) {
          continue;
        }
      }
      ++taken[workflow];
      // A new epoch: whoever held the run before writes nothing more to it.
      sql << "UPDATE lh_runs SET lease_owner = :o, lease_expires_ms = :e, claims = claims + 1, "
             "lease_epoch = lease_epoch + 1 WHERE id = :id",
          soci::use(owner), soci::use(expires), soci::use(id);
      ids.push_back(id);
    }
    return ids;
  });
  std::vector<RunRecord> out;
  for (const auto& id : claimed) {
    impl_->forget_seq(id);  // another node may have written events since we last held it
    if (auto run = get_run(id)) {
      out.push_back(std::move(*run));
    }
  }
  return out;
}

LeaseCheck SqlStore::renew_leases(const std::string& owner, const std::vector<HeldRun>& runs,
                                  std::chrono::milliseconds lease) {
  LeaseCheck check;
  impl_->db->write([&](soci::session& sql) {
    const long long expires = now_ms() + lease.count();
    for (const auto& run : runs) {
      const long long epoch = run.epoch;
      soci::statement st = (sql.prepare << "UPDATE lh_runs SET lease_expires_ms = :e WHERE id = :id AND "
                                           "lease_epoch = :ep AND status IN ('queued', 'running')",
                            soci::use(expires), soci::use(run.id), soci::use(epoch));
      st.execute(true);
      if (st.get_affected_rows() == 0) {
        long long current = 0;
        sql << "SELECT lease_epoch FROM lh_runs WHERE id = :id", soci::use(run.id), soci::into(current);
        // Same epoch: this node parked or finished it and is only finishing
        // its bookkeeping. Another: claimed since, whatever it is now.
        if (sql.got_data() && current != epoch) {
          check.lost.push_back(run.id);
        }
      }
    }
    // Slots of steps of runs still held under the epoch they were taken with.
    sql << "UPDATE lh_slots SET expires_ms = :e WHERE owner = :o AND EXISTS (SELECT 1 FROM lh_runs r WHERE "
           "r.id = lh_slots.run_id AND r.lease_epoch = lh_slots.lease_epoch AND r.status IN ('queued', 'running'))",
        soci::use(expires), soci::use(owner);
    std::string id;
    soci::statement st = (sql.prepare << "SELECT id FROM lh_runs WHERE lease_owner = :o AND cancel_requested = 1 "
                                         "AND status IN ('queued', 'running')",
                          soci::use(owner), soci::into(id));
    st.execute(false);
    while (st.fetch()) {
      check.cancel_requested.push_back(id);
    }
  });
  return check;
}

SlotClaim SqlStore::try_acquire_slot(const std::string& name, int limit, const std::string& holder,
                                     const std::string& owner, std::chrono::milliseconds lease, const HeldRun& run) {
  const bool pg = postgres();
  const long long epoch = run.epoch;
  return impl_->db->write([&](soci::session& sql) {
    if (!impl_->holds(sql, run.id, epoch)) {
      return SlotClaim::stale;
    }
    if (pg) {
      // Serialises claimers of one name: two nodes must not both see room for the last slot.
      sql << "SELECT pg_advisory_xact_lock(7212004, hashtext(:n))", soci::use(name);
    }
    const long long now = now_ms();
    const long long expires = now + lease.count();
    sql << "DELETE FROM lh_slots WHERE name = :n AND expires_ms < :now", soci::use(name), soci::use(now);
    int mine = 0;
    sql << "SELECT COUNT(*) FROM lh_slots WHERE name = :n AND holder = :h", soci::use(name), soci::use(holder),
        soci::into(mine);
    if (mine > 0) {
      sql << "UPDATE lh_slots SET owner = :o, expires_ms = :e, run_id = :r, lease_epoch = :ep "
             "WHERE name = :n AND holder = :h",
          soci::use(owner), soci::use(expires), soci::use(run.id), soci::use(epoch), soci::use(name), soci::use(holder);
      return SlotClaim::taken;
    }
    int held = 0;
    sql << "SELECT COUNT(*) FROM lh_slots WHERE name = :n", soci::use(name), soci::into(held);
    if (held >= limit) {
      return SlotClaim::full;
    }
    sql << "INSERT INTO lh_slots (name, holder, owner, expires_ms, run_id, lease_epoch) "
           "VALUES (:n, :h, :o, :e, :r, :ep)",
        soci::use(name), soci::use(holder), soci::use(owner), soci::use(expires), soci::use(run.id), soci::use(epoch);
    return SlotClaim::taken;
  });
}

LeaseWrite SqlStore::release_slot(const std::string& name, const std::string& holder, const HeldRun& run) {
  const long long epoch = run.epoch;
  return impl_->db->write([&](soci::session& sql) {
    // The slot as this claim took it: the node that took the run over may
    // hold the same holder's slot now, under its own epoch.
    soci::statement st = (sql.prepare << "DELETE FROM lh_slots WHERE name = :n AND holder = :h AND lease_epoch = :ep",
                          soci::use(name), soci::use(holder), soci::use(epoch));
    st.execute(true);
    return impl_->holds(sql, run.id, epoch) ? LeaseWrite::done : LeaseWrite::stale;
  });
}

LeaseWrite SqlStore::release(const std::string& owner, const HeldRun& run) {
  const long long epoch = run.epoch;
  const bool released = impl_->db->write([&](soci::session& sql) {
    soci::statement st = (sql.prepare << "UPDATE lh_runs SET lease_expires_ms = 0 WHERE id = :id AND lease_owner = :o "
                                         "AND lease_epoch = :ep",
                          soci::use(run.id), soci::use(owner), soci::use(epoch));
    st.execute(true);
    if (st.get_affected_rows() == 0) {
      return false;
    }
    impl_->notify(sql);
    return true;
  });
  impl_->forget_seq(run.id);
  return released ? LeaseWrite::done : LeaseWrite::stale;
}

bool SqlStore::request_cancel(const std::string& run_id) {
  bool changed = impl_->db->write([&](soci::session& sql) {
    std::string status;
    long long expires = 0;
    sql << "SELECT status, lease_expires_ms FROM lh_runs WHERE id = :id", soci::use(run_id), soci::into(status),
        soci::into(expires);
    if (!sql.got_data() || final_run(status)) {
      return false;
    }
    if ((status == "queued" && expires < now_ms()) || status == "waiting") {
      // Nobody holds it: cancel it here.
      const long long now = now_ms();
      // A new epoch: a node that claimed it and stalled writes nothing more.
      sql << "UPDATE lh_runs SET status = 'cancelled', error = 'the run was cancelled before it started', "
             "error_code = 'cancelled', finished_ms = :t, lease_epoch = lease_epoch + 1 WHERE id = :id",
          soci::use(now), soci::use(run_id);
      sql << "DELETE FROM lh_waits WHERE run_id = :id", soci::use(run_id);
      impl_->forget_seq(run_id);
      EventRecord ev{run_id,
                     0,
                     now,
                     to_string(EventType::RunCancelled),
                     "",
                     -1,
                     Json{{"error", "the run was cancelled before it started"}, {"code", "cancelled"}}};
      impl_->insert_event(sql, ev);
      impl_->forget_seq(run_id);
      return true;
    }
    sql << "UPDATE lh_runs SET cancel_requested = 1 WHERE id = :id", soci::use(run_id);
    return true;
  });
  return changed;
}

Result<RunRecord> SqlStore::requeue_run(const std::string& run_id, const std::vector<std::string>& steps,
                                        bool keep_succeeded_items) {
  try {
    impl_->db->write([&](soci::session& sql) {
      std::string status;
      sql << "SELECT status FROM lh_runs WHERE id = :id", soci::use(run_id), soci::into(status);
      if (!sql.got_data()) {
        throw std::runtime_error("no run " + run_id);
      }
      if (!final_run(status)) {
        throw std::runtime_error("run " + run_id + " is " + status + "; only a finished run can be retried");
      }
      const long long now = now_ms();
      for (const auto& step : steps) {
        const int keep = keep_succeeded_items ? 1 : 0;
        sql << "DELETE FROM lh_steps WHERE run_id = :r AND step_id = :s AND "
               "(:keep = 0 OR item_index < 0 OR status <> 'succeeded')",
            soci::use(run_id), soci::use(step), soci::use(keep);
        sql << "UPDATE lh_dead_letters SET requeued_ms = :t WHERE run_id = :r AND step_id = :s", soci::use(now),
            soci::use(run_id), soci::use(step);
      }
      sql << "UPDATE lh_runs SET status = 'queued', outputs = '{}', error = '', error_code = '', "
             "error_details = 'null', finished_ms = 0, lease_owner = '', "
             "lease_expires_ms = 0, cancel_requested = 0, lease_epoch = lease_epoch + 1 WHERE id = :id",
          soci::use(run_id);
      impl_->forget_seq(run_id);
      Json list = Json::array();
      for (const auto& s : steps) {
        list.push_back(s);
      }
      EventRecord ev{run_id, 0, now, to_string(EventType::RunRequeued), "", -1, Json{{"steps", list}}};
      impl_->insert_event(sql, ev);
      impl_->forget_seq(run_id);
      impl_->notify(sql);
    });
  } catch (const std::exception& e) {
    return Error{e.what()};
  }
  auto run = get_run(run_id);
  impl_->signal->wake_local();
  if (!run) {
    return Error{"no run " + run_id};
  }
  // The answer states what the retry did: another node may claim the run
  // between the commit and the read above, and its `running` would read as
  // if the retry had started it.
  run->status = RunStatus::Queued;
  return *run;
}

size_t SqlStore::queue_depth() const {
  return impl_->db->read([&](soci::session& sql) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM lh_runs WHERE status IN ('queued', 'running')", soci::into(n);
    return static_cast<size_t>(n);
  });
}

std::vector<DeadLetter> SqlStore::dead_letters(const std::string& run_id, size_t limit) const {
  const int n = static_cast<int>(std::min<size_t>(limit, 100000));
  return impl_->db->read([&](soci::session& sql) {
    std::vector<DeadLetter> out;
    DeadLetter d;
    std::string input;
    long long created = 0, requeued = 0;
    soci::statement st =
        (sql.prepare << "SELECT run_id, workflow, step_id, item_index, attempts, input, error, created_ms, "
                        "requeued_ms FROM lh_dead_letters WHERE (:r = '' OR run_id = :r2) "
                        "ORDER BY created_ms DESC LIMIT :n",
         soci::use(run_id), soci::use(run_id), soci::use(n), soci::into(d.run_id), soci::into(d.workflow),
         soci::into(d.step_id), soci::into(d.index), soci::into(d.attempts), soci::into(input), soci::into(d.error),
         soci::into(created), soci::into(requeued));
    st.execute(false);
    while (st.fetch()) {
      DeadLetter copy = d;
      copy.input = parse_json(input);
      copy.created_ms = created;
      copy.requeued_ms = requeued;
      out.push_back(std::move(copy));
    }
    return out;
  });
}

// ---------------------------------------------------------------- waits

namespace {

constexpr const char* kWaitColumns = "run_id, step_id, wait_key, deadline_ms, created_ms, state, event, resolved_ms";

struct WaitRow {
  WaitRecord w;
  long long deadline = 0, created = 0, resolved = 0;
  std::string event;

  void bind(soci::statement& st) {
    st.exchange(soci::into(w.run_id));
    st.exchange(soci::into(w.step_id));
    st.exchange(soci::into(w.key));
    st.exchange(soci::into(deadline));
    st.exchange(soci::into(created));
    st.exchange(soci::into(w.state));
    st.exchange(soci::into(event));
    st.exchange(soci::into(resolved));
  }
  WaitRecord record() const {
    WaitRecord r = w;
    r.deadline_ms = deadline;
    r.created_ms = created;
    r.resolved_ms = resolved;
    r.event = parse_json(event);
    return r;
  }
};

template <class... Uses>
std::vector<WaitRecord> query_waits(soci::session& sql, const std::string& sql_text, Uses&&... uses) {
  std::vector<WaitRecord> out;
  WaitRow row;
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

}  // namespace

WaitRecord SqlStore::begin_wait(WaitRecord wait) {
  return impl_->begin_wait(wait, kUnfenced).value_or(wait);
}

std::optional<WaitRecord> SqlStore::begin_wait(WaitRecord wait, int64_t epoch) {
  return impl_->begin_wait(wait, epoch);
}

std::optional<WaitRecord> SqlStore::Impl::begin_wait(const WaitRecord& wait, long long epoch) {
  return db->write([&](soci::session& sql) -> std::optional<WaitRecord> {
    if (!holds(sql, wait.run_id, epoch)) {
      return std::nullopt;
    }
    const long long deadline = wait.deadline_ms;
    const long long created = wait.created_ms != 0 ? wait.created_ms : now_ms();
    // A step that waits again (its run was resumed) keeps its first deadline and any outcome.
    sql << "INSERT INTO lh_waits (run_id, step_id, wait_key, deadline_ms, created_ms) VALUES (:r, :s, :k, :d, :c) "
           "ON CONFLICT (run_id, step_id) DO NOTHING",
        soci::use(wait.run_id), soci::use(wait.step_id), soci::use(wait.key), soci::use(deadline), soci::use(created);
    auto rows =
        query_waits(sql, std::string("SELECT ") + kWaitColumns + " FROM lh_waits WHERE run_id = :r AND step_id = :s",
                    wait.run_id, wait.step_id);
    return rows.empty() ? wait : rows.front();
  });
}

std::vector<WaitRecord> SqlStore::park_run(const std::string& run_id, EventRecord event) {
  return impl_->park_run(run_id, event, kUnfenced).value_or(std::vector<WaitRecord>{});
}

std::optional<std::vector<WaitRecord>> SqlStore::park_run(const std::string& run_id, EventRecord event, int64_t epoch) {
  return impl_->park_run(run_id, event, epoch);
}

std::optional<std::vector<WaitRecord>> SqlStore::Impl::park_run(const std::string& run_id, EventRecord& event,
                                                                long long epoch) {
  const bool pg = db->postgres();
  auto resolved = write_for(run_id, [&](soci::session& sql) -> std::optional<std::vector<WaitRecord>> {
    std::string status;
    int cancel = 0;
    long long current = 0;
    // The run's row first: a delivery that resolves a wait then updates it
    // after this transaction, and finds the run waiting.
    sql << std::string("SELECT status, cancel_requested, lease_epoch FROM lh_runs WHERE id = :id") +
               (pg ? " FOR UPDATE" : ""),
        soci::use(run_id), soci::into(status), soci::into(cancel), soci::into(current);
    if (sql.got_data() && epoch != kUnfenced && current != epoch) {
      return std::nullopt;
    }
    if (!sql.got_data() || status != "running") {
      return std::vector<WaitRecord>{};
    }
    if (cancel != 0) {
      WaitRecord cancelled;
      cancelled.run_id = run_id;
      cancelled.state = "cancelled";
      return std::vector<WaitRecord>{cancelled};
    }
    // Resolved waits of steps that still wait (a step that took its outcome up is finished).
    auto done = query_waits(sql,
                            std::string("SELECT ") + kWaitColumns +
                                " FROM lh_waits WHERE run_id = :r AND state <> 'waiting' AND step_id IN "
                                "(SELECT step_id FROM lh_steps WHERE run_id = :r2 AND item_index = -1 AND "
                                "status = 'waiting')",
                            run_id, run_id);
    if (!done.empty()) {
      return done;
    }
    sql << "UPDATE lh_runs SET status = 'waiting', lease_owner = '', lease_expires_ms = 0 WHERE id = :id",
        soci::use(run_id);
    event.run_id = run_id;
    insert_event(sql, event);
    return done;
  });
  if (resolved && resolved->empty()) {
    forget_seq(run_id);  // whoever resumes it writes its next events
  }
  return resolved;
}

namespace {

// Makes a parked run runnable with an event saying why (in the transaction
// that resolved its wait); a run still held by a node is left to it.
void wake_run(soci::session& sql, const WaitRecord& w, const std::string& type, long long now) {
  // A new epoch: the node that parked it has nothing more to say about it.
  soci::statement st = (sql.prepare << "UPDATE lh_runs SET status = 'queued', lease_owner = '', lease_expires_ms = 0, "
                                       "lease_epoch = lease_epoch + 1 WHERE id = :id AND status = 'waiting'",
                        soci::use(w.run_id));
  st.execute(true);
  if (st.get_affected_rows() == 0) {
    return;
  }
  // Nobody holds a waiting run: its next event number is the table's.
  long long seq = 0;
  sql << "SELECT COALESCE(MAX(seq), 0) + 1 FROM lh_events WHERE run_id = :r", soci::use(w.run_id), soci::into(seq);
  const std::string payload = Json{{"step", w.step_id}, {"key", w.key}}.dump();
  const std::string empty;
  const int index = -1;
  sql << "INSERT INTO lh_events (run_id, seq, time_ms, type, step_id, item_index, payload) "
         "VALUES (:r, :s, :t, :y, :st, :i, :p)",
      soci::use(w.run_id), soci::use(seq), soci::use(now), soci::use(type), soci::use(w.step_id), soci::use(index),
      soci::use(payload);
}

}  // namespace

Delivery SqlStore::deliver_event(const std::string& key, const Json& payload) {
  const bool pg = postgres();
  Delivery out = impl_->db->write([&](soci::session& sql) {
    // The oldest wait on the key; SKIP LOCKED: two deliveries at once take two waits, or one finds none.
    auto waits = query_waits(sql,
                             std::string("SELECT ") + kWaitColumns +
                                 " FROM lh_waits WHERE wait_key = :k AND state = 'waiting' "
                                 "ORDER BY created_ms, run_id LIMIT 1" +
                                 (pg ? " FOR UPDATE SKIP LOCKED" : ""),
                             key);
    if (waits.empty()) {
      return Delivery{};
    }
    const WaitRecord& w = waits.front();
    const long long now = now_ms();
    const std::string text = payload.dump();
    sql << "UPDATE lh_waits SET state = 'received', event = :e, resolved_ms = :t "
           "WHERE run_id = :r AND step_id = :s AND state = 'waiting'",
        soci::use(text), soci::use(now), soci::use(w.run_id), soci::use(w.step_id);
    wake_run(sql, w, to_string(EventType::WaitReceived), now);
    impl_->notify(sql);
    return Delivery{true, w.run_id, w.step_id};
  });
  if (out.delivered) {
    impl_->forget_seq(out.run_id);
    impl_->signal->wake_local();
  }
  return out;
}

int64_t SqlStore::expire_waits(int64_t now_ms_value) {
  const bool pg = postgres();
  const long long now = now_ms_value;
  bool woke = false;
  const long long next = impl_->db->write([&](soci::session& sql) {
    auto due = query_waits(sql,
                           std::string("SELECT ") + kWaitColumns +
                               " FROM lh_waits WHERE state = 'waiting' AND deadline_ms > 0 AND deadline_ms <= :n "
                               "ORDER BY deadline_ms LIMIT 1000" +
                               (pg ? " FOR UPDATE SKIP LOCKED" : ""),
                           now);
    for (const auto& w : due) {
      sql << "UPDATE lh_waits SET state = 'timed_out', resolved_ms = :t WHERE run_id = :r AND step_id = :s "
             "AND state = 'waiting'",
          soci::use(now), soci::use(w.run_id), soci::use(w.step_id);
      wake_run(sql, w, to_string(EventType::WaitTimedOut), now);
      impl_->forget_seq(w.run_id);
    }
    if (!due.empty()) {
      impl_->notify(sql);
      woke = true;
    }
    long long earliest = 0;
    soci::indicator ind = soci::i_ok;
    sql << "SELECT MIN(deadline_ms) FROM lh_waits WHERE state = 'waiting' AND deadline_ms > 0",
        soci::into(earliest, ind);
    return ind == soci::i_ok ? earliest : 0LL;
  });
  if (woke) {
    impl_->signal->wake_local();
  }
  return next;
}

std::vector<WaitRecord> SqlStore::waits(const std::string& run_id) const {
  return impl_->db->read([&](soci::session& sql) {
    return query_waits(
        sql, std::string("SELECT ") + kWaitColumns + " FROM lh_waits WHERE run_id = :r ORDER BY created_ms", run_id);
  });
}

// ---------------------------------------------------------------- schedules

void SqlStore::sync_schedules(const std::string& workflow, const std::vector<Schedule>& schedules) {
  impl_->db->write([&](soci::session& sql) {
    int max_index = -1;
    for (const auto& s : schedules) {
      const std::string inputs = s.inputs.dump();
      const long long next = s.next_fire_ms;
      // A changed cron expression starts again from its own next tick.
      sql << "INSERT INTO lh_schedules (workflow, trigger_index, workflow_hash, cron, inputs, missed, next_fire_ms) "
             "VALUES (:w, :i, :h, :c, :in, :m, :n) ON CONFLICT (workflow, trigger_index) DO UPDATE SET "
             "inputs = excluded.inputs, missed = excluded.missed, workflow_hash = excluded.workflow_hash, "
             "next_fire_ms = CASE WHEN lh_schedules.cron = excluded.cron THEN lh_schedules.next_fire_ms "
             "ELSE excluded.next_fire_ms END, cron = excluded.cron",
          soci::use(workflow), soci::use(s.trigger_index), soci::use(s.workflow_hash), soci::use(s.cron),
          soci::use(inputs), soci::use(s.missed), soci::use(next);
      max_index = std::max(max_index, s.trigger_index);
    }
    sql << "DELETE FROM lh_schedules WHERE workflow = :w AND trigger_index > :i", soci::use(workflow),
        soci::use(max_index);
  });
}

std::vector<Schedule> SqlStore::schedules() const {
  return impl_->db->read([&](soci::session& sql) {
    std::vector<Schedule> out;
    Schedule s;
    std::string inputs;
    long long next = 0, last = 0;
    soci::statement st =
        (sql.prepare << "SELECT workflow, trigger_index, workflow_hash, cron, inputs, missed, next_fire_ms, "
                        "last_fire_ms FROM lh_schedules ORDER BY workflow, trigger_index",
         soci::into(s.workflow), soci::into(s.trigger_index), soci::into(s.workflow_hash), soci::into(s.cron),
         soci::into(inputs), soci::into(s.missed), soci::into(next), soci::into(last));
    st.execute(false);
    while (st.fetch()) {
      Schedule copy = s;
      copy.inputs = parse_json(inputs);
      copy.next_fire_ms = next;
      copy.last_fire_ms = last;
      out.push_back(std::move(copy));
    }
    return out;
  });
}

bool SqlStore::advance_schedule(const std::string& workflow, int trigger_index, int64_t expected_next, int64_t next,
                                int64_t fired) {
  return impl_->db->write([&](soci::session& sql) {
    const long long n = next, e = expected_next, f = fired;
    soci::statement st = (sql.prepare << "UPDATE lh_schedules SET next_fire_ms = :n, last_fire_ms = :f WHERE "
                                         "workflow = :w AND trigger_index = :i AND next_fire_ms = :e",
                          soci::use(n), soci::use(f), soci::use(workflow), soci::use(trigger_index), soci::use(e));
    st.execute(true);
    return st.get_affected_rows() == 1;
  });
}

bool SqlStore::try_scheduler_lock() {
  return impl_->signal->try_scheduler_lock();
}

void SqlStore::wake_local() {
  impl_->signal->wake_local();
}

void SqlStore::notify_work() {
  if (impl_->db->postgres()) {
    impl_->db->read([&](soci::session& sql) { impl_->notify(sql); });
  }
  impl_->signal->wake_local();
}

void SqlStore::wait_for_work(std::chrono::milliseconds timeout) {
  impl_->signal->wait(timeout);
}

}  // namespace linkhub
