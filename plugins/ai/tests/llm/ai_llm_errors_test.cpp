// What the language-model backend does when the model or the service does
// not give a usable answer: clear errors without the fallback, the built-in
// extractors with the reason stated with it.
#include "ai_llm_test_support.hpp"

namespace linkhub::ai_llm_test {
namespace {

// Without the fallback, so the error itself is seen.
StepResult failing(Harness& h) {
  h.llm_config["fallback"] = false;
  return h.extract(kCaption);
}

TEST(AiLlmErrors, FinishReasonLengthIsAClearErrorAndNotRepaired) {
  Harness h;
  h.api.answer(200, recorded("test_parse_max_tokens_reached"));
  const StepResult r = failing(h);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code, "bad_output");
  EXPECT_NE(r.error.find("finish_reason length"), std::string::npos) << r.error;
  EXPECT_EQ(h.api.calls(), 1);
}

TEST(AiLlmErrors, ARefusalIsAClearError) {
  Harness h;
  const Json refusal = recorded("test_parse_pydantic_model_refusal");
  h.api.answer(200, refusal);
  const StepResult r = failing(h);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code, "bad_output");
  EXPECT_NE(r.error.find("refused"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find(refusal["choices"][0]["message"]["refusal"].get<std::string>().substr(0, 20)),
            std::string::npos)
      << r.error;
}

TEST(AiLlmErrors, NoChoicesIsAClearError) {
  Harness h;
  Json body = completion("{}");
  body["choices"] = Json::array();
  h.api.answer(200, body);
  h.llm_config["max_repairs"] = 0;
  const StepResult r = failing(h);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("no choices"), std::string::npos) << r.error;
}

TEST(AiLlmErrors, ARateLimitIsRetriedAfterRetryAfter) {
  Harness h;
  h.api.answer(429, Json{{"error", {{"message", "Rate limit reached"}, {"type", "requests"}}}}, {{"Retry-After", "0"}});
  h.api.answer(503, Json{{"error", {{"message", "overloaded"}, {"type", "server_error"}}}});
  h.api.answer(200, completion(valid_entry().dump()));
  const StepResult r = h.extract(kCaption);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["backend"], "llm");
  EXPECT_EQ(r.output["requests"], 3);
  EXPECT_EQ(h.api.calls(), 3);
}

TEST(AiLlmErrors, AStormOf429sOpensTheBreakerAndBuiltinAnswersWithTheReason) {
  Harness h;
  // The host's breakers, as linkhub keeps them: three failures in a row open one.
  sdk::circuit::Settings settings;
  settings.failures = 3;
  sdk::circuit::Registry breakers(settings);
  const auto wire = [&](FakeContext& ctx) {
    h.prepare(ctx);
    ctx.circuit_check = [&](std::string_view host) -> int64_t {
      const sdk::circuit::Verdict v = breakers.check(host);
      return v.allowed ? 0
                       : std::chrono::duration_cast<std::chrono::milliseconds>(v.retry_at.time_since_epoch()).count();
    };
  };
  for (int i = 0; i < 3; ++i) {
    h.api.answer(429, Json{{"error", {{"message", "Rate limit reached"}, {"type", "requests"}}}},
                 {{"Retry-After", "0"}});
  }
  FakeContext first;
  wire(first);
  const StepResult storm = h.extract_with(first, kCaption);
  ASSERT_TRUE(storm.ok()) << storm.error;
  EXPECT_EQ(storm.output["backend"], "builtin");
  const std::string why = storm.output["fallback_reason"];
  EXPECT_NE(why.find("429"), std::string::npos) << why;
  EXPECT_NE(why.find("after 3 attempts"), std::string::npos) << why;
  EXPECT_EQ(h.api.calls(), 3);
  ASSERT_EQ(first.circuit_records.size(), 3u);
  for (const auto& [host, ok] : first.circuit_records) {
    EXPECT_EQ(host, "127.0.0.1");
    EXPECT_FALSE(ok);
    breakers.record(host, ok);
  }

  // The breaker is open: nothing is sent, and the built-in answer says why.
  FakeContext second;
  wire(second);
  const StepResult shed = h.extract_with(second, {{"caption", "Another caption, red dress $20 #dress"}});
  ASSERT_TRUE(shed.ok()) << shed.error;
  EXPECT_EQ(h.api.calls(), 3);
  EXPECT_EQ(shed.output["backend"], "builtin");
  EXPECT_NE(shed.output["fallback_reason"].get<std::string>().find("circuit open"), std::string::npos)
      << shed.output["fallback_reason"];
}

TEST(AiLlmErrors, ARefusedKeyIsUnauthorizedWithTheApisMessageAndNotTheKey) {
  Harness h;
  h.api.answer(401, Json{{"error",
                          {{"message", std::string("Incorrect API key provided: ") + kKey},
                           {"type", "invalid_request_error"},
                           {"code", "invalid_api_key"}}}});
  const StepResult r = failing(h);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code, "unauthorized");
  EXPECT_NE(r.error.find("Incorrect API key"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("invalid_api_key"), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find(kKey), std::string::npos) << r.error;
  EXPECT_EQ(h.api.calls(), 1);  // a 401 is not retried
}

TEST(AiLlmErrors, WithoutAKeyBuiltinAnswersWithoutARequest) {
  Harness h;
  FakeContext ctx;
  h.prepare(ctx);
  ctx.secrets.clear();
  const StepResult r = h.extract_with(ctx, kCaption);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["backend"], "builtin");
  EXPECT_NE(r.output["fallback_reason"].get<std::string>().find("OPENAI_API_KEY"), std::string::npos);
  EXPECT_EQ(h.api.calls(), 0);
}

TEST(AiLlmErrors, ASpentDailyBudgetFallsBackToBuiltin) {
  Harness h;
  h.llm_config["daily_token_budget"] = 20;
  h.api.answer(200, completion(valid_entry().dump()));
  const StepResult paid = h.extract(kCaption);
  ASSERT_TRUE(paid.ok()) << paid.error;
  EXPECT_EQ(paid.output["backend"], "llm");
  EXPECT_EQ(h.number("SELECT tokens FROM ai_llm_budget WHERE scope = '/workflows/shop'"), 27);

  const StepResult over = h.extract({{"caption", "Another caption, red dress $20 #dress"}});
  ASSERT_TRUE(over.ok()) << over.error;
  EXPECT_EQ(over.output["backend"], "builtin");
  EXPECT_NE(over.output["fallback_reason"].get<std::string>().find("daily token budget"), std::string::npos)
      << over.output["fallback_reason"];
  EXPECT_EQ(h.api.calls(), 1);
  // Another budget key has its own budget.
  h.api.answer(200, completion(valid_entry().dump()));
  const StepResult other = h.extract({{"caption", "Another caption, red dress $20 #dress"}, {"budget_key", "other"}});
  EXPECT_EQ(other.output["backend"], "llm");
}

TEST(AiLlmErrors, TheBuiltinBackendNeverCallsTheModel) {
  Harness h;
  const StepResult r = h.extract({{"caption", kCaption["caption"]}, {"backend", "builtin"}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["backend"], "builtin");
  EXPECT_FALSE(r.output.contains("fallback_reason"));
  EXPECT_EQ(h.api.calls(), 0);
}

TEST(AiLlmErrors, AWrongSettingIsNamed) {
  Harness h;
  h.llm_config["max_attempts"] = "many";
  const StepResult r = h.extract(kCaption);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code, "invalid_input");
  EXPECT_NE(r.error.find("plugins.ai.llm.max_attempts"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("LINKHUB_PLUGIN_AI_LLM_MAX_ATTEMPTS"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace linkhub::ai_llm_test
