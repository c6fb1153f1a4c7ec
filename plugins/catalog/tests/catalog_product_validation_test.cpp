// What catalog.upsert says about bad products: every bad field named, with
// what was expected and found, as a permanent error, before any write.
#include "catalog_test_support.hpp"

#include <gtest/gtest.h>

namespace linkhub {
namespace {

using catalog_test::CatalogTest;
using catalog_test::sample_product;

using CatalogProductValidation = CatalogTest;

void expect_parts(const std::string& message, const std::vector<std::string>& parts) {
  EXPECT_EQ(message.rfind("catalog.upsert: invalid product: ", 0), 0u) << message;
  for (const std::string& part : parts) {
    EXPECT_NE(message.find(part), std::string::npos) << "missing: " << part << "\nin: " << message;
  }
}

TEST_P(CatalogProductValidation, NamesEveryFieldOfTheWrongType) {
  Json p = sample_product("1");
  p["title"] = 5;
  p["price"] = {{"amount", "12"}, {"currency", "dollars"}};
  p["tags"] = "sneakers";
  p["hashtags"] = {"ok", 3};
  p["stats"] = {1, 2};
  p["category"] = "shoes";
  expect_parts(error("upsert", p),
               {"`title` must be a string or null, found a number (5)",
                "`price.amount` must be a number, found a string (\"12\")",
                "`price.currency` must be a three-letter ISO 4217 code such as \"USD\", found a "
                "string (\"dollars\")",
                "`tags` must be an array, found a string (\"sneakers\")",
                "`hashtags[1]` must be a string, found a number (3)", "`stats` must be an object, found an array",
                "`category` must be an object {id, path} or null, found a string (\"shoes\")"});
  EXPECT_EQ(ok("get", {{"source", "tiktok"}, {"video_id", "1"}})["found"], false);  // nothing was written
}

TEST_P(CatalogProductValidation, RequiresSourceAndVideoId) {
  Json p = sample_product("1");
  p.erase("video_id");
  expect_parts(error("upsert", p), {"`video_id` is required (a string)"});
  p["video_id"] = "  ";
  expect_parts(error("upsert", p), {"`video_id` is required and must not be empty"});
  p["video_id"] = 7301234567890123456;
  expect_parts(error("upsert", p), {"`video_id` must be a string (long ids do not survive as JSON numbers)"});
  p = sample_product("1");
  p["source"] = "Tik Tok";
  expect_parts(error("upsert", p), {"`source` must be a lower-case name such as \"tiktok\""});
  expect_parts(error("upsert", Json::array()), {"the product must be a JSON object, found an array"});
}

TEST_P(CatalogProductValidation, RefusesGiantText) {
  Json p = sample_product("1");
  p["title"] = std::string(100000, 'x');
  p["description"] = std::string(10001, 'y');
  p["tags"] = Json::array();
  for (int i = 0; i < 101; ++i) {
    p["tags"].push_back("t" + std::to_string(i));
  }
  expect_parts(error("upsert", p), {"`title` is 100000 characters long; at most 500 are allowed",
                                    "`description` is 10001 characters long; at most 10000 are allowed",
                                    "`tags` has 101 items; at most 100 are allowed"});
  // Characters, not bytes: 500 accented letters are a valid title.
  p = sample_product("1");
  std::string accented;
  for (int i = 0; i < 500; ++i) {
    accented += "é";
  }
  p["title"] = accented;
  EXPECT_EQ(ok("upsert", p)["product"]["title"], accented);
}

TEST_P(CatalogProductValidation, RefusesHashesThatAreNotSha256ContentHashes) {
  Json p = sample_product("1");
  p["thumbnails"] = {{{"hash", "md5:d41d8cd98f00b204e9800998ecf8427e"}},
                     {{"hash", "sha256:" + std::string(63, 'a')}},
                     {{"hash", "sha256:" + std::string(63, 'a') + "g"}},
                     {{"width", 10}},
                     {{"hash", catalog_test::hash_of('e')}, {"width", 0}}};
  p["video"] = {{"hash", 42}};
  expect_parts(error("upsert", p),
               {"`thumbnails[0].hash` is not a content hash: expected \"sha256:\" and 64 hex digits, found a string "
                "(\"md5:d41d8cd98f00b204e9800998ecf8427e\")",
                "`thumbnails[1].hash` is not a content hash", "`thumbnails[2].hash` is not a content hash",
                "`thumbnails[3].hash` is required", "`thumbnails[4].width` must be a whole number of pixels",
                "`video.hash` must be a string \"sha256:<64 hex digits>\", found a number (42)"});
}

TEST_P(CatalogProductValidation, RefusesMalformedValues) {
  Json p = sample_product("1");
  p["url"] = "javascript:alert(1)";
  p["price"] = {{"amount", -5}, {"currency", "USD"}, {"value", 3}};
  p["category"] = {{"id", "x"}, {"path", "fashion//shoes"}};
  p["language"] = "english please";
  p["created_at"] = "yesterday";
  p["titel"] = "typo";
  p["extra"] = {{"blob", std::string(70000, 'z')}};
  expect_parts(
      error("upsert", p),
      {"`url` must be an http:// or https:// URL without spaces",
       "`price.amount` must be between 0 and 1e12, found a number (-5)", "`price.value` is not a price field",
       "`category.path` must be segments separated by '/' or ' > ' with none empty",
       "`language` must be a language tag such as \"en\" or \"pt-BR\"", "`created_at` must be an ISO 8601 date or time",
       "`titel` is not a product field (did you mean `title`?)",
       "`extra` is 70011 bytes as JSON; at most 65536 are allowed"});
}

TEST_P(CatalogProductValidation, BadInputIsAPermanentErrorEvenWithoutADatabase) {
  Json p = sample_product("1");
  p["title"] = false;
  // No database at all: the input is checked first.
  const StepResult out = catalog_test::call_step("catalog.upsert", p);
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("`title` must be a string or null, found a boolean (false)"), std::string::npos)
      << out.error;
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogProductValidation, ::testing::ValuesIn(test::all_sql_backends()),
                         catalog_test::backend_name);

}  // namespace
}  // namespace linkhub
