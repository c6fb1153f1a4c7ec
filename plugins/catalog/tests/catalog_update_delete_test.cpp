// catalog.update and catalog.delete through the C ABI on SQLite and PostgreSQL.
#include "catalog_test_support.hpp"

#include <gtest/gtest.h>

namespace linkhub {
namespace {

using catalog_test::CatalogTest;
using catalog_test::sample_product;

using CatalogUpdateDelete = CatalogTest;

TEST_P(CatalogUpdateDelete, UpdateChangesOnlyTheGivenFieldsAndRecordsThePrice) {
  const int64_t id = upsert(sample_product("9001"));
  const Json out = ok("update", {{"product_id", id},
                                 {"title", "Blue trail shoes"},
                                 {"price", {{"amount", 49.5}, {"currency", "USD"}}},
                                 {"category", {{"id", "trail"}, {"path", "fashion/shoes/trail"}}},
                                 {"tags", {"trail"}}});
  EXPECT_EQ(out["found"], true);
  EXPECT_EQ(out["updated"], true);
  EXPECT_EQ(out["version"], 2);
  const Json product = out["product"];
  EXPECT_EQ(product["title"], "Blue trail shoes");
  EXPECT_EQ(product["description"], "Lightweight sneakers for daily runs");  // untouched
  EXPECT_EQ(product["price"]["amount"], 49.5);
  EXPECT_EQ(product["category"]["path"], "fashion/shoes/trail");

  const Json read = ok("get", {{"product_id", id}})["product"];
  EXPECT_EQ(read["title"], "Blue trail shoes");
  EXPECT_EQ(read["price_history"].size(), 2u);
  // The search index follows the edit.
  EXPECT_EQ(search_ids({{"query", "trail"}}), std::vector<int64_t>{id});
  EXPECT_TRUE(search_ids({{"query", "running"}}).empty());
  EXPECT_EQ(search_ids({{"category", "trail"}}), std::vector<int64_t>{id});

  // The same values again change nothing.
  const Json again = ok("update", {{"product_id", id}, {"title", "Blue trail shoes"}});
  EXPECT_EQ(again["updated"], false);
  EXPECT_EQ(again["version"], 2);
  // null clears the price, and that is a price change too.
  EXPECT_TRUE(ok("update", {{"product_id", id}, {"price", nullptr}})["product"]["price"].is_null());
  EXPECT_EQ(ok("get", {{"product_id", id}})["product"]["price_history"].size(), 3u);
}

TEST_P(CatalogUpdateDelete, UpdateOfAMissingProductIsFoundFalse) {
  const Json out = ok("update", {{"product_id", 777}, {"title", "x"}});
  EXPECT_EQ(out["found"], false);
  EXPECT_EQ(out["updated"], false);
  EXPECT_TRUE(out["product"].is_null());
}

TEST_P(CatalogUpdateDelete, UpdateChecksItsInputLikeAnUpsert) {
  const int64_t id = upsert(sample_product("9002"));
  const std::string fixed = error("update", {{"product_id", id}, {"video_id", "other"}});
  EXPECT_NE(fixed.find("`video_id` is not an input of this step"), std::string::npos) << fixed;
  const std::string nothing = error("update", {{"product_id", id}});
  EXPECT_NE(nothing.find("changes nothing"), std::string::npos) << nothing;
  const std::string giant = error("update", {{"product_id", id}, {"title", std::string(501, 'x')}});
  EXPECT_NE(giant.find("`title` is 501 characters long; at most 500 are allowed"), std::string::npos) << giant;
  const std::string price = error("update", {{"product_id", id}, {"price", {{"amount", -1}, {"currency", "USD"}}}});
  EXPECT_NE(price.find("`price.amount` must be between 0 and 1e12"), std::string::npos) << price;
  EXPECT_EQ(ok("get", {{"product_id", id}})["product"]["version"], 1);  // nothing was written
}

TEST_P(CatalogUpdateDelete, UpdateWithAnIdempotencyKeyAppliesOnce) {
  const int64_t id = upsert(sample_product("9003"));
  const Json edit = {{"product_id", id}, {"price", {{"amount", 1}, {"currency", "USD"}}}};
  const Json first = ok("update", edit, "update-key");
  ok("update", {{"product_id", id}, {"price", {{"amount", 2}, {"currency", "USD"}}}});
  EXPECT_EQ(ok("update", edit, "update-key"), first);
  const Json product = ok("get", {{"product_id", id}})["product"];
  EXPECT_EQ(product["price"]["amount"], 2);
  EXPECT_EQ(product["price_history"].size(), 3u);
}

TEST_P(CatalogUpdateDelete, DeletingTwiceIsNoError) {
  const int64_t id = upsert(sample_product("9004"));
  EXPECT_EQ(ok("delete", {{"product_id", id}}), (Json{{"product_id", id}, {"deleted", true}}));
  EXPECT_EQ(ok("delete", {{"product_id", id}}), (Json{{"product_id", id}, {"deleted", false}}));
  EXPECT_EQ(ok("get", {{"product_id", id}})["found"], false);
  EXPECT_TRUE(search_ids({{"query", "sneakers"}}).empty());
  EXPECT_EQ(catalog_test::query_sql(url_, "SELECT COUNT(*) FROM catalog_price_history"), std::vector<std::string>{"0"});
  // Saved again, it is a new product with a new id.
  EXPECT_GT(upsert(sample_product("9004")), id);
}

TEST_P(CatalogUpdateDelete, ARetriedDeleteRepeatsItsFirstAnswer) {
  const int64_t id = upsert(sample_product("9005"));
  EXPECT_EQ(ok("delete", {{"product_id", id}}, "delete-key")["deleted"], true);
  EXPECT_EQ(ok("delete", {{"product_id", id}}, "delete-key")["deleted"], true);
  EXPECT_EQ(ok("delete", {{"product_id", id}})["deleted"], false);
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogUpdateDelete, ::testing::ValuesIn(test::all_sql_backends()),
                         catalog_test::backend_name);

}  // namespace
}  // namespace linkhub
