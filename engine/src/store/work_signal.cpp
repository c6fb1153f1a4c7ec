#include "work_signal.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace linkhub::store {

Result<std::unique_ptr<WorkSignal>> WorkSignal::open(const Database& db) {
  std::unique_ptr<WorkSignal> s(new WorkSignal());
  s->event_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (s->event_fd_ < 0) {
    return Error{"cannot create an eventfd for wake-ups"};
  }
  if (db.postgres()) {
    s->pg_connect_ = db.connect_string();
    s->reconnect();
    if (s->pg_ == nullptr) {
      return Error{"database " + db.display() + ": cannot open the LISTEN connection"};
    }
  }
  return s;
}

WorkSignal::~WorkSignal() {
  if (pg_ != nullptr) {
    PQfinish(pg_);
  }
  if (event_fd_ >= 0) {
    ::close(event_fd_);
  }
}

void WorkSignal::reconnect() {
  if (pg_ != nullptr) {
    PQfinish(pg_);
    pg_ = nullptr;
    lock_held_ = false;
  }
  pg_conn* conn = PQconnectdb(pg_connect_.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    PQfinish(conn);
    return;
  }
  PGresult* r = PQexec(conn, "LISTEN linkhub_work");
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (!ok) {
    PQfinish(conn);
    return;
  }
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
  pollfd fds[2] = {{event_fd_, POLLIN, 0}, {pg_ != nullptr ? PQsocket(pg_) : -1, POLLIN, 0}};
  // A notification may already be buffered from an earlier read.
  if (pg_ != nullptr) {
    PQconsumeInput(pg_);
    if (PGnotify* note = PQnotifies(pg_)) {
      PQfreemem(note);
      drain();
      return;
    }
  }
  const int n = ::poll(fds, pg_ != nullptr ? 2 : 1, static_cast<int>(timeout.count()));
  if (n > 0) {
    drain();
  }
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
