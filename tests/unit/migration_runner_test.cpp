// The one migration runner (sdk/include/linkhub/migrations.hpp) that the
// engine, the server's auth tables and the catalog plugin share: over a fake
// database that records what ran, and over real SQLite and PostgreSQL.
#include "test_databases.hpp"

#include <linkhub/engine/database.hpp>
#include <linkhub/migrations.hpp>

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace linkhub {
namespace {

using sdk::Migration;
using sdk::MigrationError;
using sdk::MigrationTrack;

// A database that keeps what committed transactions did: the statements run
// and the versions recorded. A statement "fail" throws, as a database would.
struct FakeDatabase {
  std::vector<std::string> executed;
  std::vector<int> recorded;
  int transactions = 0;

  sdk::MigrationDatabase hooks() {
    sdk::MigrationDatabase db;
    db.transaction = [this](const std::function<void()>& body) {
      ++transactions;
      pending_executed_ = executed;
      pending_recorded_ = recorded;
      body();  // a throw leaves executed and recorded as they were: rolled back
      executed = pending_executed_;
      recorded = pending_recorded_;
    };
    db.execute = [this](const std::string& statement) {
      if (statement == "fail") {
        throw std::runtime_error("near \"fail\": syntax error");
      }
      pending_executed_.push_back(statement);
    };
    db.has_rows = [this](const std::string& query) { return present.count(query) > 0; };
    db.applied_version = [this] { return pending_recorded_.empty() ? 0 : pending_recorded_.back(); };
    db.record = [this](const Migration& m) { pending_recorded_.push_back(m.version); };
    return db;
  }

  std::map<std::string, bool> present;  // has_rows answers true for these queries

 private:
  std::vector<std::string> pending_executed_;
  std::vector<int> pending_recorded_;
};

MigrationTrack three_step_track() {
  return {"test", {{1, "first", {"a1", "a2"}}, {2, "second", {"b1"}}, {3, "third", {"c1"}}}};
}

TEST(MigrationRunner, AppliesTheMissingMigrationsInVersionOrder) {
  FakeDatabase fake;
  EXPECT_EQ(sdk::run_migrations(three_step_track(), fake.hooks()), 3);
  EXPECT_EQ(fake.executed, (std::vector<std::string>{"a1", "a2", "b1", "c1"}));
  EXPECT_EQ(fake.recorded, (std::vector<int>{1, 2, 3}));
}

TEST(MigrationRunner, RunningAgainChangesNothing) {
  FakeDatabase fake;
  sdk::run_migrations(three_step_track(), fake.hooks());
  const int transactions = fake.transactions;
  EXPECT_EQ(sdk::run_migrations(three_step_track(), fake.hooks()), 3);
  EXPECT_EQ(fake.executed.size(), 4u);
  EXPECT_EQ(fake.recorded, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(fake.transactions, transactions + 1) << "one look at the version, nothing else";
}

TEST(MigrationRunner, AppliesOnlyWhatANewReleaseAdded) {
  FakeDatabase fake;
  MigrationTrack old_release = three_step_track();
  old_release.migrations.pop_back();
  EXPECT_EQ(sdk::run_migrations(old_release, fake.hooks()), 2);
  EXPECT_EQ(sdk::run_migrations(three_step_track(), fake.hooks()), 3);
  EXPECT_EQ(fake.executed, (std::vector<std::string>{"a1", "a2", "b1", "c1"}));
}

TEST(MigrationRunner, AFailingMigrationLeavesTheVersionAndNamesTheMigration) {
  FakeDatabase fake;
  MigrationTrack track = three_step_track();
  track.migrations[1].statements = {"b1", "fail"};
  try {
    sdk::run_migrations(track, fake.hooks());
    FAIL() << "the failing migration was not reported";
  } catch (const MigrationError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("test migration 2 (second) failed"), std::string::npos) << what;
    EXPECT_NE(what.find("syntax error"), std::string::npos) << what;
    EXPECT_NE(what.find("stays at version 1"), std::string::npos) << what;
  }
  EXPECT_EQ(fake.recorded, (std::vector<int>{1})) << "migration 1 committed, 2 rolled back, 3 never ran";
  EXPECT_EQ(fake.executed, (std::vector<std::string>{"a1", "a2"}));
}

TEST(MigrationRunner, RefusesADatabaseNewerThanTheTrack) {
  FakeDatabase fake;
  fake.recorded = {1, 2, 3, 4};
  try {
    sdk::run_migrations(three_step_track(), fake.hooks());
    FAIL() << "a newer schema was accepted";
  } catch (const MigrationError& e) {
    EXPECT_NE(std::string(e.what()).find("test schema version 4 is newer than this binary knows (3)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(fake.executed.empty());
}

TEST(MigrationRunner, RefusesATrackOutOfOrder) {
  FakeDatabase fake;
  MigrationTrack track{"test", {{2, "second", {"b1"}}, {1, "first", {"a1"}}}};
  EXPECT_THROW(sdk::run_migrations(track, fake.hooks()), MigrationError);
  EXPECT_TRUE(fake.executed.empty());
}

TEST(MigrationRunner, RecordsWithoutRunningWhatIsAlreadyPresent) {
  FakeDatabase fake;
  fake.present["made elsewhere?"] = true;
  MigrationTrack track = three_step_track();
  track.migrations[0].already_present = [](const sdk::MigrationDatabase& db) { return db.has_rows("made elsewhere?"); };
  track.migrations[1].already_present = [](const sdk::MigrationDatabase& db) { return db.has_rows("not there"); };
  EXPECT_EQ(sdk::run_migrations(track, fake.hooks()), 3);
  EXPECT_EQ(fake.executed, (std::vector<std::string>{"b1", "c1"}));
  EXPECT_EQ(fake.recorded, (std::vector<int>{1, 2, 3}));
}

// ------------------------------------------------------------------ on real databases

class MigrationRunnerSql : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !test::postgres_unavailable_reason().empty()) {
      GTEST_SKIP() << "\n\n*** " << test::postgres_unavailable_reason() << " ***\n";
    }
    auto opened = store::Database::open(test::fresh_database(GetParam()), 2);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = std::move(*opened);
  }

  int count(const std::string& query) {
    return db_->read([&](soci::session& sql) {
      int n = 0;
      sql << query, soci::into(n);
      return n;
    });
  }

  bool table_exists(const std::string& table) {
    return count(db_->postgres() ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                                   "current_schema() AND table_name = '" +
                                       table + "'"
                                 : "SELECT COUNT(*) FROM sqlite_master WHERE name = '" + table + "'") == 1;
  }

  const store::Database::VersionTable kVersions{"test_schema_migrations", 7212999};
  std::unique_ptr<store::Database> db_;
};

TEST_P(MigrationRunnerSql, AFailedMigrationIsRolledBackWholeAndTheVersionStays) {
  MigrationTrack track{"test",
                       {{1, "one table", {"CREATE TABLE t_one (id INTEGER PRIMARY KEY)"}},
                        {2,
                         "two tables, the second bad",
                         {"CREATE TABLE t_two (id INTEGER PRIMARY KEY)", "CREATE TABLE t_bad (id NOSUCHSYNTAX (("}}}};
  auto failed = db_->migrate(track, kVersions);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("test migration 2 (two tables, the second bad) failed"), std::string::npos)
      << failed.error().message;
  EXPECT_EQ(count("SELECT MAX(version) FROM test_schema_migrations"), 1);
  EXPECT_TRUE(table_exists("t_one"));
  EXPECT_FALSE(table_exists("t_two")) << "the migration's first statement was rolled back with it";

  track.migrations[1].statements = {"CREATE TABLE t_two (id INTEGER PRIMARY KEY)"};  // the fixed release
  auto fixed = db_->migrate(track, kVersions);
  ASSERT_TRUE(fixed.ok()) << fixed.error().message;
  EXPECT_EQ(*fixed, 2);
  EXPECT_TRUE(table_exists("t_two"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM test_schema_migrations"), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, MigrationRunnerSql, ::testing::ValuesIn(test::all_sql_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace linkhub
