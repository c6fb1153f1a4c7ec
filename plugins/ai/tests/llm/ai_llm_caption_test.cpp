// ai.caption on the language-model backend: the step's own output schema in
// strict form, optional fields answered as null and dropped again.
#include "ai_llm_test_support.hpp"

namespace linkhub::ai_llm_test {
namespace {

Json caption_answer() {
  return {{"hashtags", {"sneakers"}},
          {"mentions", Json::array()},
          {"prices", {{{"amount", 89}, {"currency", "USD"}, {"text", "$89"}, {"kind", "exact"}, {"confidence", 0.9}}}},
          {"discount_codes", Json::array()},
          {"calls_to_action", {{{"id", "link_in_bio"}, {"text", "link in bio"}, {"keyword", nullptr}}}},
          {"products", {{{"text", "Air Max 90"}, {"source", "llm"}, {"score", 0.9}}}},
          {"title", "Nike Air Max 90"},
          {"language", "en"},
          {"language_confidence", 0.95}};
}

TEST(AiLlmCaption, AnswersWithTheStepsOwnFieldsFromAStrictSchema) {
  Harness h;
  h.api.answer(200, completion(caption_answer().dump()));
  const StepResult r = h.extract_with_step("caption", {{"caption", "Nike Air Max 90 only $89, link in bio #sneakers"}});
  ASSERT_TRUE(r.ok()) << r.error << "\n" << r.log_text();
  EXPECT_EQ(r.output["backend"], "llm");
  EXPECT_EQ(r.output["prompt_version"], "caption.v1");
  EXPECT_EQ(r.output["prices"][0]["currency"], "USD");
  EXPECT_FALSE(r.output["calls_to_action"][0].contains("keyword")) << r.output_text;  // null: not said
  const Json schema = h.api.body(0)["response_format"]["json_schema"]["schema"];
  const Json cta = schema["properties"]["calls_to_action"]["items"];
  EXPECT_EQ(cta["additionalProperties"], false);
  EXPECT_EQ(cta["properties"]["keyword"]["type"], Json({"string", "null"}));
  EXPECT_FALSE(schema["properties"].contains("backend"));
}

TEST(AiLlmCaption, ACurrencyBreakingThePatternIsRepaired) {
  Harness h;
  Json wrong = caption_answer();
  wrong["prices"][0]["currency"] = "usd";
  h.api.answer(200, completion(wrong.dump()));
  h.api.answer(200, completion(caption_answer().dump()));
  const StepResult r = h.extract_with_step("caption", {{"caption", "Nike Air Max 90 only $89 #sneakers"}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["repairs"], 1);
  EXPECT_NE(h.api.body(1)["messages"][3]["content"].get<std::string>().find("/prices/0/currency"), std::string::npos);
}

TEST(AiLlmCaption, WithoutConfigurationBuiltinAnswersWithTheReason) {
  Harness h;
  FakeContext ctx;
  h.prepare(ctx);
  ctx.plugin_config = Json::object();
  const StepResult r = test::run_checked_step(plugin(), "caption", ctx, {{"caption", "Mug £8"}, {"backend", "llm"}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["backend"], "builtin");
  EXPECT_EQ(r.output["prices"][0]["currency"], "GBP");
  EXPECT_NE(r.output["fallback_reason"].get<std::string>().find("plugins.ai.llm.base_url is not set"),
            std::string::npos);
  EXPECT_EQ(h.api.calls(), 0);
}

}  // namespace
}  // namespace linkhub::ai_llm_test
