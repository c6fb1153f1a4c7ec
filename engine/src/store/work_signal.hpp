#pragma once
// Wakes idle nodes when there is work: an eventfd for this process and, on
// PostgreSQL, a LISTEN connection for NOTIFYs from every node (the same
// dedicated connection holds the scheduler's session-level advisory lock).
// On SQLite, other processes' commits are seen through inotify on the
// write-ahead log, so `linkhub run --detach` wakes a `linkhub worker` at once.

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
  // Returns when woken (locally or by a NOTIFY) or after `timeout`.
  void wait(std::chrono::milliseconds timeout);
  // PostgreSQL: pg_try_advisory_lock on the dedicated connection (held until
  // it closes, so a dead node frees it). SQLite: one process, always true.
  bool try_scheduler_lock();

 private:
  WorkSignal() = default;
  void drain();
  void reconnect();

  void watch_wal(const std::string& db_file);
  bool wal_written();
  bool others_committed();

  int event_fd_ = -1;
  int inotify_fd_ = -1;  // SQLite: the database directory, for writes to its -wal file
  std::string wal_name_;
  // SQLite: this process's own commits write the WAL too. Waking for them
  // would make a busy node claim (a write) after every step it records;
  // PRAGMA data_version changes only for other connections' commits.
  Database* sqlite_ = nullptr;
  long long data_version_ = -1;
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
