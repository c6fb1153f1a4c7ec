// SqlStore as the ScheduleStore: cron schedules and the scheduler lock.
#include "sql_store_impl.hpp"

namespace linkhub {

using namespace sql_detail;

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

}  // namespace linkhub
