#pragma once
// Fresh databases for tests: a new SQLite file, or a new database on the
// PostgreSQL server that scripts/test.sh starts (LINKHUB_TEST_PG). Each test
// gets its own, so tests running in parallel never see each other's runs.

#include <string>
#include <vector>

namespace linkhub::test {

// "sqlite" and, when LINKHUB_TEST_PG is set, "postgres".
std::vector<std::string> sql_backends();
// Every backend, including "postgres" even when it is unavailable (tests then skip, loudly).
std::vector<std::string> all_sql_backends();

// A URL for a new, empty database of `backend`; empty when PostgreSQL is not available.
std::string fresh_database(const std::string& backend);

// Why PostgreSQL tests are skipped (empty when they are not).
std::string postgres_unavailable_reason();

}  // namespace linkhub::test
