// A database error reaches a log without the statement and bound values SOCI
// appends to it (they can hold a run's inputs), chosen by its type.
#include <linkhub/engine/store_error.hpp>

#include <soci/soci.h>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace linkhub {
namespace {

TEST(StoreError, ADatabaseErrorLosesItsStatementAndValues) {
  soci::soci_error error("no such table: runs");
  error.add_context("while executing \"INSERT INTO runs VALUES (:inputs)\" with :inputs=\"the-users-secret\"");
  ASSERT_NE(std::string(error.what()).find("the-users-secret"), std::string::npos) << "what() carries the values";
  const std::string logged = loggable_error_message(error);
  EXPECT_NE(logged.find("no such table: runs"), std::string::npos) << logged;
  EXPECT_EQ(logged.find("the-users-secret"), std::string::npos) << logged;
  EXPECT_EQ(logged.find("INSERT"), std::string::npos) << logged;
}

TEST(StoreError, OtherExceptionsKeepTheirWholeMessage) {
  const std::runtime_error other("the disk is full while executing the backup");
  EXPECT_EQ(loggable_error_message(other), "the disk is full while executing the backup");
}

}  // namespace
}  // namespace linkhub
