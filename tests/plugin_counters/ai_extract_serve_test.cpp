// What a new user checks, through the real `linkhub serve` and its REST API:
// plugins/ai/examples/extract-demo.yaml with ai.extract pointed (by
// environment variables) at a loopback OpenAI-compatible stand-in. A valid
// answer gives validated fields and tokens; the same caption again is served
// from the cache with no request; garbage, then 429s, then a closed port each
// leave the run succeeding on the built-in backend with the reason; /metrics
// sums the tokens and cost (linkhub_plugin_counter_total).
#include "ai_llm_test_support.hpp"
#include "child_process.hpp"
#include "http_client.hpp"

namespace linkhub::ai_llm_test {
namespace {

class ExtractThroughServe : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = (dir_.path() / "linkhub.db").string();
    fs::create_directories(dir_.path() / "workflows");
    fs::copy_file(fs::path(LINKHUB_SOURCE_DIR) / "plugins" / "ai" / "examples" / "extract-demo.yaml",
                  dir_.path() / "workflows" / "extract-demo.yaml");
    test::ChildProcess keys({LINKHUB_BINARY, "keys", "create", "--role", "operator", "--db", db_}, {}, dir_.str());
    const auto line = keys.read_until("lhk_");
    ASSERT_TRUE(line.has_value()) << keys.transcript();
    ASSERT_EQ(keys.wait().code, 0) << keys.transcript();
    key_ = *line;
    api_ = std::make_unique<OpenAiStandIn>();
    serve_ = std::make_unique<test::ChildProcess>(
        std::vector<std::string>{LINKHUB_BINARY, "serve", "--listen", "127.0.0.1:0", "--db", db_, "--workflows",
                                 (dir_.path() / "workflows").string(), "--threads", "2"},
        std::map<std::string, std::string>{
            {"LINKHUB_PLUGIN_AI_LLM_BASE_URL", api_->base_url()},
            {"LINKHUB_PLUGIN_AI_LLM_MODEL", kModel},
            {"LINKHUB_PLUGIN_AI_LLM_MAX_RETRY_WAIT_MS", "0"},
            {"LINKHUB_PLUGIN_AI_LLM_TIMEOUT_MS", "5000"},
            {"LINKHUB_PLUGIN_AI_LLM_PRICES",
             Json{{kModel, {{"input_per_million", 2.5}, {"output_per_million", 10}}}}.dump()},
            {"LINKHUB_SECRET_OPENAI_API_KEY", kKey},
            {"LINKHUB_HTTP_ALLOW", "127.0.0.1"}},
        dir_.str());
    const auto listening = serve_->read_until("serve.listening");
    ASSERT_TRUE(listening.has_value()) << serve_->transcript();
    const uint16_t port = Json::parse(listening->substr(listening->find('{')))["port"].get<uint16_t>();
    http_ = std::make_unique<test::HttpClient>(port);
    http_->set_default_headers({{"Authorization", "Bearer " + key_}});
  }

  // The run's `entry` output, once it has finished.
  Json extract(const std::string& caption) {
    const test::HttpAnswer a = http_->post_json("/api/v1/workflows/ai-extract-demo/runs?wait=60s",
                                                Json{{"inputs", {{"caption", caption}}}}.dump());
    EXPECT_EQ(a.status, 200) << a.body << "\n" << serve_->transcript();
    const Json run = a.json();
    EXPECT_EQ(run.value("status", std::string()), "succeeded") << a.body;
    return run.contains("outputs") ? run["outputs"].value("entry", Json()) : Json();
  }

  test::TempDir dir_{"linkhub-ai-e2e-"};
  std::string db_;
  std::string key_;
  std::unique_ptr<OpenAiStandIn> api_;
  std::unique_ptr<test::ChildProcess> serve_;
  std::unique_ptr<test::HttpClient> http_;
};

TEST_F(ExtractThroughServe, ValidatedFieldsThenTheCacheThenTheBuiltinBackendWithTheReason) {
  // 1. A valid answer: validated fields, tokens and cost.
  api_->answer(200, completion(valid_entry().dump()));
  const Json first = extract(kCaption["caption"].get<std::string>());
  EXPECT_EQ(first["backend"], "llm") << first.dump();
  EXPECT_EQ(first["brand"]["value"], "Nike");
  EXPECT_EQ(first["usage"]["total_tokens"], 27);
  EXPECT_EQ(api_->calls(), 1);

  // 2. The same caption again: from the cache, no request.
  const Json again = extract(kCaption["caption"].get<std::string>());
  EXPECT_EQ(again["cached"], true) << again.dump();
  EXPECT_EQ(again["brand"]["value"], "Nike");
  EXPECT_EQ(api_->calls(), 1);

  // 3. Garbage, and garbage again on the repair: the built-in extractors, with why.
  api_->answer(200, completion("Sure! Here is your product: a nice shirt."));
  api_->answer(200, completion("Still not JSON"));
  const Json garbage = extract("Linen shirt only $24.99 #linen");
  EXPECT_EQ(garbage["backend"], "builtin") << garbage.dump();
  EXPECT_NE(garbage.value("fallback_reason", std::string()).find("not valid JSON"), std::string::npos)
      << garbage.dump();
  EXPECT_EQ(api_->calls(), 3);

  // 4. 429s on every attempt (3): rate limited, the built-in extractors answer.
  for (int i = 0; i < 3; ++i) {
    api_->answer(429, Json{{"error", {{"message", "Rate limit reached"}, {"code", "rate_limit_exceeded"}}}},
                 {{"Retry-After", "0"}});
  }
  const Json limited = extract("Ceramic mug set 19,99 € #kitchen");
  EXPECT_EQ(limited["backend"], "builtin") << limited.dump();
  EXPECT_NE(limited.value("fallback_reason", std::string()).find("429"), std::string::npos) << limited.dump();
  EXPECT_EQ(api_->calls(), 6);

  // 5. Nothing listens any more: the built-in extractors answer, saying the
  // connection failed (or, when the 429s opened the host's circuit, that it is open).
  api_.reset();
  const Json closed = extract("Red dress $20 #dress");
  EXPECT_EQ(closed["backend"], "builtin") << closed.dump();
  const std::string why = closed.value("fallback_reason", std::string());
  EXPECT_TRUE(why.find("onnect") != std::string::npos || why.find("circuit open") != std::string::npos) << why;

  // /metrics: the tokens of the three answers the model gave (the valid one
  // and the two garbage ones are all paid for), and their cost.
  const test::HttpAnswer metrics = http_->get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  const std::string labels =
      "{plugin=\"ai\",counter=\"llm_prompt_tokens\",model=\"" + std::string(kModel) + "\",step=\"ai.extract\"}";
  EXPECT_NE(metrics.body.find("linkhub_plugin_counter_total" + labels + " 51\n"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("linkhub_plugin_counter_total{plugin=\"ai\",counter=\"llm_cost_usd\""),
            std::string::npos);
  EXPECT_NE(metrics.body.find("linkhub_plugin_counter_total{plugin=\"ai\",counter=\"llm_cache_hits\",model=\"" +
                              std::string(kModel) + "\",step=\"ai.extract\"} 1\n"),
            std::string::npos);
  EXPECT_NE(metrics.body.find(
                "linkhub_plugin_counter_total{plugin=\"ai\",counter=\"llm_fallbacks\",step=\"ai.extract\"} 3\n"),
            std::string::npos);
}

}  // namespace
}  // namespace linkhub::ai_llm_test
