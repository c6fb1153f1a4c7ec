// catalog.stats (the console's Overview numbers) through the C ABI on SQLite
// and PostgreSQL: products and orders counted on the UTC day they were made.
#include "catalog_test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace linkhub {
namespace {

using catalog_test::CatalogTest;
using catalog_test::sample_product;

using CatalogStats = CatalogTest;

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

int64_t today() {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
  return ms.count() / kDayMs;
}

TEST_P(CatalogStats, CountsProductsAndOrdersPerDayOldestFirst) {
  const int64_t product = upsert(sample_product("s1"));
  upsert(sample_product("s2"));
  const int64_t old_product = upsert(sample_product("s3"));
  ok("order_create", {{"product_id", product}, {"quantity", 1}, {"customer_wa_id", "15551234567"}});
  const int64_t old_order =
      ok("order_create", {{"product_id", product}, {"quantity", 2}, {"customer_wa_id", "15551234567"}})["order"]["id"]
          .get<int64_t>();
  // Move one product to three days ago, one order to two days ago, and one of each out of the window.
  const int64_t day = today();
  catalog_test::exec_sql(url_, {"UPDATE catalog_products SET added_ms = " + std::to_string((day - 3) * kDayMs + 5) +
                                    " WHERE id = " + std::to_string(old_product),
                                "UPDATE catalog_orders SET created_ms = " + std::to_string((day - 2) * kDayMs + 7) +
                                    " WHERE id = " + std::to_string(old_order)});

  Json out = ok("stats", {{"days", 4}});
  ASSERT_EQ(out["products_per_day"].size(), 4u) << out.dump();
  ASSERT_EQ(out["orders_per_day"].size(), 4u);
  EXPECT_EQ(out["products_per_day"][0]["count"], 1);  // three days ago
  EXPECT_EQ(out["products_per_day"][3]["count"], 2);  // today
  EXPECT_EQ(out["orders_per_day"][1]["count"], 1);    // two days ago
  EXPECT_EQ(out["orders_per_day"][3]["count"], 1);
  EXPECT_EQ(out["orders_per_day"][0]["count"], 0);
  // Days are UTC dates, consecutive, ending today.
  EXPECT_EQ(out["products_per_day"][3]["day"].get<std::string>().size(), 10u);
  EXPECT_LT(out["products_per_day"][2]["day"].get<std::string>(), out["products_per_day"][3]["day"].get<std::string>());

  // A window of two days leaves the older ones out; the default is 14 days.
  out = ok("stats", {{"days", 2}});
  EXPECT_EQ(out["products_per_day"][0]["count"], 0);
  EXPECT_EQ(out["products_per_day"][1]["count"], 2);
  EXPECT_EQ(ok("stats", Json::object())["orders_per_day"].size(), 14u);
}

TEST_P(CatalogStats, RefusesAWindowOutOfRange) {
  EXPECT_EQ(call("stats", {{"days", 0}}).code, "invalid_input");
  EXPECT_EQ(call("stats", {{"days", 93}}).code, "invalid_input");
  EXPECT_EQ(call("stats", {{"weeks", 2}}).code, "invalid_input");
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogStats, ::testing::ValuesIn(test::all_sql_backends()),
                         catalog_test::backend_name);

}  // namespace
}  // namespace linkhub
