// The connection layer without processes: error classification, a session
// whose connection died replaced before it is used again, a write that lost
// its connection mid-transaction reported (not retried), the backoff gate
// while no connection can be made, and SQLite's lock as an outage.
#include "test_databases.hpp"

#include <linkhub/engine/database.hpp>
#include <linkhub/engine/sql_store.hpp>
#include <linkhub/engine/store_error.hpp>

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace linkhub {
namespace {

using store::Backoff;
using store::Database;
using namespace std::chrono_literals;

TEST(Backoff, DoublesFromTheFirstDelayUpToTheCapWithJitterInTheUpperHalf) {
  const Backoff b{100ms, 1000ms};
  EXPECT_EQ(b.delay(1, 1.0), 100ms);
  EXPECT_EQ(b.delay(1, 0.0), 50ms);
  EXPECT_EQ(b.delay(2, 1.0), 200ms);
  EXPECT_EQ(b.delay(4, 1.0), 800ms);
  EXPECT_EQ(b.delay(5, 1.0), 1000ms);  // capped
  EXPECT_EQ(b.delay(60, 1.0), 1000ms);
  EXPECT_EQ(b.delay(60, 0.0), 500ms);
  const auto middle = b.delay(3, 0.5);
  EXPECT_GT(middle, 200ms);
  EXPECT_LT(middle, 400ms);
}

// --------------------------------------------------------------- SQLite

std::unique_ptr<Database> open_or_fail(const std::string& url, size_t pool = 1) {
  auto db = Database::open(url, pool);
  if (!db) {
    ADD_FAILURE() << db.error().message;
    return nullptr;
  }
  return std::move(*db);
}

// scripts/chaos.sh found it: a query cut off by a PostgreSQL restart fails
// inside libpq ("server closed the connection unexpectedly") with no SQLSTATE,
// which SOCI reports as five blanks; the server sends a code with every error
// of its own.
TEST(DatabaseErrors, APostgresErrorWithoutSqlstateIsAnOutageOneWithAServerCodeIsNot) {
  EXPECT_TRUE(database_unavailable(soci::postgresql_soci_error(
      "Cannot execute query. Fatal error. server closed the connection unexpectedly", "     ")));
  EXPECT_TRUE(database_unavailable(soci::postgresql_soci_error("connection lost", "08006")));
  EXPECT_TRUE(database_unavailable(soci::postgresql_soci_error("terminating connection", "57P01")));
  EXPECT_FALSE(database_unavailable(soci::postgresql_soci_error("duplicate key value", "23505")));
  EXPECT_FALSE(database_unavailable(soci::postgresql_soci_error("syntax error", "42601")));
}

TEST(DatabaseSqlite, AConstraintViolationIsAnSqlErrorNotAnOutage) {
  auto db = open_or_fail(test::fresh_database("sqlite"));
  ASSERT_TRUE(db);
  db->write([](soci::session& sql) { sql << "CREATE TABLE t (id INTEGER PRIMARY KEY)"; });
  db->write([](soci::session& sql) { sql << "INSERT INTO t (id) VALUES (1)"; });
  try {
    db->write([](soci::session& sql) { sql << "INSERT INTO t (id) VALUES (1)"; });
    FAIL() << "a duplicate key was accepted";
  } catch (const DatabaseUnavailable& e) {
    FAIL() << "a constraint violation was taken for an outage: " << e.what();
  } catch (const std::exception& e) {
    EXPECT_FALSE(database_unavailable(e)) << e.what();
  }
  // The session is still good, and the failed transaction left nothing.
  int rows = 0;
  db->read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM t", soci::into(rows); });
  EXPECT_EQ(rows, 1);
  EXPECT_FALSE(db->unreachable());
}

// Another program holds the write lock (BEGIN EXCLUSIVE) past the busy
// timeout: the write fails as an outage; once the lock goes, writes work.
// (This is what `linkhub` sees when its SQLite file cannot be written for a
// while; unlike chmod, a lock stops writers even when the tests run as root.)
TEST(DatabaseSqlite, AFileLockedPastTheBusyTimeoutIsAnOutageUntilTheLockGoes) {
  const std::string url = test::fresh_database("sqlite");
  ::setenv("LINKHUB_SQLITE_BUSY_TIMEOUT_MS", "50", 1);
  auto db = open_or_fail(url);
  ::unsetenv("LINKHUB_SQLITE_BUSY_TIMEOUT_MS");
  ASSERT_TRUE(db);
  db->write([](soci::session& sql) { sql << "CREATE TABLE t (id INTEGER PRIMARY KEY)"; });

  soci::session locker(*soci::factory_sqlite3(), url);
  locker << "BEGIN EXCLUSIVE";
  try {
    db->write([](soci::session& sql) { sql << "INSERT INTO t (id) VALUES (1)"; });
    FAIL() << "the write went through a held lock";
  } catch (const DatabaseUnavailable& e) {
    EXPECT_NE(std::string(e.what()).find(url), std::string::npos) << "the message names the database: " << e.what();
  }
  locker << "COMMIT";
  db->write([](soci::session& sql) { sql << "INSERT INTO t (id) VALUES (1)"; });
  int rows = 0;
  db->read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM t", soci::into(rows); });
  EXPECT_EQ(rows, 1);
}

// The WAL header's checkpoint sequence number (sqlite.org/fileformat2.html,
// "WAL File Format": bytes 12-15, big-endian), which a commit that starts
// the WAL again from its beginning increments.
uint32_t wal_restarts(const std::filesystem::path& wal) {
  std::ifstream in(wal, std::ios::binary);
  unsigned char header[16] = {};
  in.read(reinterpret_cast<char*>(header), sizeof header);
  return (uint32_t{header[12]} << 24) | (uint32_t{header[13]} << 16) | (uint32_t{header[14]} << 8) | header[15];
}

// Checkpoints are made off the committing thread (Database::checkpoint_loop)
// and still leave the WAL wholly copied while other commits go on, so a
// later commit starts it again from its beginning: after each transaction of
// ~1,200 pages the WAL is started again, instead of growing by one each.
TEST(DatabaseSqlite, CheckpointsCopyTheWalInTheBackgroundAndTheWalIsReused) {
  const std::string url = test::fresh_database("sqlite");
  auto db = open_or_fail(url, 2);
  ASSERT_TRUE(db);
  db->write([](soci::session& sql) {
    sql << "CREATE TABLE t (id INTEGER PRIMARY KEY, blob TEXT NOT NULL)";
    sql << "CREATE TABLE small (id INTEGER PRIMARY KEY)";
  });
  const std::filesystem::path wal = db->sqlite_file() + "-wal";
  // Small commits all along (bounded: 200,000 at most).
  std::atomic<bool> done{false};
  std::thread other([&] {
    for (int i = 0; i < 200000 && !done; ++i) {
      db->write([&](soci::session& sql) { sql << "INSERT INTO small (id) VALUES (:id)", soci::use(i); });
    }
  });
  const std::string blob(4000, 'x');  // about a page a row
  constexpr int kRows = 1200;         // past the 1,000 pages that ask for a checkpoint
  bool restarted = true;
  for (int round = 0; round < 4 && restarted; ++round) {
    db->write([&](soci::session& sql) {
      for (int i = 0; i < kRows; ++i) {
        const int id = round * kRows + i;
        sql << "INSERT INTO t (id, blob) VALUES (:id, :b)", soci::use(id), soci::use(blob);
      }
    });
    const uint32_t before = wal_restarts(wal);
    restarted = false;  // bounded: 60 s at most
    for (int i = 0; i < 600 && !restarted; ++i) {
      restarted = wal_restarts(wal) != before;
      if (!restarted) {
        std::this_thread::sleep_for(100ms);
      }
    }
    EXPECT_TRUE(restarted) << "round " << round << ": the WAL (" << std::filesystem::file_size(wal)
                           << " bytes) was not started again: never wholly copied";
  }
  done = true;
  other.join();
  EXPECT_GT(db->checkpoints(), 0u) << "copied by the checkpointer, not by the commits";
  int rows = 0;
  db->read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM t", soci::into(rows); });
  EXPECT_EQ(rows, 4 * kRows);
}

// --------------------------------------------------------------- PostgreSQL

class DatabasePostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::postgres_unavailable_reason().empty()) {
      GTEST_SKIP() << "\n\n*** " << test::postgres_unavailable_reason() << " ***\n";
    }
    url_ = test::fresh_database("postgres");
    ASSERT_FALSE(url_.empty());
    db_ = open_or_fail(url_, 2);
    ASSERT_TRUE(db_);
    db_->write([](soci::session& sql) { sql << "CREATE TABLE t (id INTEGER PRIMARY KEY)"; });
  }

  // SQL on a connection of the test's own to the same database.
  std::string admin(const std::string& statement) {
    PGconn* conn = PQconnectdb(sdk::parse_database_url(url_).connect.c_str());
    EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
    PGresult* r = PQexec(conn, statement.c_str());
    const auto status = PQresultStatus(r);
    EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) << statement << ": " << PQerrorMessage(conn);
    std::string value = status == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    PQclear(r);
    PQfinish(conn);
    return value;
  }

  // Ends every session of the pool on the server side, as a restart does.
  void kill_pool_connections() {
    admin(
        // With a timeout, pg_terminate_backend returns once the backend is gone.
        "SELECT COUNT(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity WHERE datname = current_database() AND "
        "pid <> pg_backend_pid()");
  }

  // A run record for the store's tests below: workflow "w", no inputs.
  static RunRecord fresh_run() {
    RunRecord fresh;
    fresh.workflow = "w";
    fresh.workflow_hash = "h";
    fresh.inputs = Json::object();
    return fresh;
  }

  int count() {
    int rows = 0;
    db_->read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM t", soci::into(rows); });
    return rows;
  }

  std::string url_;
  std::unique_ptr<Database> db_;
};

TEST_F(DatabasePostgres, SessionsWhoseConnectionsDiedAreReplacedBeforeTheirNextUse) {
  kill_pool_connections();
  // Both pooled sessions are dead; each is found so at BEGIN (or at a read)
  // and reopened, and the caller sees nothing of it.
  db_->write([](soci::session& sql) { sql << "INSERT INTO t (id) VALUES (1)"; });
  db_->write([](soci::session& sql) { sql << "INSERT INTO t (id) VALUES (2)"; });
  kill_pool_connections();
  EXPECT_EQ(count(), 2);
  EXPECT_EQ(count(), 2);
  EXPECT_FALSE(db_->unreachable());
}

// A run's batch on PostgreSQL is one pipelined transaction, committed at its
// Sync (Database::write_pipelined). On sessions whose connections died while
// idle (a restart) nothing of it reached the server: it is sent once more on
// new ones, and its events keep their numbers one by one.
TEST_F(DatabasePostgres, ARunsBatchOnConnectionsThatDiedIsSentOnNewOnesWithItsEventsNumberedOneByOne) {
  auto opened = SqlStore::open(url_, 2);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  SqlStore& store = **opened;
  const CreatedRun created = store.create_claimed_run(fresh_run(), "node-a", std::chrono::seconds(60));
  ASSERT_TRUE(created.claimed);
  const RunRecord& run = created.run;
  auto batch = [&](const std::string& step) {
    StepRecord rec;
    rec.run_id = run.id;
    rec.step_id = step;
    rec.attempt = 1;
    rec.status = StepStatus::Succeeded;
    rec.output = Json{{"step", step}};
    std::vector<RunWrite> writes;
    writes.push_back(RunWrite{RunWrite::Kind::transition, rec, {}, EventRecord{run.id, 0, 0, "step.succeeded", step}});
    writes.push_back(RunWrite{RunWrite::Kind::event, {}, {}, EventRecord{run.id, 0, 0, "step.log", step}});
    return writes;
  };
  auto first = batch("a");
  ASSERT_EQ(store.write_all(run.id, first, run.lease_epoch), LeaseWrite::done);

  kill_pool_connections();
  auto second = batch("b");
  EXPECT_EQ(store.write_all(run.id, second, run.lease_epoch), LeaseWrite::done);
  kill_pool_connections();
  auto stale = batch("c");
  EXPECT_EQ(store.write_all(run.id, stale, run.lease_epoch + 1), LeaseWrite::stale);
  auto third = batch("d");
  EXPECT_EQ(store.write_all(run.id, third, run.lease_epoch), LeaseWrite::done);

  std::vector<std::string> seen;
  int64_t seq = 0;
  for (const EventRecord& e : store.get_events(run.id, 0, 100)) {
    EXPECT_EQ(e.seq, ++seq) << "numbered one by one";
    seen.push_back(e.type + " " + e.step_id);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"run.created ", "step.succeeded a", "step.log a", "step.succeeded b",
                                            "step.log b", "step.succeeded d", "step.log d"}));
  std::vector<std::string> steps;
  for (const StepRecord& st : store.get_steps(run.id)) {
    steps.push_back(st.step_id);
    EXPECT_EQ(st.output, (Json{{"step", st.step_id}}));
  }
  EXPECT_EQ(steps, (std::vector<std::string>{"a", "b", "d"}));
}

// PostgreSQL's claim is one statement outside a transaction (no BEGIN to
// find a dead connection at): on sessions that died while idle (a restart)
// it is sent once more on new ones, so a node claims at once instead of
// reporting an outage and backing off.
TEST_F(DatabasePostgres, AClaimOnConnectionsThatDiedIsSentOnNewOnes) {
  auto opened = SqlStore::open(url_, 2);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  SqlStore& store = **opened;
  const RunRecord first = store.create_run(fresh_run());
  const RunRecord second = store.create_run(fresh_run());
  kill_pool_connections();
  const auto claimed = store.claim_runs("node-a", 1, std::chrono::seconds(60));
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, first.id);
  kill_pool_connections();
  const auto next = store.claim_runs("node-a", 5, std::chrono::seconds(60));
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].id, second.id);
  EXPECT_FALSE(store.database().unreachable());
}

TEST_F(DatabasePostgres, AConnectionLostInsideATransactionIsReportedAndNotRetried) {
  int calls = 0;
  try {
    db_->write([&](soci::session& sql) {
      ++calls;
      sql << "INSERT INTO t (id) VALUES (1)";
      kill_pool_connections();
      sql << "INSERT INTO t (id) VALUES (2)";
    });
    FAIL() << "a write whose connection died went through";
  } catch (const DatabaseUnavailable& e) {
    EXPECT_EQ(std::string(e.what()).find("password"), std::string::npos);
  }
  EXPECT_EQ(calls, 1) << "a transaction that may have been half done must not run again by itself";
  // Nothing of it was committed, and the next write works on a new connection.
  EXPECT_EQ(count(), 0);
  db_->write([](soci::session& sql) { sql << "INSERT INTO t (id) VALUES (3)"; });
  EXPECT_EQ(count(), 1);
}

TEST_F(DatabasePostgres, ConstraintAndStatementErrorsPassThroughAndKeepTheSession) {
  db_->write([](soci::session& sql) { sql << "INSERT INTO t (id) VALUES (1)"; });
  for (const char* statement : {"INSERT INTO t (id) VALUES (1)", "INSERT INTO no_such_table VALUES (1)"}) {
    try {
      db_->write([&](soci::session& sql) { sql << statement; });
      FAIL() << statement << " went through";
    } catch (const DatabaseUnavailable& e) {
      FAIL() << statement << ": taken for an outage: " << e.what();
    } catch (const std::exception& e) {
      EXPECT_FALSE(database_unavailable(e)) << e.what();
    }
  }
  EXPECT_EQ(count(), 1);
  EXPECT_FALSE(db_->unreachable());
}

// No connection can be made (here: the role may no longer connect to the
// database). The pool says so at once for the backoff's delay instead of
// dialling again on every call, and connects again once it can.
TEST_F(DatabasePostgres, WhileNoConnectionCanBeMadeCallsFailFastUntilTheBackoffLetsAnAttemptThrough) {
  // The test's own connection, opened before the door closes, opens it again.
  PGconn* keeper = PQconnectdb(sdk::parse_database_url(url_).connect.c_str());
  ASSERT_EQ(PQstatus(keeper), CONNECTION_OK) << PQerrorMessage(keeper);
  auto exec = [&](const std::string& statement) {
    PGresult* r = PQexec(keeper, statement.c_str());
    EXPECT_TRUE(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK)
        << statement << ": " << PQerrorMessage(keeper);
    PQclear(r);
  };
  const std::string database = admin("SELECT current_database()");
  exec("REVOKE CONNECT ON DATABASE " + database + " FROM PUBLIC, CURRENT_USER");
  exec(
      "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = current_database() AND "
      "pid <> pg_backend_pid()");

  EXPECT_THROW(db_->write([](soci::session& sql) { sql << "INSERT INTO t (id) VALUES (1)"; }), DatabaseUnavailable);
  EXPECT_TRUE(db_->unreachable());
  try {
    count();
    FAIL() << "a read went through with no connection";
  } catch (const DatabaseUnavailable& e) {
    // Within the backoff (100 ms at most after one failure) the pool does not dial.
    if (db_->retry_in().count() > 0) {
      EXPECT_NE(std::string(e.what()).find("next connection attempt"), std::string::npos) << e.what();
    }
  }

  exec("GRANT CONNECT ON DATABASE " + database + " TO PUBLIC, CURRENT_USER");
  PQfinish(keeper);
  // Bounded: the backoff grows to 5 s at most, so 200 tries span well past it.
  bool written = false;
  for (int attempt = 0; attempt < 200 && !written; ++attempt) {
    try {
      db_->write([](soci::session& sql) { sql << "INSERT INTO t (id) VALUES (1)"; });
      written = true;
    } catch (const DatabaseUnavailable&) {
      std::this_thread::sleep_for(db_->retry_in() + 1ms);  // the pool's own backoff, not a guess
    }
  }
  ASSERT_TRUE(written);
  EXPECT_FALSE(db_->unreachable());
  EXPECT_EQ(count(), 1);
}

}  // namespace
}  // namespace linkhub
