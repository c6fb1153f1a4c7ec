#pragma once
// One forward-only migration runner for every schema linkhub keeps: the
// engine's run store, the server's auth tables, a plugin's own tables (the
// catalog's). Each owner has a track: a name and its list of migrations, with
// the versions applied recorded in the owner's own table. The runner knows no
// database library: the owner gives it callbacks (over SOCI, libpq or a test
// double), so it serves SQLite and PostgreSQL alike. Header-only (C++17) so
// plugins need no engine library.
//
// Rules for a track: versions ascend from 1; a released migration never
// changes (a change is a new version); a database whose track is newer than
// the binary knows is refused, never downgraded.

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace linkhub::sdk {

struct MigrationDatabase;

struct Migration {
  int version = 0;
  std::string description;
  std::vector<std::string> statements;  // run in order, in one transaction
  // Optional: true when what this migration makes already exists because
  // another track made it in older releases (the auth tables were the
  // engine's); asked inside the migration's transaction. The runner then
  // records the migration without running its statements.
  std::function<bool(const MigrationDatabase& db)> already_present = nullptr;
};

struct MigrationTrack {
  std::string name;                   // in messages: "engine", "auth", "catalog"
  std::vector<Migration> migrations;  // ascending versions

  int latest() const { return migrations.empty() ? 0 : migrations.back().version; }
};

// What the runner needs from a database. `execute`, `applied_version` and
// `record` are only called inside `transaction`.
struct MigrationDatabase {
  // Runs body() in one transaction that keeps other processes from migrating
  // the same track meanwhile (PostgreSQL: pg_advisory_xact_lock; SQLite:
  // BEGIN IMMEDIATE). Commits when body returns; rolls back when it throws,
  // and lets the exception through.
  std::function<void(const std::function<void()>& body)> transaction;
  std::function<void(const std::string& statement)> execute;
  // True when `query` returns at least one row (for already_present).
  std::function<bool(const std::string& query)> has_rows;
  // The newest version of the track applied, 0 when none (creating the
  // track's version table when it does not exist yet).
  std::function<int()> applied_version;
  // Records `migration` as applied.
  std::function<void(const Migration& migration)> record;
};

// The database's track is newer than this binary, or a migration failed.
class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace migrations_detail {

inline void check_order(const MigrationTrack& track) {
  int previous = 0;
  for (const Migration& m : track.migrations) {
    if (m.version <= previous) {
      throw MigrationError(track.name + " migrations are out of order: version " + std::to_string(m.version) +
                           " comes after " + std::to_string(previous));
    }
    previous = m.version;
  }
}

inline int current_version(const MigrationTrack& track, const MigrationDatabase& db) {
  const int applied = db.applied_version();
  if (applied > track.latest()) {
    throw MigrationError(track.name + " schema version " + std::to_string(applied) +
                         " is newer than this binary knows (" + std::to_string(track.latest()) +
                         "): it was written by a newer linkhub; upgrade this one, or use another database");
  }
  return applied;
}

}  // namespace migrations_detail

// Applies the track's missing migrations in order, each with its record in a
// transaction of its own, and returns the version reached. Nodes starting
// together each re-read the version under the lock, so every migration runs
// once. Throws MigrationError when the database's track is newer than
// `track`, or when a migration fails: the message names the track, the
// migration's version and description and the database's complaint; that
// migration is rolled back, so the recorded version stays the one before it.
inline int run_migrations(const MigrationTrack& track, const MigrationDatabase& db) {
  migrations_detail::check_order(track);
  int current = 0;
  db.transaction([&] { current = migrations_detail::current_version(track, db); });
  for (const Migration& m : track.migrations) {
    if (m.version <= current) {
      continue;
    }
    try {
      db.transaction([&] {
        current = migrations_detail::current_version(track, db);
        if (current >= m.version) {
          return;  // another process applied it meanwhile
        }
        if (!m.already_present || !m.already_present(db)) {
          for (const std::string& statement : m.statements) {
            db.execute(statement);
          }
        }
        db.record(m);
      });
    } catch (const MigrationError&) {
      throw;
    } catch (const std::exception& e) {
      throw MigrationError(track.name + " migration " + std::to_string(m.version) + " (" + m.description +
                           ") failed: " + e.what() + "; the " + track.name + " schema stays at version " +
                           std::to_string(current));
    }
    current = std::max(current, m.version);
  }
  return current;
}

}  // namespace linkhub::sdk
