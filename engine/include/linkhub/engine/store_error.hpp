#pragma once
// What a store operation's exception may say in a log.

#include <exception>
#include <string>

namespace linkhub {

// The exception's message without what the database library appends about
// the failed statement (SOCI's " while executing ... with :inputs=...", which
// can hold a run's inputs or a user's data). Chosen by the exception's type,
// never by searching its text; other exceptions give what() unchanged.
std::string loggable_error_message(const std::exception& e);

}  // namespace linkhub
