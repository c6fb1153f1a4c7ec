#pragma once
// A plugin's own tables in a SQL database (the catalog's products, the
// WhatsApp contacts): per database URL one lazily opened, migrated pool of
// SOCI sessions, kept in the plugin's state, and transactions that behave the
// same on SQLite and PostgreSQL. Database failures leave as sdk::StepError:
// retryable `unavailable` when waiting may help (server unreachable, locked,
// deadlock), permanent otherwise; passwords never reach a message.
//
// Header-only like the rest of the SDK; a plugin that includes it links
// SOCI's core, sqlite3 and postgresql backends.
//
//   struct MyDatabases : sdk::PluginDatabases {
//     explicit MyDatabases(const sdk::PluginInit&) : PluginDatabases("myplugin", &my_migrate) {}
//   };
//   LINKHUB_PLUGIN_WITH_STATE(..., MyDatabases, ...)
//   sdk::PluginDatabase& db = ctx.plugin_state<MyDatabases>().at(url, 4);
//   db.write([&](soci::session& sql) { sql << "INSERT ..."; });

#include <linkhub/database_url.hpp>
#include <linkhub/plugin.hpp>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace linkhub::sdk {

// A pool of SOCI sessions that opens them only when needed (up to a maximum)
// and drops the ones that broke, so a restarted PostgreSQL costs one failed
// attempt, not a dead pool. Thread-safe.
class SessionPool {
 public:
  using Opener = std::function<std::unique_ptr<soci::session>()>;

  // A session on loan; it returns to the pool when the lease ends, unless discarded.
  class Lease {
   public:
    Lease(SessionPool& pool, std::unique_ptr<soci::session> session) : pool_(&pool), session_(std::move(session)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (session_) {
        pool_->give_back(std::move(session_), discard_);
      }
    }

    soci::session& operator*() const { return *session_; }
    soci::session* operator->() const { return session_.get(); }
    // The session is broken: close it instead of giving it back.
    void discard() { discard_ = true; }

   private:
    SessionPool* pool_;
    std::unique_ptr<soci::session> session_;
    bool discard_ = false;
  };

  SessionPool(Opener opener, size_t max_sessions)
      : opener_(std::move(opener)), max_sessions_(std::max<size_t>(1, max_sessions)) {}

  // An idle session, a new one while fewer than the maximum are open, else
  // waits for one to come back. Throws what the opener throws.
  Lease acquire() {
    std::unique_lock lock(mutex_);
    returned_.wait(lock, [&] { return !idle_.empty() || open_ < max_sessions_; });
    if (!idle_.empty()) {
      auto session = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(session));
    }
    ++open_;  // reserved before opening, outside the lock, so slow connects do not serialise
    lock.unlock();
    try {
      return Lease(*this, opener_());
    } catch (...) {
      lock.lock();
      --open_;
      returned_.notify_one();
      throw;
    }
  }

 private:
  void give_back(std::unique_ptr<soci::session> session, bool discard) {
    {
      std::lock_guard lock(mutex_);
      if (discard) {
        --open_;
      } else {
        idle_.push_back(std::move(session));
      }
    }
    returned_.notify_one();
    // A discarded session closes here, after the lock is released.
  }

  Opener opener_;
  const size_t max_sessions_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<soci::session>> idle_;
  size_t open_ = 0;
};

namespace plugin_database_detail {

enum class Failure { kConflict, kUnavailable, kPermanent };

inline Failure classify(const soci::soci_error& e) {
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    const std::string state = pg->sqlstate();
    if (state == "40001" || state == "40P01" || state == "23505") {
      return Failure::kConflict;  // serialization failure, deadlock, a unique key taken meanwhile
    }
    if (state.rfind("08", 0) == 0 || state.rfind("53", 0) == 0 || state.rfind("57P0", 0) == 0 || state == "55P03") {
      return Failure::kUnavailable;  // connection, resources, shutdown, lock not available
    }
  }
  constexpr int kSqliteBusy = 5;
  constexpr int kSqliteLocked = 6;
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    const int primary = lite->result() & 0xFF;
    if (primary == kSqliteBusy || primary == kSqliteLocked) {
      return Failure::kUnavailable;
    }
  }
  const std::string what = e.what();
  if (e.get_error_category() == soci::soci_error::connection_error ||
      what.find("database is locked") != std::string::npos) {
    return Failure::kUnavailable;
  }
  return Failure::kPermanent;
}

// libpq's messages may echo the connection string; SOCI's and libpq's span
// lines and tabs. One line, single spaces, the password masked.
inline std::string clean(const std::string& what) {
  std::string out;
  for (char c : mask_database_password(what)) {
    const bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t';
    if (!space) {
      out += c;
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out;
}

}  // namespace plugin_database_detail

class PluginDatabases;

// One database a plugin keeps tables in. Messages start with the plugin's name.
class PluginDatabase {
 public:
  SqlDialect dialect() const { return url_.dialect; }
  bool postgres() const { return url_.dialect == SqlDialect::Postgres; }
  const std::string& display() const { return url_.display; }

  // Runs fn(session&) in one write transaction and commits when it returns:
  // BEGIN IMMEDIATE on SQLite (writers queue at the start instead of failing
  // to upgrade a read lock), BEGIN on PostgreSQL. Rolls back when fn throws.
  // On PostgreSQL a serialization failure, deadlock, unique-key race or a
  // pooled session that lost its server reruns fn in a new transaction (a few
  // times), so fn must only touch the database.
  template <class F>
  auto write(F&& fn) {
    return run(fn, postgres() ? "BEGIN" : "BEGIN IMMEDIATE", kMaxWriteAttempts);
  }

  // Runs fn(session&) in one read transaction (a consistent snapshot); once
  // more on a fresh session when the pooled one had lost its server.
  template <class F>
  auto read(F&& fn) {
    return run(fn, postgres() ? "BEGIN READ ONLY" : "BEGIN", 2);
  }

  PluginDatabase(std::string owner, DatabaseUrl url, size_t max_sessions)
      : owner_(std::move(owner)), url_(std::move(url)), pool_([this] { return open_session(); }, max_sessions) {}

 private:
  static constexpr int kMaxWriteAttempts = 5;

  class Transaction {
   public:
    Transaction(soci::session& sql, const char* begin) : sql_(sql) { sql_ << begin; }
    ~Transaction() {
      if (!done_) {
        try {
          sql_ << "ROLLBACK";
        } catch (...) {
          // The connection broke; nothing was committed, and the lease discards it.
        }
      }
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit() {
      sql_ << "COMMIT";
      done_ = true;
    }

   private:
    soci::session& sql_;
    bool done_ = false;
  };

  template <class F>
  auto run(F& fn, const char* begin, int max_attempts) {
    for (int attempt = 1;; ++attempt) {
      SessionPool::Lease lease = acquire();
      try {
        Transaction tx(*lease, begin);
        if constexpr (std::is_void_v<decltype(fn(*lease))>) {
          fn(*lease);
          tx.commit();
          return;
        } else {
          auto result = fn(*lease);
          tx.commit();
          return result;
        }
      } catch (const soci::soci_error& e) {
        on_failure(e, lease, attempt < max_attempts);
      }
    }
  }

  std::unique_ptr<soci::session> open_session() const {
    auto sql = std::make_unique<soci::session>();
    if (postgres()) {
      std::string connect = url_.connect;
      if (connect.find("connect_timeout") == std::string::npos) {
        connect += " connect_timeout=10";  // libpq waits forever by default
      }
      sql->open(*soci::factory_postgresql(), connect);
      *sql << "SET client_min_messages TO WARNING";
      return sql;
    }
    const std::filesystem::path file = url_.file;
    std::error_code ignored;
    if (file.has_parent_path()) {
      std::filesystem::create_directories(file.parent_path(), ignored);
    }
    sql->open(*soci::factory_sqlite3(), url_.connect);
    // WAL: readers never block the writer, and the engine's own connection to
    // the same file keeps working while the plugin writes.
    std::string mode;
    *sql << "PRAGMA journal_mode=WAL", soci::into(mode);
    *sql << "PRAGMA synchronous=NORMAL";
    *sql << "PRAGMA busy_timeout=30000";
    return sql;
  }

  SessionPool::Lease acquire() {
    try {
      return pool_.acquire();
    } catch (const std::exception& e) {
      const std::string why = plugin_database_detail::clean(e.what());
      if (why.find("file is not a database") != std::string::npos ||
          why.find("database disk image is malformed") != std::string::npos) {
        throw StepError(errors::internal,
                        owner_ + ": " + display() + " is not a SQLite database or is corrupt: " + why);
      }
      // Waiting does not fix credentials or a database that is not there.
      const bool permanent =
          why.find("password authentication failed") != std::string::npos ||
          (why.find("database \"") != std::string::npos && why.find("does not exist") != std::string::npos);
      throw StepError(permanent ? errors::internal : errors::unavailable,
                      owner_ + ": cannot open the database " + display() + ": " + why, !permanent);
    }
  }

  // Throws the StepError that `e` means; returns only when `may_retry` and
  // the transaction hit a conflict or lost its connection.
  void on_failure(const soci::soci_error& e, SessionPool::Lease& lease, bool may_retry) const {
    using plugin_database_detail::Failure;
    const Failure kind = plugin_database_detail::classify(e);
    const bool connected = lease->is_connected();
    if (!connected || kind == Failure::kUnavailable) {
      lease.discard();  // a fresh session next time
    }
    // A pooled session whose server restarted fails on first use. Trying
    // again on a fresh one is safe even if the COMMIT was lost on the way:
    // plugins keep their writes idempotent by key or by content.
    if (!connected && may_retry) {
      return;
    }
    const std::string why = plugin_database_detail::clean(e.what());
    switch (kind) {
      case Failure::kConflict:
        if (may_retry) {
          return;
        }
        throw StepError(errors::unavailable,
                        owner_ + ": the database " + display() + " kept reporting conflicts: " + why, true);
      case Failure::kUnavailable:
        throw StepError(errors::unavailable, owner_ + ": the database " + display() + " is unavailable or busy: " + why,
                        true);
      case Failure::kPermanent:
        break;
    }
    if (!connected) {
      throw StepError(errors::unavailable, owner_ + ": lost the connection to the database " + display() + ": " + why,
                      true);
    }
    throw StepError(errors::internal, owner_ + ": database error on " + display() + ": " + why);
  }

  std::string owner_;
  DatabaseUrl url_;
  SessionPool pool_;
};

// A plugin's state (LINKHUB_PLUGIN_WITH_STATE, derived with the plugin's
// name and schema migration): every database its steps used. The host
// destroys it after the last step has returned, closing the pools.
class PluginDatabases {
 public:
  using Migrate = std::function<void(PluginDatabase&)>;

  PluginDatabases(std::string owner, Migrate migrate) : owner_(std::move(owner)), migrate_(std::move(migrate)) {}

  // The database at `url`, opened and migrated on its first use; later calls
  // return the same one (its pool keeps the first `max_sessions`). A failed
  // open or migration is tried again on the next call. Thread-safe; callers
  // for other URLs do not wait for a slow opener. Throws StepError.
  PluginDatabase& at(const std::string& url, size_t max_sessions) {
    Slot* slot = nullptr;
    {
      std::lock_guard lock(mutex_);
      auto& entry = slots_[url];
      if (!entry) {
        entry = std::make_unique<Slot>();
      }
      slot = entry.get();
    }
    std::lock_guard lock(slot->opening);
    if (!slot->database) {
      DatabaseUrl parsed;
      try {
        parsed = parse_database_url(url);
      } catch (const std::invalid_argument& e) {
        throw StepError(errors::invalid_input, owner_ + ": " + e.what());
      }
      auto database = std::make_unique<PluginDatabase>(owner_, std::move(parsed), max_sessions);
      try {
        migrate_(*database);
      } catch (const soci::soci_error& e) {
        throw StepError(errors::unavailable,
                        owner_ + ": cannot open the database " + database->display() + ": " +
                            plugin_database_detail::clean(e.what()),
                        true);
      }
      slot->database = std::move(database);  // only a migrated database is kept
    }
    return *slot->database;
  }

 private:
  struct Slot {
    std::mutex opening;
    std::unique_ptr<PluginDatabase> database;
  };
  std::string owner_;
  Migrate migrate_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Slot>> slots_;
};

}  // namespace linkhub::sdk
