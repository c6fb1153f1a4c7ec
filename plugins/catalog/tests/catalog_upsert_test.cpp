// catalog.upsert through the C ABI on SQLite and PostgreSQL: insert, update,
// idempotency keys, price history, concurrent writers.
#include "catalog_test_support.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace linkhub {
namespace {

using catalog_test::CatalogTest;
using catalog_test::hash_of;
using catalog_test::sample_product;

using CatalogUpsert = CatalogTest;

TEST_P(CatalogUpsert, InsertsANewProductThenUpdatesTheSameSourceAndVideoId) {
  const Json first = ok("upsert", sample_product("7301"));
  EXPECT_EQ(first["created"], true);
  EXPECT_EQ(first["updated"], false);
  EXPECT_EQ(first["version"], 1);
  EXPECT_GE(first["product_id"].get<int64_t>(), 1);
  EXPECT_EQ(first["product"]["title"], "Red running sneakers");
  EXPECT_EQ(first["product"]["run_id"], "run-1");

  Json changed = sample_product("7301");
  changed["title"] = "Red running sneakers, now in blue";
  const Json second = ok("upsert", changed);
  EXPECT_EQ(second["product_id"], first["product_id"]);
  EXPECT_EQ(second["created"], false);
  EXPECT_EQ(second["updated"], true);
  EXPECT_EQ(second["version"], 2);
  EXPECT_EQ(second["product"]["title"], "Red running sneakers, now in blue");
  EXPECT_EQ(second["product"]["added_at"], first["product"]["added_at"]);

  // The same content again is no change: the version stays.
  const Json third = ok("upsert", changed);
  EXPECT_EQ(third["created"], false);
  EXPECT_EQ(third["updated"], false);
  EXPECT_EQ(third["version"], 2);

  // Another source with the same video id is another product.
  Json other = sample_product("7301");
  other["source"] = "instagram";
  EXPECT_NE(ok("upsert", other)["product_id"], first["product_id"]);
}

TEST_P(CatalogUpsert, KeepsTheProductInCanonicalForm) {
  Json input = sample_product("7302");
  input["title"] = "  Spaced title  ";
  input["description"] = "";
  input["price"] = {{"amount", 20}, {"currency", "eur"}};
  input["tags"] = {"Sneakers", "running", "sneakers", "SNEAKERS", "🔥", "👟", "🔥"};
  input["hashtags"] = {"#FYP", "##deal"};
  input["language"] = "PT-BR";
  input["thumbnails"][0]["hash"] = "sha256:" + std::string(64, 'A');
  input.erase("cta");
  input.erase("stats");
  const Json product = ok("upsert", input)["product"];
  EXPECT_EQ(product["title"], "Spaced title");
  EXPECT_TRUE(product["description"].is_null());
  EXPECT_EQ(product["price"], (Json{{"amount", 20}, {"currency", "EUR"}}));
  EXPECT_EQ(product["tags"], (Json{"Sneakers", "running", "🔥", "👟"}));
  EXPECT_EQ(product["hashtags"], (Json{"FYP", "deal"}));
  EXPECT_EQ(product["language"], "pt-BR");
  EXPECT_EQ(product["thumbnails"][0]["hash"], hash_of('a'));
  EXPECT_EQ(product["thumbnails"][0]["width"], 720);
  EXPECT_EQ(product["cta"], Json::array());
  EXPECT_EQ(product["stats"], Json::object());
  EXPECT_EQ(product["extra"], (Json{{"provider", "local"}}));
  EXPECT_EQ(product["prices"][0]["text"], "$59.99");
  EXPECT_EQ(product["video"]["duration_s"], 12.5);
}

// A result with its `replayed` flag (true on a repeat of an applied key) left out.
Json first_answer(Json result) {
  result.erase("replayed");
  return result;
}

TEST_P(CatalogUpsert, TheSameIdempotencyKeyTwiceHasOneEffect) {
  const Json first = ok("upsert", sample_product("7303"), "run-1/save/0");
  const Json repeat = ok("upsert", sample_product("7303"), "run-1/save/0");
  EXPECT_FALSE(first.contains("replayed"));
  EXPECT_EQ(repeat["replayed"], true);
  EXPECT_EQ(first_answer(repeat), first);  // the very same result, created: true included
  const Json product = ok("get", {{"product_id", first["product_id"]}})["product"];
  EXPECT_EQ(product["version"], 1);
  EXPECT_EQ(product["price_history"].size(), 1u);

  // Another run changes the product; a late retry of the first step changes nothing back.
  Json cheaper = sample_product("7303");
  cheaper["price"]["amount"] = 49.99;
  EXPECT_EQ(ok("upsert", cheaper, "run-2/save/0")["version"], 2);
  EXPECT_EQ(first_answer(ok("upsert", sample_product("7303"), "run-1/save/0")), first);
  const Json after = ok("get", {{"product_id", first["product_id"]}})["product"];
  EXPECT_EQ(after["version"], 2);
  EXPECT_EQ(after["price"]["amount"], 49.99);
  EXPECT_EQ(after["price_history"].size(), 2u);
}

TEST_P(CatalogUpsert, RefusesAKeyReusedForADifferentInputOrStep) {
  ok("upsert", sample_product("7304"), "key-1");
  Json other = sample_product("7304");
  other["title"] = "Something else";
  const StepResult reused = call("upsert", other, "key-1");
  EXPECT_EQ(reused.status, LH_ERROR);
  EXPECT_NE(reused.error.find("idempotency key 'key-1' was already used with a different input"), std::string::npos)
      << reused.error;
  const StepResult by_delete = call("delete", {{"product_id", 1}}, "key-1");
  EXPECT_EQ(by_delete.status, LH_ERROR);
  EXPECT_NE(by_delete.error.find("already used by catalog.upsert"), std::string::npos) << by_delete.error;
}

TEST_P(CatalogUpsert, KeepsARowOfPriceHistoryForEveryPriceChange) {
  Json p = sample_product("7305");
  p["price"] = {{"amount", 10}, {"currency", "USD"}};
  const int64_t id = upsert(p);
  p["title"] = "Same price, new title";  // no price row
  upsert(p);
  p["price"] = {{"amount", 12.5}, {"currency", "USD"}};
  upsert(p);
  p["price"] = {{"amount", 12.5}, {"currency", "EUR"}};  // the currency alone changes the price
  upsert(p);
  p["price"] = nullptr;  // the price is gone
  upsert(p);
  p["price"] = {{"amount", 12.5}, {"currency", "EUR"}};
  FakeContext later;
  fill(later);
  later.run_id = "run-2";
  ASSERT_EQ(catalog_test::call_step("catalog.upsert", p, later).status, LH_OK);

  const Json history = ok("get", {{"product_id", id}})["product"]["price_history"];
  ASSERT_EQ(history.size(), 5u) << history.dump();
  const std::vector<Json> amounts = {10, 12.5, 12.5, nullptr, 12.5};
  const std::vector<Json> currencies = {"USD", "USD", "EUR", nullptr, "EUR"};
  for (size_t i = 0; i < history.size(); ++i) {
    EXPECT_EQ(history[i]["amount"], amounts[i]) << i;
    EXPECT_EQ(history[i]["currency"], currencies[i]) << i;
    EXPECT_TRUE(history[i]["at"].is_string());
  }
  EXPECT_EQ(history[0]["run_id"], "run-1");
  EXPECT_EQ(history[4]["run_id"], "run-2");
  EXPECT_GE(history[4]["at"].get<std::string>(), history[0]["at"].get<std::string>());
}

TEST_P(CatalogUpsert, ConcurrentUpsertsOfOneProductLeaveOneProduct) {
  constexpr int kThreads = 8;
  std::vector<StepResult> outcomes(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Json p = sample_product("7306");
      p["title"] = "Writer " + std::to_string(i);
      outcomes[i] = call("upsert", p, "writer-" + std::to_string(i));
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  int created = 0;
  std::set<int64_t> ids;
  std::set<int64_t> versions;
  for (const StepResult& out : outcomes) {
    ASSERT_EQ(out.status, LH_OK) << out.error;
    created += out.output["created"].get<bool>() ? 1 : 0;
    ids.insert(out.output["product_id"].get<int64_t>());
    versions.insert(out.output["version"].get<int64_t>());
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(ids.size(), 1u);
  // The writes were serialised: each saw the one before and got the next version.
  EXPECT_EQ(versions, (std::set<int64_t>{1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(ok("search", {{"source", "tiktok"}, {"include_total", true}})["total"], 1);
  EXPECT_EQ(catalog_test::query_sql(url_, "SELECT COUNT(*) FROM catalog_products"), std::vector<std::string>{"1"});
}

TEST_P(CatalogUpsert, ConcurrentRetriesOfOneStepApplyItOnce) {
  constexpr int kThreads = 6;
  std::vector<StepResult> outcomes(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { outcomes[i] = call("upsert", sample_product("7307"), "same"); });
  }
  for (auto& t : threads) {
    t.join();
  }
  for (const StepResult& out : outcomes) {
    ASSERT_EQ(out.status, LH_OK) << out.error;
    EXPECT_EQ(first_answer(out.output), first_answer(outcomes[0].output));
  }
  EXPECT_EQ(outcomes[0].output["created"], true);
  EXPECT_EQ(catalog_test::query_sql(url_, "SELECT COUNT(*) FROM catalog_price_history"), std::vector<std::string>{"1"});
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogUpsert, ::testing::ValuesIn(test::all_sql_backends()),
                         catalog_test::backend_name);

}  // namespace
}  // namespace linkhub
