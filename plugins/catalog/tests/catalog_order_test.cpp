// The order steps (catalog.order_create, _get, _list, _update) through the C
// ABI on SQLite and PostgreSQL.
#include "catalog_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdio>

namespace linkhub {
namespace {

using catalog_test::CatalogTest;
using catalog_test::sample_product;
using catalog_test::small_product;

using CatalogOrders = CatalogTest;

std::string number_of(int64_t id) {
  char text[32];
  std::snprintf(text, sizeof text, "LH-%06lld", static_cast<long long>(id));
  return text;
}

Json order_input(int64_t product_id, int64_t quantity, const std::string& wa_id = "15551234567") {
  return {{"product_id", product_id}, {"quantity", quantity}, {"customer_wa_id", wa_id}};
}

TEST_P(CatalogOrders, CreateCopiesThePriceAtOrderTime) {
  const int64_t product = upsert(sample_product("o1"));  // 59.99 USD
  Json input = order_input(product, 2);
  input["customer_name"] = "Ana";
  input["note"] = "gift wrap please";
  const Json order = ok("order_create", input)["order"];
  const int64_t id = order["id"].get<int64_t>();
  EXPECT_EQ(order["number"], number_of(id));
  EXPECT_EQ(order["product_id"], product);
  EXPECT_EQ(order["product_title"], "Red running sneakers");
  EXPECT_EQ(order["quantity"], 2);
  EXPECT_TRUE(order["variant"].is_null());
  EXPECT_EQ(order["unit_price"], (Json{{"amount", 59.99}, {"currency", "USD"}}));
  EXPECT_EQ(order["total"], (Json{{"amount", 119.98}, {"currency", "USD"}}));
  EXPECT_EQ(order["customer_wa_id"], "15551234567");
  EXPECT_EQ(order["customer_name"], "Ana");
  EXPECT_EQ(order["status"], "requested");
  ASSERT_EQ(order["history"].size(), 1u);
  EXPECT_EQ(order["history"][0]["status"], "requested");
  EXPECT_EQ(order["history"][0]["note"], "gift wrap please");
  EXPECT_EQ(order["history"][0]["by"], "15551234567");
  EXPECT_EQ(order["created_ms"], order["updated_ms"]);

  // The product gets cheaper and renamed: the order keeps what the customer agreed to.
  ok("update", {{"product_id", product}, {"price", {{"amount", 10}, {"currency", "EUR"}}}, {"title", "Sale"}});
  const Json read = ok("order_get", {{"id", id}})["order"];
  EXPECT_EQ(read["unit_price"], (Json{{"amount", 59.99}, {"currency", "USD"}}));
  EXPECT_EQ(read["total"]["amount"], 119.98);
  EXPECT_EQ(read["product_title"], "Red running sneakers");
  // A new order takes the new price.
  EXPECT_EQ(ok("order_create", order_input(product, 3))["order"]["total"], (Json{{"amount", 30}, {"currency", "EUR"}}));
  // The number names the same order.
  EXPECT_EQ(ok("order_get", {{"id", number_of(id)}})["order"]["id"], id);
}

TEST_P(CatalogOrders, TheSameIdempotencyKeyMakesOneOrder) {
  const int64_t product = upsert(sample_product("o2"));
  const Json input = order_input(product, 1);
  const Json first = ok("order_create", input, "run-1/order");
  EXPECT_FALSE(first.contains("replayed"));
  const Json again = ok("order_create", input, "run-1/order");
  EXPECT_EQ(again["replayed"], true);
  EXPECT_EQ(again["order"], first["order"]);
  EXPECT_EQ(catalog_test::query_sql(url_, "SELECT COUNT(*) FROM catalog_orders"), std::vector<std::string>{"1"});
  // A replay after the order moved on shows it as it is now, still one order.
  ok("order_update", {{"id", first["order"]["id"]}, {"status", "confirmed"}});
  EXPECT_EQ(ok("order_create", input, "run-1/order")["order"]["status"], "confirmed");
  // Another call (no key, or another key) is another order.
  EXPECT_NE(ok("order_create", input, "run-2/order")["order"]["id"], first["order"]["id"]);
  EXPECT_EQ(catalog_test::query_sql(url_, "SELECT COUNT(*) FROM catalog_orders"), std::vector<std::string>{"2"});
  // The key with another input is refused: a retry must repeat its request.
  FakeContext ctx;
  fill(ctx, "run-1/order");
  const StepResult reused = catalog_test::call_step("catalog.order_create", order_input(product, 5), ctx);
  EXPECT_EQ(reused.status, LH_ERROR);
  EXPECT_EQ(reused.code, "conflict");
  EXPECT_EQ(reused.details["reason"], "idempotency_key_reused");
}

TEST_P(CatalogOrders, RefusesUnknownProductsProductsWithoutAPriceAndBadQuantities) {
  const StepResult unknown = call("order_create", order_input(4242, 1));
  EXPECT_EQ(unknown.status, LH_ERROR);
  EXPECT_EQ(unknown.code, "not_found");
  EXPECT_NE(unknown.error.find("no product with id 4242"), std::string::npos) << unknown.error;

  const int64_t unpriced = upsert(small_product("o3", "Mystery box"));
  const StepResult no_price = call("order_create", order_input(unpriced, 1));
  EXPECT_EQ(no_price.status, LH_ERROR);
  EXPECT_EQ(no_price.code, "no_price");
  EXPECT_NE(no_price.error.find("product " + std::to_string(unpriced) + " has no price"), std::string::npos)
      << no_price.error;

  const int64_t product = upsert(sample_product("o4"));
  for (const int64_t quantity : {0, 1000, -1}) {
    const StepResult bad = call("order_create", order_input(product, quantity));
    EXPECT_EQ(bad.status, LH_ERROR) << quantity;
    EXPECT_EQ(bad.code, "invalid_input") << quantity;
    EXPECT_NE(bad.error.find("`quantity` must be a whole number from 1 to 999"), std::string::npos) << bad.error;
  }
  const std::string wa = error("order_create", order_input(product, 1, "not a number"));
  EXPECT_NE(wa.find("`customer_wa_id` must be a WhatsApp id"), std::string::npos) << wa;
  EXPECT_EQ(catalog_test::query_sql(url_, "SELECT COUNT(*) FROM catalog_orders"), std::vector<std::string>{"0"});
}

TEST_P(CatalogOrders, AProductWithVariantsTakesOnlyItsOwn) {
  Json shoe = sample_product("o5");
  shoe["extra"] = {{"variants", {"S", "M", {{"name", "L"}}}}};
  const int64_t product = upsert(shoe);
  Json input = order_input(product, 1);
  input["variant"] = "m";
  EXPECT_EQ(ok("order_create", input)["order"]["variant"], "M");  // the product's spelling
  input["variant"] = "L";
  EXPECT_EQ(ok("order_create", input)["order"]["variant"], "L");
  input["variant"] = "XL";
  const StepResult wrong = call("order_create", input);
  EXPECT_EQ(wrong.code, "invalid_input");
  EXPECT_NE(wrong.error.find("`variant` \"XL\" is not a variant of product " + std::to_string(product) +
                             "; it comes in S, M, L"),
            std::string::npos)
      << wrong.error;
  const StepResult missing = call("order_create", order_input(product, 1));
  EXPECT_EQ(missing.code, "invalid_input");
  EXPECT_NE(missing.error.find("`variant` is required"), std::string::npos) << missing.error;
  // Without a variant list any variant text is kept as given.
  const int64_t plain = upsert(sample_product("o6"));
  Json free_text = order_input(plain, 1);
  free_text["variant"] = "size 42";
  EXPECT_EQ(ok("order_create", free_text)["order"]["variant"], "size 42");
}

TEST_P(CatalogOrders, StatusChangesFollowTheLifecycleAndAreKept) {
  const int64_t product = upsert(sample_product("o7"));
  const int64_t id = ok("order_create", order_input(product, 1))["order"]["id"].get<int64_t>();
  const Json confirmed =
      ok("order_update", {{"id", id}, {"status", "confirmed"}, {"note", "paid"}, {"by", "seller"}})["order"];
  EXPECT_EQ(confirmed["status"], "confirmed");
  const Json fulfilled = ok("order_update", {{"id", number_of(id)}, {"status", "fulfilled"}})["order"];
  EXPECT_EQ(fulfilled["status"], "fulfilled");
  ASSERT_EQ(fulfilled["history"].size(), 3u);
  EXPECT_EQ(
      fulfilled["history"][1],
      (Json{{"status", "confirmed"}, {"at_ms", fulfilled["history"][1]["at_ms"]}, {"note", "paid"}, {"by", "seller"}}));
  EXPECT_EQ(fulfilled["history"][2]["status"], "fulfilled");
  EXPECT_LE(fulfilled["history"][1]["at_ms"].get<int64_t>(), fulfilled["history"][2]["at_ms"].get<int64_t>());
  EXPECT_EQ(fulfilled["updated_ms"], fulfilled["history"][2]["at_ms"]);
  EXPECT_EQ(ok("order_get", {{"id", id}})["order"], fulfilled);

  // Fulfilled is final.
  const StepResult late = call("order_update", {{"id", id}, {"status", "cancelled"}});
  EXPECT_EQ(late.status, LH_ERROR);
  EXPECT_EQ(late.code, "conflict");
  EXPECT_EQ(late.details["reason"], "invalid_transition");
  EXPECT_EQ(late.details["from"], "fulfilled");
  EXPECT_EQ(late.details["to"], "cancelled");
  EXPECT_NE(late.error.find("is fulfilled and cannot become cancelled"), std::string::npos) << late.error;
  // requested cannot jump to fulfilled; cancelled is final too.
  const int64_t other = ok("order_create", order_input(product, 1))["order"]["id"].get<int64_t>();
  EXPECT_EQ(call("order_update", {{"id", other}, {"status", "fulfilled"}}).details["reason"], "invalid_transition");
  EXPECT_EQ(ok("order_update", {{"id", other}, {"status", "cancelled"}})["order"]["status"], "cancelled");
  EXPECT_EQ(call("order_update", {{"id", other}, {"status", "confirmed"}}).details["reason"], "invalid_transition");
  EXPECT_EQ(ok("order_get", {{"id", other}})["order"]["history"].size(), 2u);  // refusals leave no trace

  const StepResult missing = call("order_update", {{"id", 999999}, {"status", "confirmed"}});
  EXPECT_EQ(missing.code, "not_found");
  EXPECT_NE(missing.error.find("no order with id 999999"), std::string::npos) << missing.error;
  EXPECT_EQ(call("order_get", {{"id", 999999}}).code, "not_found");
}

TEST_P(CatalogOrders, ListsNewestFirstWithFiltersAndCursors) {
  const int64_t shoes = upsert(sample_product("o8"));
  const int64_t hats = upsert(sample_product("o9"));
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(ok("order_create",
                     order_input(i % 2 == 0 ? shoes : hats, 1, i < 3 ? "15550000001" : "15550000002"))["order"]["id"]
                      .get<int64_t>());
  }
  ok("order_update", {{"id", ids[0]}, {"status", "confirmed"}});

  std::vector<int64_t> seen;
  Json page = ok("order_list", {{"limit", 2}});
  for (int pages = 0; pages < 10; ++pages) {
    EXPECT_LE(page["orders"].size(), 2u);
    for (const Json& order : page["orders"]) {
      seen.push_back(order["id"].get<int64_t>());
    }
    if (page["next_cursor"].is_null()) {
      break;
    }
    page = ok("order_list", {{"limit", 2}, {"cursor", page["next_cursor"]}});
  }
  EXPECT_EQ(seen, (std::vector<int64_t>{ids[4], ids[3], ids[2], ids[1], ids[0]}));

  const auto list_ids = [&](const Json& input) {
    std::vector<int64_t> out;
    const Json listed = ok("order_list", input);
    for (const Json& order : listed["orders"]) {
      out.push_back(order["id"].get<int64_t>());
    }
    return out;
  };
  EXPECT_EQ(list_ids({{"customer_wa_id", "15550000002"}}), (std::vector<int64_t>{ids[4], ids[3]}));
  EXPECT_EQ(list_ids({{"product_id", hats}}), (std::vector<int64_t>{ids[3], ids[1]}));
  EXPECT_EQ(list_ids({{"status", "confirmed"}}), (std::vector<int64_t>{ids[0]}));
  EXPECT_EQ(list_ids({{"status", "requested"}, {"product_id", shoes}}), (std::vector<int64_t>{ids[4], ids[2]}));

  // A cursor of one filter with another is refused, not silently wrong.
  const Json first = ok("order_list", {{"limit", 1}, {"status", "requested"}});
  const StepResult mixed = call("order_list", {{"limit", 1}, {"cursor", first["next_cursor"]}});
  EXPECT_EQ(mixed.code, "invalid_input");
  EXPECT_EQ(mixed.details["reason"], "bad_cursor");
  EXPECT_EQ(call("order_list", {{"status", "shipped"}}).code, "invalid_input");
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogOrders, ::testing::ValuesIn(test::all_sql_backends()),
                         catalog_test::backend_name);

}  // namespace
}  // namespace linkhub
