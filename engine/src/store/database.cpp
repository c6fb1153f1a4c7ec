#include <linkhub/engine/database.hpp>
#include <linkhub/migrations_soci.hpp>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>
#include <stdexcept>

namespace linkhub::store {

Result<DatabaseUrl> parse_database_url(const std::string& url) {
  if (url.empty()) {
    return Error{"no database given: set `database:` in linkhub.yaml, LINKHUB_DATABASE, or --db"};
  }
  try {
    return sdk::parse_database_url(url);
  } catch (const std::invalid_argument& e) {
    return Error{e.what()};
  }
}

Result<std::unique_ptr<Database>> Database::open(const std::string& url, size_t pool_size) {
  auto parsed = parse_database_url(url);
  if (!parsed) {
    return parsed.error();
  }
  const bool sqlite = parsed->dialect == Dialect::Sqlite;
  if (sqlite) {
    pool_size = 1;
    const std::filesystem::path file = parsed->display;
    std::error_code ec;
    if (file.has_parent_path()) {
      std::filesystem::create_directories(file.parent_path(), ec);
    }
  }
  std::unique_ptr<Database> db(new Database(std::move(*parsed), std::max<size_t>(1, pool_size)));
  try {
    for (size_t i = 0; i < std::max<size_t>(1, pool_size); ++i) {
      soci::session& s = db->pool_->at(i);
      if (sqlite) {
        s.open(*soci::factory_sqlite3(), db->url_.connect);
        // WAL: readers never block the writer. synchronous=NORMAL: a commit
        // survives a killed process (the WAL is written before COMMIT returns);
        // only a power cut can lose the last commits, as with any WAL database.
        std::string mode;
        s << "PRAGMA journal_mode=WAL", soci::into(mode);
        s << "PRAGMA synchronous=NORMAL";
        s << "PRAGMA busy_timeout=30000";
        s << "PRAGMA foreign_keys=ON";
      } else {
        s.open(*soci::factory_postgresql(), db->url_.connect);
        s << "SET client_min_messages TO WARNING";
      }
    }
  } catch (const std::exception& e) {
    std::string why = e.what();
    if (why.find("file is not a database") != std::string::npos ||
        why.find("database disk image is malformed") != std::string::npos) {
      return Error{"database " + db->display() +
                   " is not a linkhub SQLite database or is corrupt (SQLite says: file is not a database). Move it "
                   "away or point --db at another file."};
    }
    // libpq's messages can echo the connection string: never show a password.
    return Error{"cannot open database " + db->display() + ": " + sdk::mask_database_password(why)};
  }
  return db;
}

Result<int> Database::migrate(const sdk::MigrationTrack& track, const VersionTable& table) {
  const auto hooks = sdk::soci_migration_database(
      [&](const std::function<void(soci::session&)>& body) {
        write([&](soci::session& sql) {
          if (postgres()) {
            sdk::lock_postgres_migrations(sql, table.postgres_lock);
          }
          body(sql);
        });
      },
      {table.name});
  try {
    return sdk::run_migrations(track, hooks);
  } catch (const std::exception& e) {
    return Error{"database " + display() + ": " + e.what()};
  }
}

Database::Tx::Tx(soci::session& sql, Dialect dialect) : sql_(sql) {
  sql_ << (dialect == Dialect::Sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
}

Database::Tx::~Tx() {
  if (!done_) {
    try {
      sql_ << "ROLLBACK";
    } catch (...) {
      // The connection is already broken; nothing was committed.
    }
  }
}

void Database::Tx::commit() {
  sql_ << "COMMIT";
  done_ = true;
}

}  // namespace linkhub::store
