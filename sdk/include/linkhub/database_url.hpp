#pragma once
// Database URLs read one way by the engine and by plugins that keep their own
// tables (the catalog): "postgresql://..." / "postgres://..." / libpq
// "host=... dbname=..." are PostgreSQL; "sqlite:PATH", "sqlite://PATH" or a
// bare PATH are a SQLite file. Header-only so plugins need no engine library.

#include <cctype>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>

namespace linkhub::sdk {

enum class SqlDialect { Sqlite, Postgres };

struct DatabaseUrl {
  SqlDialect dialect = SqlDialect::Sqlite;
  std::string connect;  // what the SOCI backend gets
  std::string display;  // for messages: the password masked
  std::string file;     // SQLite: the database file
};

// `text` with any password in a PostgreSQL URI or key=value string replaced by ***.
inline std::string mask_database_password(const std::string& text) {
  static const std::regex uri_password(R"((postgres(?:ql)?://[^:/@\s]*:)[^@\s]*@)");
  static const std::regex keyword_password(R"((password\s*=\s*)('[^']*'|\S+))");
  return std::regex_replace(std::regex_replace(text, uri_password, "$1***@"), keyword_password, "$1***");
}

namespace database_url_detail {

inline bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

inline std::string percent_decode(std::string_view s) {
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

// libpq takes key='value'; quoting keeps spaces and quotes in values intact.
inline std::string keyword(std::string_view key, const std::string& value) {
  std::string out = std::string(key) + "='";
  for (char c : value) {
    if (c == '\\' || c == '\'') {
      out += '\\';
    }
    out += c;
  }
  return out + "' ";
}

[[noreturn]] inline void bad_url(const std::string& why) {
  throw std::invalid_argument("database URL: " + why);
}

// postgresql://user:password@host:port/dbname?key=value&... -> libpq key=value.
// SOCI's PostgreSQL backend mangles URIs, so it only ever sees this form.
inline std::string postgres_uri_to_keywords(const std::string& url) {
  std::string rest = url.substr(url.find("://") + 3);
  std::string query;
  if (const auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string dbname;
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    dbname = percent_decode(rest.substr(slash + 1));
    rest = rest.substr(0, slash);
  }
  std::string out;
  if (const auto at = rest.rfind('@'); at != std::string::npos) {
    const std::string userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = userinfo.find(':');
    out += keyword("user", percent_decode(userinfo.substr(0, colon)));
    if (colon != std::string::npos) {
      out += keyword("password", percent_decode(userinfo.substr(colon + 1)));
    }
  }
  if (!rest.empty()) {
    std::string host = rest;
    std::string port;
    if (rest.front() == '[') {  // [::1]:5432
      const auto close = rest.find(']');
      if (close == std::string::npos) {
        bad_url("unclosed '[' in the host");
      }
      host = rest.substr(1, close - 1);
      if (close + 1 < rest.size() && rest[close + 1] == ':') {
        port = rest.substr(close + 2);
      }
    } else if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
    }
    if (!host.empty()) {
      out += keyword("host", percent_decode(host));
    }
    if (!port.empty()) {
      if (port.find_first_not_of("0123456789") != std::string::npos) {
        bad_url("port '" + port + "' is not a number");
      }
      out += keyword("port", port);
    }
  }
  if (!dbname.empty()) {
    out += keyword("dbname", dbname);
  }
  for (size_t start = 0; start < query.size();) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) {
      end = query.size();
    }
    const std::string pair = query.substr(start, end - start);
    const auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      bad_url("query parameter '" + pair + "' is not key=value");
    }
    out += keyword(percent_decode(pair.substr(0, eq)), percent_decode(pair.substr(eq + 1)));
    start = end + 1;
  }
  return out;
}

}  // namespace database_url_detail

// Throws std::invalid_argument ("database URL: ...") naming the problem; the
// message never holds the password.
inline DatabaseUrl parse_database_url(const std::string& url) {
  using database_url_detail::bad_url;
  using database_url_detail::starts_with;
  DatabaseUrl out;
  if (starts_with(url, "postgresql://") || starts_with(url, "postgres://") ||
      url.find("dbname=") != std::string::npos || url.find("host=") != std::string::npos) {
    out.dialect = SqlDialect::Postgres;
    out.connect = url.find("://") != std::string::npos ? database_url_detail::postgres_uri_to_keywords(url) : url;
    out.display = mask_database_password(url);
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
    bad_url("'" + url + "' has no SQLite file path");
  }
  if (path.find('"') != std::string::npos) {
    bad_url("'" + url + "': a SQLite path cannot contain a double quote");
  }
  out.dialect = SqlDialect::Sqlite;
  out.connect = "db=\"" + path + "\" timeout=30";
  out.display = path;
  out.file = path;
  return out;
}

}  // namespace linkhub::sdk
