#include <linkhub/engine/store_error.hpp>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <sqlite3.h>

namespace linkhub {

bool database_unavailable(const std::exception& e) {
  if (dynamic_cast<const DatabaseUnavailable*>(&e) != nullptr) {
    return true;
  }
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    const std::string state = pg->sqlstate();
    // SOCI reports a lost connection as 08000 even when the server said
    // nothing. An error without any SQLSTATE (SOCI gives five blanks) did not
    // come from the server, which always sends one: libpq made it itself,
    // e.g. "server closed the connection unexpectedly" in the middle of a
    // query while PostgreSQL restarts.
    if (state.find_first_not_of(' ') == std::string::npos) {
      return true;
    }
    return state.compare(0, 2, "08") == 0 || state == "57P01" || state == "57P02" || state == "57P03" ||
           state == "53300";
  }
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    switch (lite->result() & 0xff) {  // the primary code of an extended one
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
      case SQLITE_READONLY:
      case SQLITE_IOERR:
      case SQLITE_FULL:
      case SQLITE_CANTOPEN:
        return true;
      default:
        return false;
    }
  }
  return false;
}

std::string loggable_error_message(const std::exception& e) {
  // Every SOCI backend's error derives from soci_error, whose context (the
  // statement and its bound values) get_error_message leaves out.
  if (const auto* database = dynamic_cast<const soci::soci_error*>(&e)) {
    return database->get_error_message();
  }
  return e.what();
}

}  // namespace linkhub
