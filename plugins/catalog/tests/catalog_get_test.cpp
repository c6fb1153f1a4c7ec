// catalog.get through the C ABI on SQLite and PostgreSQL.
#include "catalog_test_support.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace linkhub {
namespace {

using catalog_test::CatalogTest;
using catalog_test::hash_of;
using catalog_test::sample_product;

using CatalogGet = CatalogTest;

TEST_P(CatalogGet, ReadsAProductByIdOrBySourceAndVideoId) {
  const Json saved = ok("upsert", sample_product("8001"));
  const Json by_id = ok("get", {{"product_id", saved["product_id"]}});
  EXPECT_EQ(by_id["found"], true);
  const Json by_key = ok("get", {{"source", "tiktok"}, {"video_id", "8001"}});
  EXPECT_EQ(by_key, by_id);
  Json product = by_id["product"];
  EXPECT_EQ(product["price_history"].size(), 1u);
  EXPECT_EQ(product["price_history"][0]["amount"], 59.99);
  product.erase("price_history");
  EXPECT_EQ(product, saved["product"]);  // what upsert said is what get reads
  EXPECT_FALSE(
      ok("get", {{"product_id", saved["product_id"]}, {"price_history", false}})["product"].contains("price_history"));
}

TEST_P(CatalogGet, AMissingProductIsFoundFalse) {
  EXPECT_EQ(ok("get", {{"product_id", 424242}}), (Json{{"found", false}, {"product", nullptr}}));
  EXPECT_EQ(ok("get", {{"source", "tiktok"}, {"video_id", "nope"}})["found"], false);
}

TEST_P(CatalogGet, SaysHowToNameAProduct) {
  EXPECT_NE(error("get", Json::object()).find("give `product_id`, or both `source` and `video_id`"), std::string::npos);
  EXPECT_NE(error("get", {{"source", "tiktok"}}).find("both `source` and `video_id`"), std::string::npos);
  EXPECT_NE(error("get", {{"product_id", 1}, {"video_id", "1"}}).find("give one or the other"), std::string::npos);
  EXPECT_NE(error("get", {{"product_id", "7"}}).find("`product_id` must be a whole number from 1, found a string"),
            std::string::npos);
}

TEST_P(CatalogGet, ResolvesArtifactsToWhereTheStoreKeepsThemNow) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / ("catalog-artifacts-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "cover.jpg", std::ios::binary) << "jpeg bytes";
  FakeContext call;
  fill(call);
  call.artifact_store = dir / "store";
  const Json stored = call.put_artifact(dir / "cover.jpg", "image/jpeg");

  Json p = sample_product("8002");
  p["thumbnails"] = {{{"hash", stored["hash"]}, {"path", "/old/place/cover.jpg"}},
                     {{"hash", hash_of('c')}, {"path", "/somewhere/else.jpg"}}};
  p["video"] = {{"hash", hash_of('d')}};
  const int64_t id = upsert(p);

  const StepResult out = catalog_test::call_step("catalog.get", {{"product_id", id}}, call);
  ASSERT_EQ(out.status, LH_OK) << out.error;
  const Json product = out.output["product"];
  EXPECT_EQ(product["thumbnails"][0]["path"], stored["path"]);
  EXPECT_EQ(product["thumbnails"][1]["path"], "/somewhere/else.jpg");  // unknown to the store: as saved
  EXPECT_FALSE(product["video"].contains("path"));

  const StepResult as_saved =
      catalog_test::call_step("catalog.get", {{"product_id", id}, {"resolve_artifacts", false}}, call);
  EXPECT_EQ(as_saved.output["product"]["thumbnails"][0]["path"], "/old/place/cover.jpg");
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogGet, ::testing::ValuesIn(test::all_sql_backends()),
                         catalog_test::backend_name);

}  // namespace
}  // namespace linkhub
