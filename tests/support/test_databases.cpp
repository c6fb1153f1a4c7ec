#include "test_databases.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>

namespace linkhub::test {
namespace {

std::string unique_suffix() {
  static std::atomic<int> counter{0};
  static const unsigned salt = std::random_device{}();
  return std::to_string(getpid()) + "_" + std::to_string(salt % 100000) + "_" + std::to_string(++counter);
}

}  // namespace

std::string postgres_unavailable_reason() {
  const char* url = std::getenv("LINKHUB_TEST_PG");
  if (url == nullptr || *url == 0) {
    return "LINKHUB_TEST_PG is not set: the PostgreSQL server did not start (see the test log), so the "
           "PostgreSQL half of this test was NOT RUN";
  }
  return "";
}

std::vector<std::string> all_sql_backends() {
  return {"sqlite", "postgres"};
}

std::vector<std::string> sql_backends() {
  if (postgres_unavailable_reason().empty()) {
    return {"sqlite", "postgres"};
  }
  return {"sqlite"};
}

std::string fresh_database(const std::string& backend) {
  if (backend == "sqlite") {
    const auto dir = std::filesystem::path(::testing::TempDir()) / ("linkhub-db-" + unique_suffix());
    std::filesystem::create_directories(dir);
    return (dir / "linkhub.db").string();
  }
  if (!postgres_unavailable_reason().empty()) {
    return "";
  }
  const std::string admin = std::getenv("LINKHUB_TEST_PG");
  PGconn* conn = PQconnectdb(admin.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    ADD_FAILURE() << "cannot connect to LINKHUB_TEST_PG: " << PQerrorMessage(conn);
    PQfinish(conn);
    return "";
  }
  const std::string name = "lh_test_" + unique_suffix();
  PGresult* r = PQexec(conn, ("CREATE DATABASE " + name).c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok) {
    ADD_FAILURE() << "CREATE DATABASE " << name << ": " << PQerrorMessage(conn);
  }
  PQclear(r);
  PQfinish(conn);
  if (!ok) {
    return "";
  }
  // Same server and credentials, the new database.
  const auto slash = admin.rfind('/');
  return admin.substr(0, slash + 1) + name;
}

}  // namespace linkhub::test
