// plugins.ai.llm.* from the environment (LINKHUB_PLUGIN_AI_LLM_<KEY> reaches
// the plugin as the top-level key llm_<key>, JSON-parsed), which wins over
// linkhub.yaml; OpenRouter's attribution headers sent as given.
#include "ai_llm_test_support.hpp"

#include <algorithm>
#include <cctype>

namespace linkhub::ai_llm_test {
namespace {

TEST(AiLlmSettings, EnvironmentKeysWinAndOpenRouterHeadersAreSent) {
  Harness h;
  FakeContext ctx;
  h.prepare(ctx);
  ctx.plugin_config["llm"]["model"] = "from-the-file";
  ctx.plugin_config["llm_model"] = "openai/gpt-4o-mini";  // LINKHUB_PLUGIN_AI_LLM_MODEL
  ctx.plugin_config["llm_headers"] = {{"HTTP-Referer", "https://shop.example"}, {"X-Title", "my shop"}};
  ctx.plugin_config["llm_stream"] = "true";  // LINKHUB_PLUGIN_AI_LLM_STREAM=true, as text
  ctx.plugin_config["llm_daily_token_budget"] = 100000;
  h.api.answer_sse(sse_of(valid_entry().dump(), 10, 5));
  const StepResult r = h.extract_with(ctx, kCaption);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["backend"], "llm");
  const Json body = h.api.body(0);
  EXPECT_EQ(body["model"], "openai/gpt-4o-mini");
  EXPECT_EQ(body["stream"], true);
  std::map<std::string, std::string> headers;
  const test::Request sent = h.api.requests().at(0);
  for (const auto& [name, value] : sent.headers) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    headers[lower] = value;
  }
  EXPECT_EQ(headers["http-referer"], "https://shop.example");
  EXPECT_EQ(headers["x-title"], "my shop");
  EXPECT_EQ(h.number("SELECT tokens FROM ai_llm_budget WHERE scope = '/workflows/shop'"), 15);
}

TEST(AiLlmSettings, AWrongEnvironmentValueNamesTheVariable) {
  Harness h;
  FakeContext ctx;
  h.prepare(ctx);
  ctx.plugin_config["llm_stream"] = "sometimes";
  const StepResult r = h.extract_with(ctx, kCaption);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code, "invalid_input");
  EXPECT_NE(r.error.find("LINKHUB_PLUGIN_AI_LLM_STREAM"), std::string::npos) << r.error;
  EXPECT_EQ(h.api.calls(), 0);
}

}  // namespace
}  // namespace linkhub::ai_llm_test
