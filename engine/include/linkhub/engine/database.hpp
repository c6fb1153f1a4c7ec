#pragma once
// A SOCI connection pool on SQLite or PostgreSQL, and transactions that work
// the same on both: the SQL store's, and the one handle the server gets for
// the tables it keeps beside the runs (SqlStore::database(): the auth store).
// Each owner migrates its tables on its own track (migrate below).

#include <linkhub/database_url.hpp>
#include <linkhub/engine/result.hpp>
#include <linkhub/migrations.hpp>

#include <soci/soci.h>

#include <memory>
#include <string>

namespace linkhub::store {

using Dialect = sdk::SqlDialect;
using DatabaseUrl = sdk::DatabaseUrl;
// sdk::parse_database_url, with its complaint as an Error.
Result<DatabaseUrl> parse_database_url(const std::string& url);

class Database {
 public:
  // Opens `pool_size` sessions (SQLite always uses one: it has one writer).
  static Result<std::unique_ptr<Database>> open(const std::string& url, size_t pool_size);

  Dialect dialect() const { return url_.dialect; }
  bool postgres() const { return url_.dialect == Dialect::Postgres; }
  const std::string& display() const { return url_.display; }
  const std::string& connect_string() const { return url_.connect; }
  const std::string& sqlite_file() const { return url_.file; }

  // Runs fn(session&) in one transaction: BEGIN IMMEDIATE on SQLite (so two
  // processes never deadlock upgrading a read lock), BEGIN on PostgreSQL.
  // Commits when fn returns, rolls back when it throws.
  template <class F>
  auto write(F&& fn) {
    soci::session sql(*pool_);
    Tx tx(sql, url_.dialect);
    if constexpr (std::is_void_v<decltype(fn(sql))>) {
      fn(sql);
      tx.commit();
    } else {
      auto result = fn(sql);
      tx.commit();
      return result;
    }
  }

  // Where a migration track records its versions in this database.
  struct VersionTable {
    std::string name;         // (version INTEGER PRIMARY KEY, description TEXT, applied_ms BIGINT)
    long long postgres_lock;  // the pg_advisory_xact_lock key that serialises the track's migrations
  };
  // Applies the track's missing migrations (sdk::run_migrations), each in a
  // write() transaction holding the track's lock. The version reached, or an
  // Error naming this database and the migration that failed.
  Result<int> migrate(const sdk::MigrationTrack& track, const VersionTable& table);

  // Runs fn(session&) outside an explicit transaction (single statements, reads).
  template <class F>
  auto read(F&& fn) {
    soci::session sql(*pool_);
    return fn(sql);
  }

 private:
  class Tx {
   public:
    Tx(soci::session& sql, Dialect dialect);
    ~Tx();
    void commit();

   private:
    soci::session& sql_;
    bool done_ = false;
  };

  Database(DatabaseUrl url, size_t size) : url_(std::move(url)), pool_(std::make_unique<soci::connection_pool>(size)) {}

  DatabaseUrl url_;
  std::unique_ptr<soci::connection_pool> pool_;
};

}  // namespace linkhub::store
