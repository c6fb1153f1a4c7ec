// SqlStore's durable waits (docs/durable-runs.md, Waits): registering,
// parking, delivering events and timing waits out.
#include "sql_store_impl.hpp"

namespace linkhub {

using namespace sql_detail;

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
  return query_rows<WaitRow>(sql, sql_text, std::forward<Uses>(uses)...);
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

}  // namespace linkhub
