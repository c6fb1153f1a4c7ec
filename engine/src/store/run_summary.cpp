// The Overview's numbers (run_summary.hpp): plain reads beside the store's
// own, through its database.
#include <linkhub/engine/run_summary.hpp>

#include <linkhub/engine/database.hpp>

#include <algorithm>

namespace linkhub {

RunSummary read_run_summary(const SqlStore& store, int64_t now, size_t max_steps) {
  constexpr int64_t kMinute = 60000;
  constexpr int64_t kHour = 60 * kMinute;
  constexpr int64_t kDay = 24 * kHour;
  const int limit = static_cast<int>(std::min<size_t>(max_steps, 100000)) + 1;
  return store.database().read([&](soci::session& sql) {
    RunSummary out;
    out.now_ms = now;
    out.minute_start_ms = (now / kMinute - 59) * kMinute;
    out.created_per_minute.assign(60, 0);
    // Every query below is bounded by lh_runs_created or lh_runs_queue.
    {
      long long minute = 0, count = 0;
      const long long since = out.minute_start_ms;
      soci::statement st = (sql.prepare << "SELECT created_ms / 60000, COUNT(*) FROM lh_runs WHERE created_ms >= :s "
                                           "GROUP BY created_ms / 60000",
                            soci::use(since), soci::into(minute), soci::into(count));
      st.execute(false);
      while (st.fetch()) {
        const long long i = minute - out.minute_start_ms / kMinute;
        if (i >= 0 && i < 60) {
          out.created_per_minute[static_cast<size_t>(i)] += count;
        }
      }
    }
    const auto outcomes = [&](int64_t window) {
      RunSummary::Outcomes o;
      std::string status;
      long long count = 0;
      const long long since = now - window;
      soci::statement st =
          (sql.prepare << "SELECT status, COUNT(*) FROM lh_runs WHERE created_ms >= :s GROUP BY status",
           soci::use(since), soci::into(status), soci::into(count));
      st.execute(false);
      while (st.fetch()) {
        (status == "succeeded"   ? o.succeeded
         : status == "failed"    ? o.failed
         : status == "cancelled" ? o.cancelled
                                 : o.unfinished) += count;
      }
      return o;
    };
    out.last_hour = outcomes(kHour);
    out.last_day = outcomes(kDay);
    {
      std::string status;
      long long count = 0;
      soci::statement st =
          (sql.prepare << "SELECT status, COUNT(*) FROM lh_runs WHERE status IN ('queued', 'running', 'waiting') "
                          "GROUP BY status",
           soci::into(status), soci::into(count));
      st.execute(false);
      while (st.fetch()) {
        (status == "queued" ? out.queued : status == "running" ? out.running : out.waiting) = count;
      }
    }
    {
      RunSummary::NodeLeases node;
      long long runs = 0, live = 0, expires = 0;
      const long long at = now;
      soci::statement st =
          (sql.prepare
               << "SELECT lease_owner, COUNT(*), SUM(CASE WHEN lease_expires_ms >= :n THEN 1 ELSE 0 END), "
                  "MAX(lease_expires_ms) FROM lh_runs WHERE status IN ('queued', 'running') AND lease_owner <> '' "
                  "GROUP BY lease_owner ORDER BY lease_owner LIMIT 1000",
           soci::use(at), soci::into(node.node), soci::into(runs), soci::into(live), soci::into(expires));
      st.execute(false);
      while (st.fetch()) {
        node.runs = runs;
        node.live_runs = live;
        node.lease_expires_ms = expires;
        out.nodes.push_back(node);
      }
    }
    {
      RunSummary::StepTime step;
      long long started = 0, finished = 0;
      const long long since = now - kDay;
      soci::statement st =
          (sql.prepare << "SELECT r.workflow_hash, s.step_id, s.item_index, s.status, s.started_ms, s.finished_ms "
                          "FROM lh_runs r JOIN lh_steps s ON s.run_id = r.id WHERE r.created_ms >= :s "
                          "AND s.status IN ('succeeded', 'failed') AND s.started_ms > 0 AND s.finished_ms > 0 "
                          "ORDER BY r.created_ms DESC LIMIT :l",
           soci::use(since), soci::use(limit), soci::into(step.workflow_hash), soci::into(step.step_id),
           soci::into(step.index), soci::into(step.status), soci::into(started), soci::into(finished));
      st.execute(false);
      while (st.fetch()) {
        if (out.steps.size() + 1 == static_cast<size_t>(limit)) {
          out.steps_truncated = true;
          break;
        }
        step.duration_ms = std::max<long long>(0, finished - started);
        step.finished_ms = finished;
        out.steps.push_back(step);
      }
    }
    return out;
  });
}

}  // namespace linkhub
