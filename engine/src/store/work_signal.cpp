#include "work_signal.hpp"

#include <linkhub/engine/error_codes.hpp>

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>

namespace linkhub::store {

Result<std::unique_ptr<WorkSignal>> WorkSignal::open(Database& db) {
  std::unique_ptr<WorkSignal> s(new WorkSignal());
  s->event_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (s->event_fd_ < 0) {
    return Error{"cannot create an eventfd for wake-ups"};
  }
  if (db.postgres()) {
    s->pg_connect_ = db.connect_string();
    s->reconnect();
    if (s->pg_ == nullptr) {
      return Error{"database " + db.display() + ": cannot open the LISTEN connection", error_codes::unavailable};
    }
  } else {
    s->sqlite_ = &db;
    s->watch_wake_file(db.sqlite_file());
    db.on_signalled_commit([signal = s.get()] { signal->wake_others(); });
  }
  return s;
}

void WorkSignal::watch_wake_file(const std::string& db_file) {
  // Best effort: without it, nodes of other processes are found by their poll.
  if (db_file == ":memory:") {
    return;
  }
  const std::string path = db_file + "-wake";
  mode_t mode = 0644;
  struct stat st {};
  if (::stat(db_file.c_str(), &st) == 0) {
    mode = st.st_mode & 0666;  // as SQLite gives its -wal and -shm files
  }
  wake_fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, mode);
  inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ >= 0 && inotify_add_watch(inotify_fd_, path.c_str(), IN_MODIFY) < 0) {
    ::close(inotify_fd_);
    inotify_fd_ = -1;
  }
}

void WorkSignal::wake_others() {
  if (wake_fd_ >= 0) {
    [[maybe_unused]] ssize_t n = ::pwrite(wake_fd_, "1", 1, 0);
  }
}

WorkSignal::~WorkSignal() {
  if (sqlite_ != nullptr) {
    sqlite_->on_signalled_commit({});
  }
  if (wake_fd_ >= 0) {
    ::close(wake_fd_);
  }
  if (pg_ != nullptr) {
    PQfinish(pg_);
  }
  if (event_fd_ >= 0) {
    ::close(event_fd_);
  }
  if (inotify_fd_ >= 0) {
    ::close(inotify_fd_);
  }
}

void WorkSignal::reconnect() {
  if (pg_ != nullptr) {
    PQfinish(pg_);
    pg_ = nullptr;
    lock_held_ = false;  // the server let it go with the connection
  }
  const auto now = std::chrono::steady_clock::now();
  if (failures_ > 0 && now < next_try_) {
    return;  // backing off: the caller's poll is the fallback meanwhile
  }
  pg_conn* conn = PQconnectdb(pg_connect_.c_str());
  bool ok = PQstatus(conn) == CONNECTION_OK;
  if (ok) {
    PGresult* r = PQexec(conn, "LISTEN linkhub_work");
    ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
  }
  if (!ok) {
    PQfinish(conn);
    ++failures_;
    next_try_ = now + backoff_.delay(failures_, static_cast<double>(random_() % 1000) / 1000.0);
    return;
  }
  failures_ = 0;
  pg_ = conn;
}

void WorkSignal::wake_local() {
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(event_fd_, &one, sizeof one);
}

void WorkSignal::drain() {
  uint64_t value = 0;
  [[maybe_unused]] ssize_t n = ::read(event_fd_, &value, sizeof value);
  if (inotify_fd_ >= 0) {
    alignas(inotify_event) char events[1024];
    while (::read(inotify_fd_, events, sizeof events) > 0) {
    }
  }
  if (pg_ != nullptr) {
    PQconsumeInput(pg_);
    while (PGnotify* note = PQnotifies(pg_)) {
      PQfreemem(note);
    }
  }
}

bool WorkSignal::wait(std::chrono::milliseconds timeout) {
  std::lock_guard lock(mutex_);
  if (!pg_connect_.empty() && (pg_ == nullptr || PQstatus(pg_) != CONNECTION_OK)) {
    reconnect();  // the database restarted: listen again (the poll below is the fallback meanwhile)
  }
  if (pg_ != nullptr && PQconsumeInput(pg_) == 0) {
    // The server is gone (PQconsumeInput found the socket closed): a dead
    // socket would wake poll() at once, every time. Sleep the timeout out;
    // the next wait reconnects.
    PQfinish(pg_);
    pg_ = nullptr;
    lock_held_ = false;
  }
  // A notification may already be buffered from an earlier read.
  if (pg_ != nullptr) {
    if (PGnotify* note = PQnotifies(pg_)) {
      PQfreemem(note);
      drain();
      return true;
    }
  }
  // Events already buffered may predate the caller's last claim; waking for
  // them costs one claim, while dropping them could miss work.
  const int other = pg_ != nullptr ? PQsocket(pg_) : inotify_fd_;
  pollfd fds[2] = {{event_fd_, POLLIN, 0}, {other, POLLIN, 0}};
  const int n = ::poll(fds, other >= 0 ? 2 : 1, static_cast<int>(timeout.count()));
  drain();
  return n > 0;
}

bool WorkSignal::try_scheduler_lock() {
  std::lock_guard lock(mutex_);
  if (pg_connect_.empty()) {
    return true;
  }
  if (pg_ == nullptr || PQstatus(pg_) != CONNECTION_OK) {
    reconnect();
    if (pg_ == nullptr) {
      return false;
    }
  }
  if (lock_held_) {
    return true;
  }
  PGresult* r = PQexec(pg_, "SELECT pg_try_advisory_lock(7212002)");
  lock_held_ = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't';
  PQclear(r);
  return lock_held_;
}

}  // namespace linkhub::store
