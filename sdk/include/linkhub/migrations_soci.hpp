#pragma once
// sdk::MigrationDatabase (linkhub/migrations.hpp) over SOCI, for owners that
// keep their tables with SOCI: the engine, the server's auth store, the
// catalog plugin. The owner gives the transaction (its own BEGIN/COMMIT,
// lock and retries); this gives the rest. Include it only where SOCI is.

#include <linkhub/migrations.hpp>

#include <soci/soci.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace linkhub::sdk {

// Where a track records its versions: (version INTEGER PRIMARY KEY,
// <description_column> TEXT NOT NULL, applied_ms BIGINT NOT NULL), made when
// missing.
struct SociVersionTable {
  std::string name;
  std::string description_column = "description";
};

// Runs body(session) in one write transaction holding the track's lock;
// commits when it returns, rolls back when it throws (and lets it through).
using SociTransaction = std::function<void(const std::function<void(soci::session&)>& body)>;

// PostgreSQL: takes the transaction-scoped advisory lock `key`, so processes
// starting together migrate one after the other.
inline void lock_postgres_migrations(soci::session& sql, long long key) {
  int ignored = 0;
  sql << "SELECT 1 FROM (SELECT pg_advisory_xact_lock(" << key << ")) AS locked", soci::into(ignored);
}

inline MigrationDatabase soci_migration_database(SociTransaction transaction, SociVersionTable table) {
  // The session of the transaction under way, shared by the callbacks.
  auto current = std::make_shared<soci::session*>(nullptr);
  MigrationDatabase db;
  db.transaction = [current, transaction = std::move(transaction)](const std::function<void()>& body) {
    struct Reset {
      soci::session*& session;
      ~Reset() { session = nullptr; }
    };
    transaction([&](soci::session& sql) {
      *current = &sql;
      Reset reset{*current};
      body();
    });
  };
  db.execute = [current](const std::string& statement) { **current << statement; };
  db.has_rows = [current](const std::string& query) {
    int ignored = 0;
    soci::indicator ind = soci::i_ok;
    **current << query, soci::into(ignored, ind);
    return (*current)->got_data();
  };
  db.applied_version = [current, table] {
    **current << "CREATE TABLE IF NOT EXISTS " << table.name << " (version INTEGER PRIMARY KEY, "
              << table.description_column << " TEXT NOT NULL, applied_ms BIGINT NOT NULL)";
    int newest = 0;
    soci::indicator ind = soci::i_ok;
    **current << "SELECT MAX(version) FROM " << table.name, soci::into(newest, ind);
    return ind == soci::i_null ? 0 : newest;
  };
  db.record = [current, table](const Migration& m) {
    const long long now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    **current << "INSERT INTO " << table.name << " (version, " << table.description_column
              << ", applied_ms) VALUES (:v, :d, :t)",
        soci::use(m.version), soci::use(m.description), soci::use(now);
  };
  return db;
}

}  // namespace linkhub::sdk
