// ai.extract on the language-model backend against the loopback stand-in:
// the request it sends, the validated answer, tokens and cost, the cache.
#include "ai_llm_test_support.hpp"

namespace linkhub::ai_llm_test {
namespace {

TEST(AiLlmExtract, SendsAStrictJsonSchemaRequestAndReturnsTheValidatedAnswer) {
  Harness h;
  h.api.answer(200, completion(valid_entry().dump()));
  const StepResult r = h.extract(kCaption);
  ASSERT_TRUE(r.ok()) << r.error << "\n" << r.log_text();
  EXPECT_EQ(r.output["backend"], "llm");
  EXPECT_EQ(r.output["brand"]["value"], "Nike");
  EXPECT_EQ(r.output["sizes"]["value"], Json({"38", "44"}));
  EXPECT_EQ(r.output["sentiment"]["value"], "positive");
  EXPECT_EQ(r.output["prompt_version"], "extract.v1");
  EXPECT_EQ(r.output["cached"], false);
  EXPECT_EQ(r.output["requests"], 1);
  EXPECT_EQ(r.output["repairs"], 0);
  // The recorded answer's usage: 17 prompt and 10 completion tokens, at 2.5 and 10 USD per million.
  EXPECT_EQ(r.output["usage"]["prompt_tokens"], 17);
  EXPECT_EQ(r.output["usage"]["completion_tokens"], 10);
  EXPECT_EQ(r.output["usage"]["total_tokens"], 27);
  EXPECT_NEAR(r.output["usage"]["cost_usd"].get<double>(), (17 * 2.5 + 10 * 10) / 1e6, 1e-9);
  EXPECT_EQ(r.output["model"], kModel);

  ASSERT_EQ(h.api.calls(), 1);
  const test::Request sent = h.api.requests().at(0);
  EXPECT_EQ(sent.method, "POST");
  bool bearer = false;
  for (const auto& [name, value] : sent.headers) {
    bearer = bearer || value == std::string("Bearer ") + kKey;
  }
  EXPECT_TRUE(bearer) << "no Authorization: Bearer header";
  const Json body = h.api.body(0);
  EXPECT_EQ(body["model"], kModel);
  EXPECT_EQ(body["response_format"]["type"], "json_schema");
  EXPECT_EQ(body["response_format"]["json_schema"]["strict"], true);
  const Json& schema = body["response_format"]["json_schema"]["schema"];
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_NE(std::find(schema["required"].begin(), schema["required"].end(), "product_name"), schema["required"].end());
  ASSERT_EQ(body["messages"].size(), 2u);
  EXPECT_EQ(body["messages"][0]["role"], "system");
  EXPECT_NE(body["messages"][1]["content"].get<std::string>().find("Nike Air Max 90"), std::string::npos);
  // The key goes in the header only.
  EXPECT_EQ(r.log_text().find(kKey), std::string::npos);
  EXPECT_EQ(r.output_text.find(kKey), std::string::npos);
}

TEST(AiLlmExtract, TheSameInputAgainIsServedFromTheCacheWithoutARequest) {
  Harness h;
  h.api.answer(200, completion(valid_entry().dump()));
  ASSERT_TRUE(h.extract(kCaption).ok());
  const StepResult again = h.extract(kCaption);
  ASSERT_TRUE(again.ok()) << again.error;
  EXPECT_EQ(h.api.calls(), 1);
  EXPECT_EQ(again.output["cached"], true);
  EXPECT_EQ(again.output["requests"], 0);
  EXPECT_EQ(again.output["usage"]["total_tokens"], 0);
  EXPECT_EQ(again.output["cached_usage"]["total_tokens"], 27);
  EXPECT_EQ(again.output["brand"]["value"], "Nike");
  EXPECT_EQ(h.number("SELECT COUNT(*) FROM ai_llm_cache"), 1);

  // Another model is another key.
  h.llm_config["model"] = "gpt-4o-mini";
  h.api.answer(200, completion(valid_entry().dump()));
  ASSERT_TRUE(h.extract(kCaption).ok());
  EXPECT_EQ(h.api.calls(), 2);
  EXPECT_EQ(h.number("SELECT COUNT(*) FROM ai_llm_cache"), 2);
}

TEST(AiLlmExtract, InvalidJsonIsRepairedByASecondRequest) {
  Harness h;
  h.api.answer(200, completion("{\"product_name\": {\"value\": \"Air"));
  h.api.answer(200, completion(valid_entry().dump()));
  const StepResult r = h.extract(kCaption);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["backend"], "llm");
  EXPECT_EQ(r.output["requests"], 2);
  EXPECT_EQ(r.output["repairs"], 1);
  EXPECT_EQ(r.output["usage"]["total_tokens"], 54);  // both answers are paid for
  ASSERT_EQ(h.api.calls(), 2);
  const Json repair = h.api.body(1)["messages"];
  ASSERT_EQ(repair.size(), 4u);
  EXPECT_EQ(repair[2]["role"], "assistant");
  EXPECT_NE(repair[3]["content"].get<std::string>().find("not valid JSON"), std::string::npos) << repair.dump();
}

TEST(AiLlmExtract, AnAnswerBreakingTheSchemaTwiceFallsBackToBuiltinWithTheReason) {
  Harness h;
  // The recorded structured answer is valid JSON for another schema (a location).
  const Json recorded_location = Json::parse(read_fixture("openai_chat_structured_response_location_node.json"));
  h.api.answer(200, recorded_location);
  h.api.answer(200, recorded_location);
  const StepResult r = h.extract(kCaption);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(h.api.calls(), 2);  // the answer and one repair (max_repairs 1)
  EXPECT_EQ(r.output["backend"], "builtin");
  const std::string why = r.output["fallback_reason"];
  EXPECT_NE(why.find("breaks the schema"), std::string::npos) << why;
  // Fields are checked in name order: "brand" is the first one missing.
  EXPECT_NE(why.find("the field \"brand\" is missing"), std::string::npos) << why;
  EXPECT_NE(h.api.body(1)["messages"][3]["content"].get<std::string>().find("\"brand\" is missing"), std::string::npos);

  // Without the fallback the step fails, saying the same.
  h.llm_config["fallback"] = false;
  h.api.answer(200, completion(Json{{"sentiment", "great"}}.dump()));
  h.api.answer(200, completion(Json{{"sentiment", "great"}}.dump()));
  const StepResult failed = h.extract(kCaption);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.code, "bad_output");
  EXPECT_NE(failed.error.find("breaks the schema"), std::string::npos) << failed.error;
}

TEST(AiLlmExtract, AnEnumViolationNamesThePointer) {
  Harness h;
  h.llm_config["fallback"] = false;
  h.llm_config["max_repairs"] = 0;
  Json entry = valid_entry();
  entry["sentiment"]["value"] = "great";
  h.api.answer(200, completion(entry.dump()));
  const StepResult r = h.extract(kCaption);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("/sentiment/value"), std::string::npos) << r.error;
  EXPECT_EQ(h.api.calls(), 1);
}

}  // namespace
}  // namespace linkhub::ai_llm_test
