#pragma once
// The catalog's database: one lazily opened, migrated pool of SOCI sessions
// per database URL, kept in the plugin's state (CatalogDatabases, built at
// plugin init and destroyed at deinit), and transactions that behave the same
// on SQLite and PostgreSQL. Database failures leave here as sdk::StepError:
// retryable when waiting may help (server unreachable, locked, deadlock),
// permanent otherwise.

#include "database_url.hpp"
#include "session_pool.hpp"

#include <linkhub/plugin.hpp>

#include <soci/soci.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>

namespace linkhub::catalog {

class CatalogDatabase {
 public:
  Dialect dialect() const { return url_.dialect; }
  bool postgres() const { return url_.dialect == Dialect::Postgres; }
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

 private:
  static constexpr int kMaxWriteAttempts = 5;

  class Transaction {
   public:
    Transaction(soci::session& sql, const char* begin) : sql_(sql) { sql_ << begin; }
    ~Transaction();
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

  friend class CatalogDatabases;
  explicit CatalogDatabase(DatabaseUrl url, size_t max_sessions);

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

  std::unique_ptr<soci::session> open_session() const;
  SessionPool::Lease acquire();
  // Throws the sdk::StepError that `e` means; returns only when `may_retry`
  // and the transaction hit a conflict or lost its connection.
  void on_failure(const soci::soci_error& e, SessionPool::Lease& lease, bool may_retry) const;

  DatabaseUrl url_;
  SessionPool pool_;
};

// The plugin's state (LINKHUB_PLUGIN_WITH_STATE): every database its steps
// used. The host destroys it after the last step has returned, closing the
// pools.
class CatalogDatabases {
 public:
  explicit CatalogDatabases(const sdk::PluginInit&) {}

  // The database at `url`, opened and migrated on its first use; later calls
  // return the same one (its pool keeps the first `max_sessions`).
  // Thread-safe. Throws sdk::StepError.
  CatalogDatabase& at(const std::string& url, size_t max_sessions);

 private:
  struct Slot {
    std::mutex opening;
    std::unique_ptr<CatalogDatabase> database;
  };
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Slot>> slots_;
};

}  // namespace linkhub::catalog
