#pragma once
// What a store operation's exception may say in a log, and whether it means
// that the database cannot be reached for now.

#include <exception>
#include <stdexcept>
#include <string>

namespace linkhub {

// The database is unreachable or refuses work for now: the connection was
// lost (a server restart, a failover, a network blip), no new connection
// can be made, or SQLite's file stayed locked or unwritable past the busy
// timeout. The same operation may succeed later; callers back off and retry
// (nodes), or answer 503 database_unreachable with Retry-After (the server).
// The message names the database and never holds a password or a statement.
class DatabaseUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// True for DatabaseUnavailable and for a database library error whose
// classification means an outage: PostgreSQL SQLSTATE class 08 (connection
// exception), 57P01-57P03 (the server shuts down or starts), 53300 (too
// many connections); SQLite BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN.
// Constraint violations, bad statements and the rest are not: retrying them
// fails again. Chosen by code, never by searching the message.
bool database_unavailable(const std::exception& e);

// The exception's message without what the database library appends about
// the failed statement (SOCI's " while executing ... with :inputs=...", which
// can hold a run's inputs or a user's data). Chosen by the exception's type,
// never by searching its text; other exceptions give what() unchanged.
std::string loggable_error_message(const std::exception& e);

}  // namespace linkhub
