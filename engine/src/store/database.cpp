#include "database.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <cctype>
#include <filesystem>
#include <regex>

namespace linkhub::store {
namespace {

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::string mask_password(const std::string& url) {
  // postgresql://user:secret@host/db and key=value "password=secret".
  static const std::regex uri_password(R"(^(postgres(?:ql)?://[^:/@]*:)[^@]*@)");
  static const std::regex kv_password(R"((password\s*=\s*)('[^']*'|\S+))");
  std::string out = std::regex_replace(url, uri_password, "$1***@");
  return std::regex_replace(out, kv_password, "$1***");
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// libpq takes key=value; quote values so spaces and quotes survive.
std::string kv(std::string_view key, const std::string& value) {
  std::string out = std::string(key) + "='";
  for (char c : value) {
    if (c == '\\' || c == '\'') {
      out += '\\';
    }
    out += c;
  }
  return out + "' ";
}

// postgresql://user:password@host:port/dbname?key=value&... -> libpq key=value
// (SOCI's backend mangles URIs, so it only ever sees the key=value form).
Result<std::string> postgres_uri_to_keywords(const std::string& url) {
  std::string rest = url.substr(url.find("://") + 3);
  std::string query;
  if (auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string dbname;
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    dbname = percent_decode(rest.substr(slash + 1));
    rest = rest.substr(0, slash);
  }
  std::string out;
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    const std::string userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = userinfo.find(':');
    out += kv("user", percent_decode(userinfo.substr(0, colon)));
    if (colon != std::string::npos) {
      out += kv("password", percent_decode(userinfo.substr(colon + 1)));
    }
  }
  if (!rest.empty()) {
    std::string host = rest, port;
    if (rest.front() == '[') {  // [::1]:5432
      const auto close = rest.find(']');
      if (close == std::string::npos) {
        return Error{"database URL: unclosed '[' in the host"};
      }
      host = rest.substr(1, close - 1);
      if (close + 1 < rest.size() && rest[close + 1] == ':') {
        port = rest.substr(close + 2);
      }
    } else if (auto colon = rest.rfind(':'); colon != std::string::npos) {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
    }
    if (!host.empty()) {
      out += kv("host", percent_decode(host));
    }
    if (!port.empty()) {
      if (port.find_first_not_of("0123456789") != std::string::npos) {
        return Error{"database URL: port '" + port + "' is not a number"};
      }
      out += kv("port", port);
    }
  }
  if (!dbname.empty()) {
    out += kv("dbname", dbname);
  }
  for (size_t start = 0; start < query.size();) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) {
      end = query.size();
    }
    const std::string pair = query.substr(start, end - start);
    const auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Error{"database URL: query parameter '" + pair + "' is not key=value"};
    }
    out += kv(percent_decode(pair.substr(0, eq)), percent_decode(pair.substr(eq + 1)));
    start = end + 1;
  }
  return out;
}

}  // namespace

Result<DatabaseUrl> parse_database_url(const std::string& url) {
  DatabaseUrl out;
  if (url.empty()) {
    return Error{"no database given: set `database:` in linkhub.yaml, LINKHUB_DATABASE, or --db"};
  }
  if (starts_with(url, "postgresql://") || starts_with(url, "postgres://") ||
      url.find("dbname=") != std::string::npos || url.find("host=") != std::string::npos) {
    out.dialect = Dialect::Postgres;
    out.connect = url;
    if (url.find("://") != std::string::npos) {
      auto keywords = postgres_uri_to_keywords(url);
      if (!keywords) {
        return keywords.error();
      }
      out.connect = *keywords;
    }
    out.display = mask_password(url);
    return out;
  }
  std::string path = url;
  for (std::string_view prefix : {"sqlite3://", "sqlite://", "sqlite3:", "sqlite:"}) {
    if (starts_with(path, prefix)) {
      path = path.substr(prefix.size());
      break;
    }
  }
  if (path.empty()) {
    return Error{"database '" + url + "': no SQLite file path"};
  }
  if (path.find('"') != std::string::npos) {
    return Error{"database '" + url + "': a SQLite path cannot contain a double quote"};
  }
  out.dialect = Dialect::Sqlite;
  out.connect = "db=\"" + path + "\" timeout=30";
  out.display = path;
  out.file = path;
  return out;
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
    return Error{"cannot open database " + db->display() + ": " + mask_password(why)};
  }
  return db;
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
