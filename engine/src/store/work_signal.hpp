#pragma once
// Wakes idle nodes when there is work: an eventfd for this process and, on
// PostgreSQL, a LISTEN connection for NOTIFYs from every node (the same
// dedicated connection holds the scheduler's session-level advisory lock).
// On SQLite, a commit that queues work (SqlStore's notify) writes a byte to
// `<database>-wake` once committed, and every process watches that file with
// inotify, so `linkhub run --detach` wakes a `linkhub worker` at once. The
// WAL itself is not watched: every write to it, a node's own step records
// included, would wake the waiting node and cost the kernel an event.

#include <linkhub/engine/database.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <random>

struct pg_conn;

namespace linkhub::store {

class WorkSignal {
 public:
  static Result<std::unique_ptr<WorkSignal>> open(Database& db);
  ~WorkSignal();
  WorkSignal(const WorkSignal&) = delete;
  WorkSignal& operator=(const WorkSignal&) = delete;

  void wake_local();
  // Wakes the nodes of every process (SQLite: writes the wake file).
  void wake_others();
  // Returns true when woken (locally, by a NOTIFY or the wake file), false
  // after `timeout`.
  bool wait(std::chrono::milliseconds timeout);
  // PostgreSQL: pg_try_advisory_lock on the dedicated connection (held until
  // it closes, so a dead node frees it). SQLite: one process, always true.
  bool try_scheduler_lock();

 private:
  WorkSignal() = default;
  void drain();
  void reconnect();

  void watch_wake_file(const std::string& db_file);

  int event_fd_ = -1;
  int inotify_fd_ = -1;  // SQLite: watches the wake file
  int wake_fd_ = -1;     // SQLite: the wake file, written to wake the others
  Database* sqlite_ = nullptr;
  std::string pg_connect_;  // empty on SQLite
  pg_conn* pg_ = nullptr;
  // While the server is unreachable, the LISTEN connection is tried again
  // under the same backoff as the pool's sessions.
  Backoff backoff_;
  int failures_ = 0;
  std::chrono::steady_clock::time_point next_try_{};
  std::minstd_rand random_{std::random_device{}()};
  bool lock_held_ = false;
  std::mutex mutex_;
};

}  // namespace linkhub::store
