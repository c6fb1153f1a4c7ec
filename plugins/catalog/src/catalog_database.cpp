#include "catalog_database.hpp"

#include "migrations.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>

namespace linkhub::catalog {
namespace {

constexpr int kSqliteBusy = 5;    // SQLITE_BUSY
constexpr int kSqliteLocked = 6;  // SQLITE_LOCKED

enum class FailureKind { kConflict, kUnavailable, kPermanent };

FailureKind classify(const soci::soci_error& e) {
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    const std::string state = pg->sqlstate();
    if (state == "40001" || state == "40P01" || state == "23505") {
      return FailureKind::kConflict;  // serialization failure, deadlock, a unique key taken meanwhile
    }
    if (state.rfind("08", 0) == 0 || state.rfind("53", 0) == 0 || state == "57P01" || state == "57P02" ||
        state == "57P03" || state == "55P03") {
      return FailureKind::kUnavailable;  // connection, resources, shutdown, lock not available
    }
  }
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    const int primary = lite->result() & 0xFF;
    if (primary == kSqliteBusy || primary == kSqliteLocked) {
      return FailureKind::kUnavailable;
    }
  }
  const std::string what = e.what();
  if (e.get_error_category() == soci::soci_error::connection_error ||
      what.find("database is locked") != std::string::npos) {
    return FailureKind::kUnavailable;
  }
  return FailureKind::kPermanent;
}

// libpq's messages may echo the connection string; SOCI's and libpq's span
// lines and tabs. One line, single spaces.
std::string clean(const std::string& what) {
  std::string out;
  for (char c : sdk::mask_database_password(what)) {
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

}  // namespace

CatalogDatabase::Transaction::~Transaction() {
  if (!done_) {
    try {
      sql_ << "ROLLBACK";
    } catch (...) {
      // The connection broke; nothing was committed, and the lease discards it.
    }
  }
}

CatalogDatabase::CatalogDatabase(DatabaseUrl url, size_t max_sessions)
    : url_(std::move(url)), pool_([this] { return open_session(); }, std::max<size_t>(1, max_sessions)) {}

std::unique_ptr<soci::session> CatalogDatabase::open_session() const {
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
  // the same file keeps working while the catalog writes.
  std::string mode;
  *sql << "PRAGMA journal_mode=WAL", soci::into(mode);
  *sql << "PRAGMA synchronous=NORMAL";
  *sql << "PRAGMA busy_timeout=30000";
  return sql;
}

SessionPool::Lease CatalogDatabase::acquire() {
  try {
    return pool_.acquire();
  } catch (const std::exception& e) {
    const std::string why = clean(e.what());
    if (why.find("file is not a database") != std::string::npos ||
        why.find("database disk image is malformed") != std::string::npos) {
      throw sdk::StepError("catalog: " + display() + " is not a SQLite database or is corrupt: " + why);
    }
    // Waiting does not fix credentials or a database that is not there.
    const bool permanent =
        why.find("password authentication failed") != std::string::npos ||
        (why.find("database \"") != std::string::npos && why.find("does not exist") != std::string::npos);
    throw sdk::StepError("catalog: cannot open the database " + display() + ": " + why, !permanent);
  }
}

void CatalogDatabase::on_failure(const soci::soci_error& e, SessionPool::Lease& lease, bool may_retry) const {
  const FailureKind kind = classify(e);
  const bool connected = lease->is_connected();
  if (!connected || kind == FailureKind::kUnavailable) {
    lease.discard();  // a fresh session next time
  }
  // A pooled session whose server restarted fails on first use. Trying again
  // on a fresh one is safe even if the COMMIT was lost on the way: every step
  // is idempotent by its key or by its content.
  if (!connected && may_retry) {
    return;
  }
  const std::string why = clean(e.what());
  switch (kind) {
    case FailureKind::kConflict:
      if (may_retry) {
        return;
      }
      throw sdk::StepError("catalog: the database " + display() + " kept reporting conflicts: " + why, true);
    case FailureKind::kUnavailable:
      throw sdk::StepError("catalog: the database " + display() + " is unavailable or busy: " + why, true);
    case FailureKind::kPermanent:
      break;
  }
  if (!connected) {
    throw sdk::StepError("catalog: lost the connection to the database " + display() + ": " + why, true);
  }
  throw sdk::StepError("catalog: database error on " + display() + ": " + why);
}

CatalogDatabase& CatalogDatabases::at(const std::string& url, size_t max_sessions) {
  Slot* slot = nullptr;
  {
    std::lock_guard lock(mutex_);
    auto& entry = slots_[url];
    if (!entry) {
      entry = std::make_unique<Slot>();
    }
    slot = entry.get();
  }
  // One opener per URL; callers for other URLs do not wait for it.
  std::lock_guard lock(slot->opening);
  if (!slot->database) {
    std::unique_ptr<CatalogDatabase> database(new CatalogDatabase(parse_database_url(url), max_sessions));
    migrate(*database);
    slot->database = std::move(database);  // only a migrated database is kept; a failure is tried again next time
  }
  return *slot->database;
}

}  // namespace linkhub::catalog
