#pragma once
// Shared by the catalog plugin's tests: the steps of the built plugin through
// its C ABI on the SDK's fake host (linkhub/testing.hpp), on a fresh SQLite or
// PostgreSQL database per test, sample products, and direct SQL for checks
// the steps cannot make.

#include "checked_step.hpp"
#include "test_databases.hpp"

#include <linkhub/testing.hpp>

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace linkhub {

using Json = sdk::Json;
using sdk::testing::FakeContext;
using sdk::testing::StepResult;

namespace catalog_test {

inline std::string hash_of(char hex_digit) {
  return "sha256:" + std::string(64, hex_digit);
}

// A complete product as a workflow would save it; tests change what they need.
inline Json sample_product(const std::string& video_id) {
  return {{"source", "tiktok"},
          {"video_id", video_id},
          {"url", "https://www.tiktok.com/@shoeshop/video/" + video_id},
          {"title", "Red running sneakers"},
          {"description", "Lightweight sneakers for daily runs"},
          {"author", "Shoe Shop"},
          {"author_id", "shoeshop"},
          {"price", {{"amount", 59.99}, {"currency", "USD"}}},
          {"prices", {{{"amount", 59.99}, {"currency", "USD"}, {"text", "$59.99"}}}},
          {"category", {{"id", "sneakers"}, {"path", "fashion/shoes/sneakers"}}},
          {"tags", {"sneakers", "running"}},
          {"hashtags", {"#fyp", "#sneakers"}},
          {"cta", {"Link in bio"}},
          {"language", "en"},
          {"thumbnails", {{{"hash", hash_of('a')}, {"width", 720}, {"height", 1280}, {"format", "jpg"}}}},
          {"video", {{"hash", hash_of('b')}, {"duration_s", 12.5}}},
          {"stats", {{"plays", 1000}, {"likes", 40}}},
          {"created_at", "2024-05-01T12:00:00Z"},
          {"extra", {{"provider", "local"}}}};
}

// A product with only what a search test cares about.
inline Json small_product(const std::string& video_id, const std::string& title) {
  return {{"source", "tiktok"}, {"video_id", video_id}, {"title", title}};
}

// The plugin this build produced, loaded once per test process (its state,
// the database pools, lives until the process ends).
inline const sdk::testing::Plugin& plugin() {
  static const sdk::testing::Plugin catalog(std::filesystem::path(LINKHUB_PLUGIN_BUILD_DIR) / "linkhub_catalog.so");
  return catalog;
}

// `uses` is "catalog.<step>"; `ctx` says what the host would (the database, the keys).
inline StepResult call_step(const std::string& uses, const Json& input, FakeContext& ctx) {
  if (uses.rfind("catalog.", 0) != 0) {
    throw std::invalid_argument("not a catalog step: " + uses);
  }
  return test::run_checked_step(plugin(), uses.substr(8), ctx, input);
}

// With a host that says nothing: no database, no keys.
inline StepResult call_step(const std::string& uses, const Json& input) {
  FakeContext ctx;
  return call_step(uses, input, ctx);
}

// Runs statements on a test database directly (SQLite file or PostgreSQL URL).
inline void exec_sql(const std::string& url, const std::vector<std::string>& statements) {
  if (url.rfind("postgres", 0) == 0) {
    PGconn* conn = PQconnectdb(url.c_str());
    ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
    for (const std::string& sql : statements) {
      PGresult* r = PQexec(conn, sql.c_str());
      EXPECT_TRUE(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK)
          << sql << ": " << PQerrorMessage(conn);
      PQclear(r);
    }
    PQfinish(conn);
    return;
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(url.c_str(), &db), SQLITE_OK);
  for (const std::string& sql : statements) {
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << sql << ": " << error;
    sqlite3_free(error);
  }
  sqlite3_close(db);
}

// The first column of every row of a query, as text ("" for NULL).
inline std::vector<std::string> query_sql(const std::string& url, const std::string& sql) {
  std::vector<std::string> rows;
  if (url.rfind("postgres", 0) == 0) {
    PGconn* conn = PQconnectdb(url.c_str());
    EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
    PGresult* r = PQexec(conn, sql.c_str());
    EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << sql << ": " << PQerrorMessage(conn);
    for (int i = 0; i < PQntuples(r); ++i) {
      rows.emplace_back(PQgetvalue(r, i, 0));
    }
    PQclear(r);
    PQfinish(conn);
    return rows;
  }
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(url.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql << ": " << sqlite3_errmsg(db);
  while (st != nullptr && sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(st, 0);
    rows.emplace_back(text == nullptr ? "" : reinterpret_cast<const char*>(text));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rows;
}

// A fresh database of the parameter's backend per test; PostgreSQL tests skip
// loudly when LINKHUB_TEST_PG is not set.
class CatalogTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !test::postgres_unavailable_reason().empty()) {
      GTEST_SKIP() << "\n\n*** " << test::postgres_unavailable_reason() << " ***\n";
    }
    url_ = test::fresh_database(GetParam());
    ASSERT_FALSE(url_.empty());
  }

  // What the host says to a step of this test: its database, run and key.
  void fill(FakeContext& ctx, const std::string& idempotency_key = "") const {
    ctx.run_id = "run-1";
    ctx.step_id = "save";
    ctx.idempotency_key = idempotency_key;
    ctx.database_url = url_;
  }

  // Thread-safe: each call has a context of its own.
  StepResult call(const std::string& step, const Json& input, const std::string& idempotency_key = "") const {
    FakeContext ctx;
    fill(ctx, idempotency_key);
    return call_step("catalog." + step, input, ctx);
  }

  // The step's output; a failure of the step fails the test.
  Json ok(const std::string& step, const Json& input, const std::string& idempotency_key = "") const {
    const StepResult out = call(step, input, idempotency_key);
    EXPECT_EQ(out.status, LH_OK) << "catalog." << step << ": " << out.error;
    return out.output;
  }

  // The step's error message; success fails the test.
  std::string error(const std::string& step, const Json& input) const {
    const StepResult out = call(step, input);
    EXPECT_EQ(out.status, LH_ERROR) << "catalog." << step << " should fail permanently: " << out.output.dump();
    return out.error;
  }

  int64_t upsert(const Json& product) const { return ok("upsert", product).value("product_id", int64_t{0}); }

  // product_ids of a search's items, in order.
  std::vector<int64_t> search_ids(const Json& input) const {
    std::vector<int64_t> ids;
    const Json out = ok("search", input);  // named: a range-for over a temporary's member would dangle
    for (const Json& item : out["items"]) {
      ids.push_back(item["product_id"].get<int64_t>());
    }
    return ids;
  }

  std::string url_;
};

inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace catalog_test
}  // namespace linkhub
