// SqlStore: opening the database; runs, steps and events, and the same
// writes under a lease epoch (stores.hpp: RunStore, LeasedRunWrites).
#include "sql_store_impl.hpp"

namespace linkhub {

using namespace sql_detail;

Result<std::unique_ptr<SqlStore>> SqlStore::open(const std::string& url, size_t pool_size,
                                                 std::chrono::milliseconds stall_limit) {
  auto db = Database::open(url, pool_size, stall_limit);
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

std::chrono::milliseconds SqlStore::stall_limit_for(std::chrono::milliseconds lease) {
  using namespace std::chrono_literals;
  return std::clamp<std::chrono::milliseconds>(lease / 4, 500ms, 30000ms);
}

bool SqlStore::postgres() const {
  return impl_->db->postgres();
}

store::Database& SqlStore::database() const {
  return *impl_->db;
}

const std::string& SqlStore::display_url() const {
  return impl_->db->display();
}

RunRecord SqlStore::create_run(RunRecord run) {
  return impl_->create_run(std::move(run), "", {}).run;
}

CreatedRun SqlStore::Impl::create_run(RunRecord run, const std::string& owner, std::chrono::milliseconds lease) {
  auto existing = [&]() -> std::optional<RunRecord> {
    if (run.idempotency_key.empty()) {
      return std::nullopt;
    }
    auto rows = db->read([&](soci::session& sql) {
      return query_runs(sql, std::string("SELECT ") + kRunColumns + " FROM lh_runs WHERE idempotency_key = :k",
                        run.idempotency_key);
    });
    return rows.empty() ? std::nullopt : std::optional<RunRecord>(rows.front());
  };
  if (auto found = existing()) {
    return CreatedRun{*found, false};
  }
  if (run.id.empty()) {
    run.id = new_run_id();
  }
  if (run.created_ms == 0) {
    run.created_ms = now_ms();
  }
  bool claimed = false;
  try {
    std::optional<bool> pipelined;
    if (db->postgres()) {
      pipelined = create_pipelined(run, owner, lease);
    }
    // In the group commit of the runs' writes (SQLite): a trigger waits for
    // one commit among theirs, not for a commit of its own after them.
    Batch mine{&run.id, nullptr, kUnfenced, [&](soci::session& sql) {
                 const long long now = now_ms();
                 claimed = false;
                 if (!owner.empty()) {
                   claimed = has_room(sql, run.workflow, concurrency_of(sql, run.workflow_hash), 0, now);
                 }
                 insert_run(sql, run, claimed ? owner : "", claimed ? now + lease.count() : 0);
               }};
    if (pipelined) {
      claimed = *pipelined;
    } else {
      commit(mine);
    }
    if (mine.error) {
      std::rethrow_exception(mine.error);
    }
  } catch (const std::exception&) {
    // Another node created the run with this key between our read and write.
    if (auto found = existing()) {
      forget_seq(run.id);
      return CreatedRun{*found, false};
    }
    throw;
  }
  run.lease_epoch = claimed ? 1 : 0;
  if (!claimed) {
    signal->wake_local();
  }
  return CreatedRun{std::move(run), claimed};
}

void SqlStore::Impl::insert_run(soci::session& sql, const RunRecord& run, const std::string& owner, long long expires) {
  const bool claimed = !owner.empty();
  auto& q = db->statements(sql).get<RunInsert>(sql);
  q.id = run.id;
  q.workflow = run.workflow;
  q.version = run.workflow_version;
  q.hash = run.workflow_hash;
  q.status = std::string(to_string(run.status));
  q.inputs = run.inputs.dump();
  q.outputs = run.outputs.dump();
  q.error = run.error;
  q.key = run.idempotency_key;
  q.created = run.created_ms;
  q.owner = owner;
  q.expires = claimed ? expires : 0;
  q.epoch = claimed ? 1 : 0;
  q.claims = claimed ? 1 : 0;
  q.st.execute(true);
  EventRecord ev{run.id, 0, run.created_ms, to_string(EventType::RunCreated), "", -1, created_payload(run)};
  first_seq(run.id);
  insert_event(sql, ev);
  if (!claimed) {
    notify(sql);  // a claimed run is this node's: no other node needs waking
  }
}

int SqlStore::Impl::concurrency_of(soci::session& sql, const std::string& hash) {
  {
    std::lock_guard lock(concurrency_mutex);
    if (auto it = concurrency_by_hash.find(hash); it != concurrency_by_hash.end()) {
      return it->second;
    }
  }
  auto& q = db->statements(sql).get<WorkflowConcurrency>(sql);
  q.hash = hash;
  q.concurrency = 0;
  if (found_one(q.st)) {
    std::lock_guard lock(concurrency_mutex);
    concurrency_by_hash.emplace(hash, q.concurrency);
  }
  return q.concurrency;
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
    store_run_update(sql, run, event);
    return LeaseWrite::done;
  });
  if (final_run(std::string(to_string(run.status)))) {
    forget_seq(run.id);
  }
  return outcome;
}

void SqlStore::Impl::store_run_update(soci::session& sql, const RunRecord& run, EventRecord& event) {
  {
    auto& q = db->statements(sql).get<RunUpdate>(sql);
    q.run_id = run.id;
    q.status = std::string(to_string(run.status));
    q.outputs = run.outputs.dump();
    q.error = run.error;
    q.started = run.started_ms;
    q.finished = run.finished_ms;
    q.error_code = run.error_code;
    q.details = run.error_details.dump();
    q.st.execute(true);
    event.run_id = run.id;
    insert_event(sql, event);
    if (final_run(q.status)) {
      auto& waits = db->statements(sql).get<RunWaitsDelete>(sql);
      waits.run_id = run.id;
      waits.st.execute(true);
    }
  }
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
    store_transition(sql, step, event);
    return LeaseWrite::done;
  });
}

void SqlStore::Impl::store_transition(soci::session& sql, StepRecord& step, EventRecord& event) {
  {
    auto& q = db->statements(sql).get<StepUpsert>(sql);
    q.run_id = step.run_id;
    q.step_id = step.step_id;
    q.index = step.index;
    q.attempt = step.attempt;
    q.status = std::string(to_string(step.status));
    q.input = step.input.dump();
    q.output = step.output.dump();
    q.error = step.error;
    q.started = step.started_ms;
    q.finished = step.finished_ms;
    q.error_code = step.error_code;
    q.details = step.error_details.dump();
    q.st.execute(true);
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
  }
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
  return impl_->db->read([&](soci::session& sql) { return impl_->db->statements(sql).get<RunById>(sql).find(id); });
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

namespace {

// A run's steps and the count of its dead letters (the answer of `?wait`
// and of GET a run), and its dead letters (their list): prepared once per
// session, as the writes are. Each is fetched to its last row, so a SQLite
// session keeps no read snapshot open between uses.
struct StepsOfRun final : store::CachedStatement {
  std::string run_id;
  StepRecord r;
  std::string status, input, output, details;
  long long started = 0, finished = 0;
  soci::statement st;
  explicit StepsOfRun(soci::session& sql)
      : st((sql.prepare << "SELECT step_id, item_index, attempt, status, input, output, error, started_ms, "
                           "finished_ms, error_code, error_details "
                           "FROM lh_steps WHERE run_id = :r ORDER BY started_ms, step_id, item_index",
            soci::use(run_id), soci::into(r.step_id), soci::into(r.index), soci::into(r.attempt), soci::into(status),
            soci::into(input), soci::into(output), soci::into(r.error), soci::into(started), soci::into(finished),
            soci::into(r.error_code), soci::into(details))) {}
};

struct DeadLettersOfRun final : store::CachedStatement {
  std::string run_id;
  int limit = 0;
  DeadLetter d;
  std::string input;
  long long created = 0, requeued = 0;
  soci::statement st;
  explicit DeadLettersOfRun(soci::session& sql)
      : st((sql.prepare << "SELECT run_id, workflow, step_id, item_index, attempts, input, error, created_ms, "
                           "requeued_ms FROM lh_dead_letters WHERE (:r = '' OR run_id = :r2) "
                           "ORDER BY created_ms DESC LIMIT :n",
            soci::use(run_id), soci::use(run_id), soci::use(limit), soci::into(d.run_id), soci::into(d.workflow),
            soci::into(d.step_id), soci::into(d.index), soci::into(d.attempts), soci::into(input), soci::into(d.error),
            soci::into(created), soci::into(requeued))) {}
};

struct DeadLetterCount final : store::CachedStatement {
  std::string run_id;
  long long count = 0;
  soci::statement st;
  explicit DeadLetterCount(soci::session& sql)
      : st((sql.prepare << "SELECT COUNT(*) FROM lh_dead_letters WHERE run_id = :r", soci::use(run_id),
            soci::into(count))) {}
};

}  // namespace

std::vector<StepRecord> SqlStore::get_steps(std::string_view run_id) const {
  return impl_->db->read([&](soci::session& sql) {
    auto& q = impl_->db->statements(sql).get<StepsOfRun>(sql);
    q.run_id = std::string(run_id);
    std::vector<StepRecord> out;
    q.st.execute(false);
    while (q.st.fetch()) {
      StepRecord rec = q.r;
      rec.run_id = q.run_id;
      rec.status = parse_step_status(q.status);
      rec.input = parse_json(q.input);
      rec.output = parse_json(q.output);
      rec.error_details = parse_json(q.details);
      rec.started_ms = q.started;
      rec.finished_ms = q.finished;
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

size_t SqlStore::dead_letter_count(const std::string& run_id) const {
  return impl_->db->read([&](soci::session& sql) {
    auto& q = impl_->db->statements(sql).get<DeadLetterCount>(sql);
    q.run_id = run_id;
    q.count = 0;
    found_one(q.st);
    return static_cast<size_t>(q.count);
  });
}

std::vector<DeadLetter> SqlStore::dead_letters(const std::string& run_id, size_t limit) const {
  return impl_->db->read([&](soci::session& sql) {
    auto& q = impl_->db->statements(sql).get<DeadLettersOfRun>(sql);
    q.run_id = run_id;
    q.limit = static_cast<int>(std::min<size_t>(limit, 100000));
    std::vector<DeadLetter> out;
    q.st.execute(false);
    while (q.st.fetch()) {
      DeadLetter copy = q.d;
      copy.input = parse_json(q.input);
      copy.created_ms = q.created;
      copy.requeued_ms = q.requeued;
      out.push_back(std::move(copy));
    }
    return out;
  });
}

}  // namespace linkhub
