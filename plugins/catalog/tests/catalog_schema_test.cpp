// The catalog's own schema and database selection, through the C ABI.
#include "catalog_test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace linkhub {
namespace {

using catalog_test::CatalogTest;
using catalog_test::sample_product;
using catalog_test::small_product;

using CatalogSchema = CatalogTest;

TEST_P(CatalogSchema, RecordsItsMigrationsInItsOwnTable) {
  ok("search", Json::object());
  EXPECT_EQ(catalog_test::query_sql(url_, "SELECT version FROM catalog_schema_migrations ORDER BY version"),
            (std::vector<std::string>{"1", "2", "3", "4", "5"}));
}

TEST_P(CatalogSchema, UpgradesADatabaseOfTheFirstRelease) {
  const int64_t old_id = upsert(sample_product("1"));
  // Undo migrations 5, 4, 3 and 2 by hand: the database as a release with only migration 1 left it.
  catalog_test::exec_sql(url_,
                         {"DROP TABLE catalog_orders", "DROP TABLE catalog_order_history", "DROP TABLE catalog_reindex",
                          "DELETE FROM catalog_schema_migrations WHERE version IN (3, 4, 5)"});
  if (GetParam() == "postgres") {
    catalog_test::exec_sql(url_,
                           {"DROP INDEX catalog_products_search", "ALTER TABLE catalog_products DROP COLUMN search_tsv",
                            "DELETE FROM catalog_schema_migrations WHERE version = 2"});
  } else {
    catalog_test::exec_sql(
        url_, {"DROP TABLE catalog_products_fts", "DELETE FROM catalog_schema_migrations WHERE version = 2"});
  }
  // The plugin keeps its migrated pool per URL: the same database under another
  // spelling is opened (and migrated) afresh, as by a new process.
  FakeContext later;
  fill(later);
  if (GetParam() == "postgres") {
    const std::string rest = url_.substr(url_.find("://") + 3);
    later.database_url = (url_.rfind("postgresql://", 0) == 0 ? "postgres://" : "postgresql://") + rest;
  } else {
    later.database_url = "sqlite:" + url_;
  }
  ASSERT_NE(later.database_url, url_);
  ASSERT_EQ(catalog_test::call_step("catalog.upsert", small_product("2", "Blue suede boots"), later).status, LH_OK);
  EXPECT_EQ(catalog_test::query_sql(url_, "SELECT version FROM catalog_schema_migrations ORDER BY version"),
            (std::vector<std::string>{"1", "2", "3", "4", "5"}));
  EXPECT_EQ(catalog_test::call_step("catalog.get", {{"product_id", old_id}}, later).output["found"], true)
      << "the first release's products stay";
  const Json found = catalog_test::call_step("catalog.search", {{"query", "suede"}}, later).output;
  ASSERT_EQ(found["items"].size(), 1u) << found.dump();
  EXPECT_EQ(found["items"][0]["video_id"], "2");
  const Json old = catalog_test::call_step("catalog.search", {{"query", "sneakers"}}, later).output;
  ASSERT_EQ(old["items"].size(), 1u) << "the first release's products are indexed again: " << old.dump();
  EXPECT_EQ(old["items"][0]["video_id"], "1");
}

// Migration 5 folds every product's words again (ICU, dictionary word breaks):
// products written by a release that folded otherwise, or not at all, are
// found by the words of this one, on both backends.
TEST_P(CatalogSchema, MigrationFiveIndexesEveryProductAgain) {
  for (int i = 0; i < 600; ++i) {  // more than a page of the re-index
    upsert(small_product("bulk-" + std::to_string(i), "Bulk item " + std::to_string(i)));
  }
  const int64_t thai = upsert(small_product("thai", "เสื้อยืดสีขาว"));
  // The index as an older release left it: words it no longer matches.
  if (GetParam() == "postgres") {
    catalog_test::exec_sql(url_, {"UPDATE catalog_products SET search_tsv = to_tsvector('simple', 'stale')"});
  } else {
    catalog_test::exec_sql(url_, {"DELETE FROM catalog_products_fts",
                                  "INSERT INTO catalog_products_fts (rowid, title, tags, description) "
                                  "SELECT id, 'stale', '', '' FROM catalog_products"});
  }
  catalog_test::exec_sql(url_,
                         {"DROP TABLE catalog_reindex", "DELETE FROM catalog_schema_migrations WHERE version = 5"});
  FakeContext later;
  fill(later);
  const std::string rest = url_.substr(url_.find("://") + 3);
  later.database_url = GetParam() == "postgres"
                           ? (url_.rfind("postgresql://", 0) == 0 ? "postgres://" : "postgresql://") + rest
                           : "sqlite:" + url_;
  const auto count = [&](const std::string& query) {
    const Json out =
        catalog_test::call_step("catalog.search", {{"query", query}, {"include_total", true}}, later).output;
    return out["total"].get<int64_t>();
  };
  EXPECT_EQ(count("bulk"), 600);
  EXPECT_EQ(count("item 599"), 1);
  EXPECT_EQ(count("stale"), 0);
  const Json found = catalog_test::call_step("catalog.search", {{"query", "ยืด"}}, later).output;
  ASSERT_EQ(found["items"].size(), 1u) << found.dump();
  EXPECT_EQ(found["items"][0]["product_id"], thai);
  EXPECT_TRUE(catalog_test::query_sql(url_, "SELECT reason FROM catalog_reindex").empty()) << "the request is done";
}

TEST_P(CatalogSchema, RefusesADatabaseWithANewerCatalogSchema) {
  catalog_test::exec_sql(url_, {"CREATE TABLE catalog_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
                                "NULL, applied_ms BIGINT NOT NULL)",
                                "INSERT INTO catalog_schema_migrations VALUES (99, 'from the future', 0)"});
  const StepResult out = call("upsert", sample_product("1"));
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("catalog schema version 99 is newer than this binary knows (5)"), std::string::npos)
      << out.error;
}

TEST_P(CatalogSchema, PluginConfigDatabaseTakesPrecedenceOverTheRunDatabase) {
  const std::string own = test::fresh_database(GetParam());
  FakeContext call;
  fill(call);
  call.plugin_config = {{"database", own}};
  ASSERT_EQ(catalog_test::call_step("catalog.upsert", sample_product("1"), call).status, LH_OK);
  EXPECT_EQ(catalog_test::call_step("catalog.get", {{"source", "tiktok"}, {"video_id", "1"}}, call).output["found"],
            true);
  EXPECT_EQ(ok("get", {{"source", "tiktok"}, {"video_id", "1"}})["found"], false);  // not in the run database
}

TEST_P(CatalogSchema, CoexistsWithOtherTablesInTheRunDatabase) {
  catalog_test::exec_sql(url_, {"CREATE TABLE runs (id TEXT PRIMARY KEY)", "INSERT INTO runs VALUES ('run-1')"});
  ok("upsert", sample_product("1"));
  EXPECT_EQ(catalog_test::query_sql(url_, "SELECT id FROM runs"), std::vector<std::string>{"run-1"});
}

TEST_P(CatalogSchema, ReconnectsWhenTheServerDroppedItsSessions) {
  if (GetParam() != "postgres") {
    GTEST_SKIP() << "PostgreSQL only: a SQLite file has no server to lose";
  }
  const int64_t id = upsert(sample_product("1"));
  // The pool keeps its sessions; the server ends them (as a restart would).
  const std::string dbname = url_.substr(url_.rfind('/') + 1);
  EXPECT_FALSE(
      catalog_test::query_sql(url_, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                                        dbname + "' AND pid <> pg_backend_pid()")
          .empty());
  EXPECT_EQ(ok("get", {{"product_id", id}})["found"], true);
  EXPECT_EQ(ok("update", {{"product_id", id}, {"title", "After the restart"}})["version"], 2);
}

TEST_P(CatalogSchema, AMissingPostgresDatabaseIsAPermanentError) {
  if (GetParam() != "postgres") {
    GTEST_SKIP() << "PostgreSQL only";
  }
  FakeContext call;
  fill(call);
  call.database_url = url_.substr(0, url_.rfind('/') + 1) + "no_such_database";
  const StepResult out = catalog_test::call_step("catalog.search", Json::object(), call);
  EXPECT_EQ(out.status, LH_ERROR) << out.error;
  EXPECT_NE(out.error.find("does not exist"), std::string::npos) << out.error;
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogSchema, ::testing::ValuesIn(test::all_sql_backends()),
                         catalog_test::backend_name);

TEST(CatalogDatabaseChoice, SaysWhenThereIsNoDatabase) {
  const StepResult out = catalog_test::call_step("catalog.search", Json::object());
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("catalog.search: no database"), std::string::npos) << out.error;
}

TEST(CatalogDatabaseChoice, AnUnreachableServerIsARetryableError) {
  FakeContext call;
  call.database_url = "postgresql://nobody:secret@127.0.0.1:1/none";  // port 1: refused at once
  const StepResult out = catalog_test::call_step("catalog.search", Json::object(), call);
  EXPECT_EQ(out.status, LH_RETRYABLE) << out.error;
  EXPECT_NE(out.error.find("cannot open the database postgresql://nobody:***@127.0.0.1:1/none"), std::string::npos)
      << out.error;
  EXPECT_EQ(out.error.find("secret"), std::string::npos) << out.error;
}

TEST(CatalogDatabaseChoice, AFileThatIsNotADatabaseIsAPermanentError) {
  FakeContext call;
  call.database_url = test::fresh_database("sqlite");
  std::ofstream(call.database_url, std::ios::binary) << std::string(4096, 'x');
  const StepResult out = catalog_test::call_step("catalog.search", Json::object(), call);
  EXPECT_EQ(out.status, LH_ERROR) << out.error;
  EXPECT_NE(out.error.find("is not a SQLite database"), std::string::npos) << out.error;
}

}  // namespace
}  // namespace linkhub
