// ai.tags on the language-model backend: the strict request, the model's
// category resolved against Google's taxonomy (ids from the file, never from
// the model), the cache, and the built-in tagger when the model cannot answer.
#include "ai_llm_test_support.hpp"

namespace linkhub::ai_llm_test {
namespace {

const Json kProduct = {{"hashtags", {"linen", "shirt", "fyp"}}, {"title", "Linen shirt only $24.99"}};

Json tags_answer(const Json& path, double confidence, const Json& alternatives = Json::array()) {
  return {{"tags", {"Linen Shirt", "#linen", "linen shirt", "summer", "beach wear"}},
          {"category_path", path},
          {"category_confidence", confidence},
          {"alternatives", alternatives}};
}

TEST(AiLlmTags, TheModelsTagsAndTaxonomyCategoryWithTheTaxonomysIds) {
  Harness h;
  h.api.answer(200,
               completion(tags_answer("Apparel & Accessories>Clothing >  Shirts & Tops", 0.9,
                                      {{{"path", "Apparel & Accessories > Clothing > Activewear"}, {"confidence", 0.2}},
                                       {{"path", "Made Up > Category"}, {"confidence", 0.1}}})
                              .dump()));
  Json input = kProduct;
  input["max_tags"] = 3;
  const StepResult r = h.tags(input);
  ASSERT_TRUE(r.ok()) << r.error << "\n" << r.log_text();
  EXPECT_EQ(r.output["backend"], "llm");
  EXPECT_EQ(r.output["prompt_version"], "tags.v1");
  // Lower case, without '#', each once, at most max_tags.
  EXPECT_EQ(r.output["tags"], Json({"linen shirt", "linen", "summer"}));
  // Google's file: 212 - Apparel & Accessories > Clothing > Shirts & Tops.
  EXPECT_EQ(r.output["category"]["id"], 212);
  EXPECT_EQ(r.output["category"]["path"], "Apparel & Accessories > Clothing > Shirts & Tops");
  EXPECT_EQ(r.output["category"]["score"], 0.9);
  EXPECT_EQ(r.output["category_source"], "llm");
  ASSERT_EQ(r.output["alternatives"].size(), 1u) << r.output["alternatives"];  // the made-up path is dropped
  EXPECT_EQ(r.output["alternatives"][0]["id"], 5322);
  EXPECT_EQ(r.output["usage"]["total_tokens"], 27);

  const Json body = h.api.body(0);
  EXPECT_EQ(body["response_format"]["json_schema"]["name"], "product_tags");
  EXPECT_EQ(body["response_format"]["json_schema"]["strict"], true);
  EXPECT_EQ(body["response_format"]["json_schema"]["schema"]["additionalProperties"], false);
  const std::string user = body["messages"][1]["content"];
  EXPECT_NE(user.find("Title:\nLinen shirt only $24.99"), std::string::npos) << user;
  EXPECT_NE(user.find("#linen #shirt #fyp"), std::string::npos) << user;
  EXPECT_NE(user.find("At most 3 tags."), std::string::npos) << user;

  const StepResult again = h.tags(input);
  ASSERT_TRUE(again.ok()) << again.error;
  EXPECT_EQ(again.output["cached"], true);
  EXPECT_EQ(again.output["category"]["id"], 212);
  EXPECT_EQ(h.api.calls(), 1);
}

TEST(AiLlmTags, ACategoryOutsideTheTaxonomyIsTheBuiltinTaggers) {
  Harness h;
  h.api.answer(200, completion(tags_answer("Clothing > Linen Shirts", 0.8).dump()));
  const StepResult r = h.tags(kProduct);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["backend"], "llm");
  EXPECT_EQ(r.output["category_source"], "builtin");
  EXPECT_EQ(r.output["category"]["id"], 212);  // what the built-in tagger finds for these words
  EXPECT_NE(r.log_text().find("not in the taxonomy"), std::string::npos) << r.log_text();
}

TEST(AiLlmTags, GarbageTwiceFallsBackToTheBuiltinTaggerWithTheReason) {
  Harness h;
  h.api.answer(200, completion("tags: linen, shirt"));
  h.api.answer(200, completion(Json{{"tags", "linen"}}.dump()));
  const StepResult r = h.tags(kProduct);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["backend"], "builtin");
  EXPECT_EQ(r.output["tags"], Json({"linen", "shirt"}));
  EXPECT_EQ(r.output["category"]["id"], 212);
  EXPECT_NE(r.output["fallback_reason"].get<std::string>().find("breaks the schema"), std::string::npos)
      << r.output["fallback_reason"];
  EXPECT_EQ(h.api.calls(), 2);
}

TEST(AiLlmTags, TheBuiltinBackendStaysTheDefaultWithoutConfiguration) {
  FakeContext ctx;
  const StepResult r = test::run_checked_step(plugin(), "tags", ctx, kProduct);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["backend"], "builtin");
  EXPECT_FALSE(r.output.contains("fallback_reason"));
}

}  // namespace
}  // namespace linkhub::ai_llm_test
