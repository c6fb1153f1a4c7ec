#pragma once
// The catalog's database URL, read the way the engine reads its own (plugins
// cannot include engine headers): "postgresql://..." / "postgres://..." /
// libpq "host=... dbname=..." are PostgreSQL; "sqlite:PATH", "sqlite://PATH"
// or a bare PATH are a SQLite file.

#include <string>

namespace linkhub::catalog {

enum class Dialect { kSqlite, kPostgres };

struct DatabaseUrl {
  Dialect dialect = Dialect::kSqlite;
  std::string connect;  // what the SOCI backend gets
  std::string display;  // for messages: the password masked
  std::string file;     // SQLite: the database file
};

// Throws a permanent sdk::StepError naming the problem.
DatabaseUrl parse_database_url(const std::string& url);

// `text` with any password in a PostgreSQL URI or key=value string replaced by ***.
std::string mask_password(const std::string& text);

}  // namespace linkhub::catalog
