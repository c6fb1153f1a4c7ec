#pragma once
// The plugin's database: its own tables (migrations.cpp, track "whatsapp")
// in the database plugins.whatsapp.database names, else the run database,
// so every node of a cluster shares contacts, rate counters and send records.
// One session per database, lent to one transaction at a time: the plugin's
// writes are short (a few rows per message). Failures leave as
// sdk::StepError: retryable when waiting may help (locked, a conflict
// PostgreSQL reports, a lost connection), permanent otherwise.

#include <linkhub/database_url.hpp>
#include <linkhub/plugin.hpp>

#include <soci/soci.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>

namespace linkhub::whatsapp {

class Database {
 public:
  explicit Database(sdk::DatabaseUrl url) : url_(std::move(url)) {}
  bool postgres() const { return url_.dialect == sdk::SqlDialect::Postgres; }
  const std::string& display() const { return url_.display; }

  // Runs fn(session&) in one write transaction (BEGIN IMMEDIATE on SQLite:
  // writers queue at the start) and commits when it returns; rolls back when
  // it throws. A PostgreSQL conflict or a lost connection reruns fn (a few
  // times), so fn must only touch the database.
  template <class F>
  auto write(F&& fn) {
    return transact(postgres() ? "BEGIN" : "BEGIN IMMEDIATE", std::forward<F>(fn));
  }

  // Runs fn(session&) in one read transaction (a consistent snapshot; on
  // SQLite it takes no write lock, so readers never queue behind senders).
  template <class F>
  auto read(F&& fn) {
    return transact(postgres() ? "BEGIN READ ONLY" : "BEGIN", std::forward<F>(fn));
  }

 private:
  template <class F>
  auto transact(const char* begin, F&& fn) {
    std::lock_guard lock(mutex_);
    for (int attempt = 1;; ++attempt) {
      try {
        soci::session& sql = session();
        Transaction tx(sql, begin);
        if constexpr (std::is_void_v<decltype(fn(sql))>) {
          fn(sql);
          tx.commit();
          return;
        } else {
          auto result = fn(sql);
          tx.commit();
          return result;
        }
      } catch (const soci::soci_error& e) {
        on_failure(e, attempt < kMaxAttempts);
      }
    }
  }

  static constexpr int kMaxAttempts = 5;

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

  soci::session& session();
  // Throws the StepError `e` means; returns when the transaction may run again.
  void on_failure(const soci::soci_error& e, bool may_retry);

  sdk::DatabaseUrl url_;
  std::mutex mutex_;
  std::unique_ptr<soci::session> session_;
};

// The plugin's state: every database its steps used, opened and migrated on first use.
class Databases {
 public:
  explicit Databases(const sdk::PluginInit&) {}
  // Throws sdk::StepError.
  Database& at(const std::string& url);

 private:
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Database>> databases_;
};

// The database for a step: `configured` (plugins.whatsapp.database) when set, else the run database.
Database& database_for(const sdk::Context& ctx, const std::string& configured, const std::string& step);

}  // namespace linkhub::whatsapp
