#include "work_signal.hpp"

#include <linkhub/engine/error_codes.hpp>

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>

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
    s->watch_wal(db.sqlite_file());
  }
  return s;
}

void WorkSignal::watch_wal(const std::string& db_file) {
  // Best effort: without inotify, nodes of other processes are found by the poll.
  const std::filesystem::path path = std::filesystem::absolute(db_file);
  inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0) {
    return;
  }
  const std::string dir = path.parent_path().string();
  if (inotify_add_watch(inotify_fd_, dir.c_str(), IN_MODIFY | IN_CREATE) < 0) {
    ::close(inotify_fd_);
    inotify_fd_ = -1;
    return;
  }
  wal_name_ = path.filename().string() + "-wal";
}

// True when the buffered inotify events include a write to the WAL.
bool WorkSignal::wal_written() {
  bool written = false;
  alignas(inotify_event) char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(inotify_fd_, buffer, sizeof buffer);
    if (n <= 0) {
      return written;
    }
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      if (event->len > 0 && wal_name_ == event->name) {
        written = true;
      }
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
}

WorkSignal::~WorkSignal() {
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
  if (pg_ != nullptr) {
    PQconsumeInput(pg_);
    while (PGnotify* note = PQnotifies(pg_)) {
      PQfreemem(note);
    }
  }
}

void WorkSignal::wait(std::chrono::milliseconds timeout) {
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
  pollfd fds[2] = {{event_fd_, POLLIN, 0}, {pg_ != nullptr ? PQsocket(pg_) : -1, POLLIN, 0}};
  // A notification may already be buffered from an earlier read.
  if (pg_ != nullptr) {
    if (PGnotify* note = PQnotifies(pg_)) {
      PQfreemem(note);
      drain();
      return;
    }
  }
  if (inotify_fd_ >= 0) {
    // Events already buffered may predate the caller's last claim; waking for
    // them costs one claim, while dropping them could miss work.
    fds[1] = {inotify_fd_, POLLIN, 0};
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const int n = ::poll(fds, fds[1].fd >= 0 ? 2 : 1, static_cast<int>(std::max<int64_t>(0, left.count())));
    if (n <= 0 || (fds[0].revents & POLLIN) != 0 || inotify_fd_ < 0 || (wal_written() && others_committed())) {
      break;
    }
  }
  drain();
}

bool WorkSignal::others_committed() {
  if (sqlite_ == nullptr) {
    return true;
  }
  long long version = 0;
  try {
    sqlite_->read_on_writer([&](soci::session& sql) { sql << "PRAGMA data_version", soci::into(version); });
  } catch (const std::exception&) {
    return true;  // cannot tell: waking costs one claim, sleeping could miss work
  }
  const bool changed = version != data_version_;
  data_version_ = version;
  return changed;
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
