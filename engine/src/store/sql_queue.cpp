// SqlStore as the WorkQueue: claims under a lease and its epoch, renewals,
// hand-backs, cancels, requeues, and wake-ups across nodes.
#include "sql_store_impl.hpp"

namespace linkhub {

using namespace sql_detail;

std::vector<RunRecord> SqlStore::claim_runs(const std::string& owner, size_t max, std::chrono::milliseconds lease,
                                            const std::string& only, const std::vector<std::string>& busy) {
  if (max == 0) {
    return {};
  }
  std::vector<RunRecord> claimed;
  if (impl_->db->postgres()) {
    claimed = impl_->db->write_autocommit([&](soci::session& sql) {
      auto& q = impl_->db->statements(sql).get<ClaimRunsAtOnce>(sql);
      q.owner = owner;
      q.now = now_ms();
      q.expires = q.now + lease.count();
      q.only = only;
      q.busy.clear();
      for (const auto& id : busy) {
        q.busy += (q.busy.empty() ? "" : ",") + id;
      }
      q.limit = static_cast<int>(std::min<size_t>(max, 1000));
      return q.claim();
    });
    try {
      if (claimed.size() < max && impl_->may_have_limited_workflows()) {
        auto limited = impl_->claim_in_transaction(owner, max - claimed.size(), lease, only, busy, true);
        claimed.insert(claimed.end(), std::make_move_iterator(limited.begin()), std::make_move_iterator(limited.end()));
      }
    } catch (const std::exception&) {
      if (claimed.empty()) {
        throw;
      }
      // The runs claimed above are this node's now (committed): returned, not
      // left to lapse; the limited ones are looked for again next pass.
    }
  } else {
    claimed = impl_->claim_in_transaction(owner, max, lease, only, busy, false);
  }
  for (const auto& run : claimed) {
    impl_->forget_seq(run.id);  // another node may have written events since we last held it
  }
  return claimed;
}

bool SqlStore::Impl::may_have_limited_workflows() {
  if (limited_seen) {
    return true;
  }
  const long long now = now_ms();
  long long asked = limited_asked_ms;
  if (now - asked < 1000 || !limited_asked_ms.compare_exchange_strong(asked, now)) {
    return false;
  }
  const bool found = db->read([&](soci::session& sql) {
    int any = 0;
    sql << "SELECT COUNT(*) FROM (SELECT 1 FROM lh_workflows WHERE concurrency > 0 LIMIT 1) AS limited",
        soci::into(any);
    return any > 0;
  });
  if (found) {
    limited_seen = true;
  }
  return found;
}

std::vector<RunRecord> SqlStore::Impl::claim_in_transaction(const std::string& owner, size_t max,
                                                            std::chrono::milliseconds lease, const std::string& only,
                                                            const std::vector<std::string>& busy, bool limited_only) {
  return db->write([&](soci::session& sql) {
    const long long now = now_ms();
    const long long expires = now + lease.count();
    const int limit = static_cast<int>(std::min<size_t>(max + busy.size(), 1000));
    std::vector<std::pair<std::string, std::pair<std::string, int>>> candidates;
    {
      auto& q = db->statements(sql).get<ClaimCandidates>(sql);
      q.now = now;
      q.only = only;
      q.limit = limit;
      q.limited_only = limited_only ? 1 : 0;
      q.st.execute(false);
      while (q.st.fetch()) {  // to the end: nothing of it stays open
        candidates.push_back({q.id, {q.workflow, q.concurrency}});
      }
    }
    std::vector<RunRecord> runs;
    std::unordered_map<std::string, int> taken;  // per workflow, in this claim
    for (const auto& [id, wf] : candidates) {
      const auto& [workflow, concurrency] = wf;
      if (runs.size() >= max || std::find(busy.begin(), busy.end(), id) != busy.end()) {
        continue;
      }
      if (!has_room(sql, workflow, concurrency, taken[workflow], now)) {
        continue;
      }
      ++taken[workflow];
      auto& claim = db->statements(sql).get<ClaimRun>(sql);
      claim.owner = owner;
      claim.expires = expires;
      if (auto run = claim.claim(id)) {
        runs.push_back(std::move(*run));
      }
    }
    return runs;
  });
}

bool SqlStore::Impl::has_room(soci::session& sql, const std::string& workflow, int concurrency, int taken,
                              long long now) {
  if (concurrency <= 0) {
    return true;
  }
  if (db->postgres()) {
    // Two nodes must not both see room for the last slot.
    sql << "SELECT pg_advisory_xact_lock(7212003, hashtext(:w))", soci::use(workflow);
  }
  int running = 0;
  sql << "SELECT COUNT(*) FROM lh_runs WHERE workflow = :w AND status IN ('queued', 'running') "
         "AND lease_expires_ms >= :now",
      soci::use(workflow), soci::use(now), soci::into(running);
  return running + taken < concurrency;
}

bool SqlStore::creates_with_first_write() const {
  return !impl_->db->postgres();
}

CreatedRun SqlStore::create_claimed_run(RunRecord run, const std::string& owner, std::chrono::milliseconds lease) {
  return impl_->create_run(std::move(run), owner, lease);
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

void SqlStore::wake_local() {
  impl_->signal->wake_local();
}

void SqlStore::notify_work() {
  if (impl_->db->postgres()) {
    impl_->db->read([&](soci::session& sql) { impl_->notify(sql); });
  } else {
    impl_->signal->wake_others();
  }
  impl_->signal->wake_local();
}

bool SqlStore::wait_for_work(std::chrono::milliseconds timeout) {
  return impl_->signal->wait(timeout);
}

}  // namespace linkhub
