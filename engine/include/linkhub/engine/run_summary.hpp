#pragma once
// The numbers behind the console's Overview (GET /api/v1/summary), read from
// the run database with bounded work. Kept beside SqlStore rather than in it:
// a read model of its tables, not part of the queue.

#include <linkhub/engine/sql_store.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace linkhub {

// Every query is limited to a range of an index on lh_runs (creation time or
// status), and the step rows to `max_steps`.
struct RunSummary {
  int64_t now_ms = 0;
  // Runs created in each of the last 60 minutes, oldest first; minute i
  // starts at minute_start_ms + i * 60000 (the current minute is the last).
  int64_t minute_start_ms = 0;
  std::vector<int64_t> created_per_minute;
  // Runs created in the window, by how they stand now.
  struct Outcomes {
    int64_t succeeded = 0, failed = 0, cancelled = 0, unfinished = 0;
  };
  Outcomes last_hour, last_day;
  // The queue as it is now.
  int64_t queued = 0, running = 0, waiting = 0;
  // A node known by the runs it holds: unfinished runs under its lease. A node
  // holding nothing is not seen. Its last heartbeat is lease_expires_ms minus
  // the lease (LINKHUB_LEASE), which only the nodes know.
  struct NodeLeases {
    std::string node;
    int64_t runs = 0;              // unfinished runs whose lease it holds or held last
    int64_t live_runs = 0;         // of those, the ones whose lease has not lapsed
    int64_t lease_expires_ms = 0;  // the latest expiry: its last heartbeat plus the lease
  };
  std::vector<NodeLeases> nodes;  // by node id
  // Finished steps (and foreach items) of runs created in the last day, newest runs first.
  struct StepTime {
    std::string workflow_hash;
    std::string step_id;
    int index = -1;
    std::string status;  // succeeded | failed
    int64_t duration_ms = 0;
    int64_t finished_ms = 0;
  };
  std::vector<StepTime> steps;
  bool steps_truncated = false;  // more than max_steps rows were in the window
};

// RunSummary at `now` (ms since the epoch), with at most `max_steps` step rows.
RunSummary read_run_summary(const SqlStore& store, int64_t now, size_t max_steps);

}  // namespace linkhub
