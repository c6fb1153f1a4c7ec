// ai.tags through the real C ABI: categories of Google's product taxonomy for
// the cases in tags.json, tag normalisation, where the taxonomy file comes
// from, and input with nothing to find or far too much.
#include "ai_test_calls.hpp"

#include <filesystem>
#include <fstream>

namespace linkhub {
namespace {

StepResult tags(const Json& input, const ai_test::Call& c = {}) {
  return ai_test::call("ai.tags", input, c);
}

const Json& corpus() {
  static const Json cases = ai_test::read_cases("tags.json");
  return cases;
}

std::vector<Json> cases() {
  return std::vector<Json>(corpus().begin(), corpus().end());
}

TEST(AiTagsCases, HoldAtLeastTwentyFiveInputsWithTheirCategories) {
  EXPECT_GE(corpus().size(), 25u) << ai_test::test_file("tags.json");
}

class AiTagsCase : public ::testing::TestWithParam<Json> {};

TEST_P(AiTagsCase, FindsItsCategory) {
  const Json& c = GetParam();
  const StepResult out = tags(c["input"]);
  ASSERT_EQ(out.status, LH_OK) << out.error;
  SCOPED_TRACE("input: " + c["input"].dump() + "\noutput: " + out.output.dump());
  const Json& want = c["expect"];
  if (want["category"].is_null()) {
    EXPECT_TRUE(out.output["category"].is_null());
    EXPECT_TRUE(out.output["alternatives"].empty());
  } else {
    ASSERT_TRUE(out.output["category"].is_object());
    EXPECT_EQ(out.output["category"]["id"], want["category"]);
    EXPECT_LE(out.output["alternatives"].size(), 3u);
    for (const Json& alt : out.output["alternatives"]) {
      EXPECT_NE(alt["id"], want["category"]);
      EXPECT_LE(alt["score"].get<double>(), out.output["category"]["score"].get<double>());
    }
  }
  if (want.contains("tags")) {
    EXPECT_EQ(out.output["tags"], want["tags"]);
  }
}

INSTANTIATE_TEST_SUITE_P(Products, AiTagsCase, ::testing::ValuesIn(cases()), ai_test::case_name);

TEST(AiTags, GivesTheFullPathOfTheCategory) {
  const StepResult out = tags({{"title", "Matte lipstick"}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["category"]["id"], 3021);
  EXPECT_EQ(out.output["category"]["path"],
            "Health & Beauty > Personal Care > Cosmetics > Makeup > Lip Makeup > Lipstick");
  EXPECT_GT(out.output["category"]["score"].get<double>(), 0);
  EXPECT_EQ(out.output["backend"], "builtin");
}

TEST(AiTags, NormalisesFoldsSingularisesAndDeduplicatesTags) {
  const StepResult out =
      tags({{"hashtags", {"#Dresses", "dress", "#ÁoThun", "#FYP", "#fyp", "#viral", "#sale", "#123"}},
            {"title", "The Dresses and the Shoes for you"},
            {"text", "Dress, dress, DRESS! 20000mAh 59k"}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["tags"], Json({"dress", "aothun", "shoe"}));
}

TEST(AiTags, KeepsAtMostMaxTags) {
  const Json input = {{"hashtags", {"linen", "shirt", "summer", "beach", "cotton", "white"}}, {"max_tags", 3}};
  const StepResult out = tags(input);
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["tags"], Json({"linen", "shirt", "summer"}));
  // max_tags below 1 is refused by the input schema (tests/unit/ai_schemas_test.cpp).
}

TEST(AiTags, EmptyInputHasNoTagsAndNoCategory) {
  for (const Json& input : {Json::object(), Json{{"hashtags", Json::array()}, {"title", ""}, {"text", "   "}}}) {
    const StepResult out = tags(input);
    ASSERT_EQ(out.status, LH_OK) << out.error;
    EXPECT_TRUE(out.output["tags"].empty());
    EXPECT_TRUE(out.output["category"].is_null());
    EXPECT_TRUE(out.output["alternatives"].empty());
  }
}

TEST(AiTags, OnlyGenericWordsMatchNoCategory) {
  const StepResult out = tags({{"title", "Accessories set kit and supplies"}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_TRUE(out.output["category"].is_null()) << out.output["category"];
}

TEST(AiTags, HandlesAMegabyteOfText) {
  std::string text;
  while (text.size() < 1024 * 1024) {
    text += "Soy candle with lavender and vanilla, hand poured in small batches #candle #homedecor\n";
  }
  const StepResult out = tags({{"text", text}, {"hashtags", Json::array({"candle"})}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["category"]["id"], 588);
  EXPECT_LE(out.output["tags"].size(), 12u);
}

TEST(AiTags, RefusesAnUnknownBackend) {
  const StepResult out = tags({{"title", "Mug"}, {"backend", "gpt"}});
  EXPECT_NE(out.status, LH_OK);
  EXPECT_NE(out.error.find("unknown backend \"gpt\"; available: builtin, llm"), std::string::npos) << out.error;
}

// The llm backend itself is tested in tests/llm (ai_llm_tags_test.cpp); unconfigured, the built-in tagger answers.
TEST(AiTags, TheLlmBackendUnconfiguredFallsBackToTheBuiltinTagger) {
  const StepResult out = tags({{"title", "Ceramic mug"}, {"backend", "llm"}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["backend"], "builtin");
  EXPECT_NE(out.output["fallback_reason"].get<std::string>().find("plugins.ai.llm.base_url is not set"),
            std::string::npos)
      << out.output;
}

class AiTagsTaxonomyFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("linkhub-ai-taxonomy-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name) << content;
    return dir_ / name;
  }
  static ai_test::Call with_config(const Json& config, const std::string& workflow_dir = "") {
    return ai_test::Call{config, workflow_dir};
  }

  std::filesystem::path dir_;
};

TEST_F(AiTagsTaxonomyFile, ComesFromThePluginConfigWhenSet) {
  const auto file = write("tiny.txt", "# a tiny taxonomy\n1 - Gadgets\n2 - Gadgets > Widgets\n3 - Gadgets > Gizmos\n");
  const StepResult out = tags({{"title", "Blue widget"}}, with_config({{"taxonomy_file", file.string()}}));
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["category"]["id"], 2);
  EXPECT_EQ(out.output["category"]["path"], "Gadgets > Widgets");
  // A relative path is taken from the workflow's directory.
  const StepResult relative = tags({{"title", "gizmo"}}, with_config({{"taxonomy_file", "tiny.txt"}}, dir_.string()));
  ASSERT_EQ(relative.status, LH_OK) << relative.error;
  EXPECT_EQ(relative.output["category"]["id"], 3);
}

TEST_F(AiTagsTaxonomyFile, NamesAMissingOrMalformedFile) {
  const StepResult missing = tags({{"title", "x"}}, with_config({{"taxonomy_file", (dir_ / "nope.txt").string()}}));
  EXPECT_EQ(missing.status, LH_ERROR);
  EXPECT_NE(missing.error.find("nope.txt"), std::string::npos) << missing.error;
  EXPECT_NE(missing.error.find("does not exist"), std::string::npos) << missing.error;

  const auto bad = write("bad.txt", "1 - Gadgets\nWidgets without an id\n");
  const StepResult malformed = tags({{"title", "x"}}, with_config({{"taxonomy_file", bad.string()}}));
  EXPECT_EQ(malformed.status, LH_ERROR);
  EXPECT_NE(malformed.error.find("bad.txt:2:"), std::string::npos) << malformed.error;

  const StepResult wrong_type = tags({{"title", "x"}}, with_config({{"taxonomy_file", 7}}));
  EXPECT_EQ(wrong_type.status, LH_ERROR);
  EXPECT_NE(wrong_type.error.find("taxonomy_file"), std::string::npos) << wrong_type.error;
}

TEST(AiTagsBundledTaxonomy, SitsBesideTheBuiltPlugin) {
  const std::filesystem::path beside =
      std::filesystem::path(LINKHUB_PLUGIN_BUILD_DIR) / "ai" / "google_product_taxonomy_with_ids.en-US.txt";
  EXPECT_TRUE(std::filesystem::is_regular_file(beside)) << beside;
  EXPECT_TRUE(std::filesystem::is_regular_file(beside.string() + ".source.txt"));
}

}  // namespace
}  // namespace linkhub
