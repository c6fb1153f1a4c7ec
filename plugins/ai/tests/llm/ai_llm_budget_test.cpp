// The daily token budget across a cluster: two callers at once on the same
// database (SQLite, and PostgreSQL with LINKHUB_TEST_PG) when only one more
// request fits; and what the backend counts for /metrics.
#include "ai_llm_test_support.hpp"
#include "test_databases.hpp"

#include <thread>

namespace linkhub::ai_llm_test {
namespace {

class AiLlmBudget : public ::testing::TestWithParam<std::string> {};

TEST_P(AiLlmBudget, OfTwoCallersAtOnceOnlyOnePassesWhenOneRequestIsLeft) {
  Harness h;
  h.database = test::fresh_database(GetParam());
  if (h.database.empty()) {
    GTEST_SKIP() << test::postgres_unavailable_reason();
  }
  // A request claims at least 1,024 tokens before it goes, and each answer
  // counts 1,400: with 1,000 a day only the first claim fits, whichever
  // caller makes it, before or after the other's request is settled.
  h.llm_config["daily_token_budget"] = 1000;
  Json big = completion(valid_entry().dump());
  big["usage"] = {{"prompt_tokens", 1000}, {"completion_tokens", 400}, {"total_tokens", 1400}};
  h.api.answer(200, big);
  h.api.answer(200, big);
  // Different captions: neither can be served from the other's cache entry.
  const std::vector<Json> inputs = {{{"caption", "Red linen dress $20 #dress"}, {"budget_key", "shop"}},
                                    {{"caption", "Blue ceramic mug $8 #mug"}, {"budget_key", "shop"}}};
  std::vector<StepResult> results(2);
  {
    std::vector<std::thread> callers;
    for (size_t i = 0; i < 2; ++i) {
      callers.emplace_back([&, i] { results[i] = h.extract(inputs[i]); });
    }
    for (auto& t : callers) {
      t.join();
    }
  }
  int llm = 0;
  int refused = 0;
  for (const StepResult& r : results) {
    ASSERT_TRUE(r.ok()) << r.error;
    if (r.output["backend"] == "llm") {
      ++llm;
    } else if (r.output.value("fallback_reason", std::string()).find("daily token budget of 1000 for \"shop\"") !=
               std::string::npos) {
      ++refused;
    }
  }
  EXPECT_EQ(llm, 1);
  EXPECT_EQ(refused, 1);
  EXPECT_EQ(h.api.calls(), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, AiLlmBudget, ::testing::ValuesIn(test::all_sql_backends()),
                         [](const auto& info) { return info.param; });

double counted(const FakeContext& ctx, const std::string& name) {
  double sum = 0;
  for (const auto& c : ctx.counter_calls) {
    if (c.name == name) {
      sum += c.amount;
    }
  }
  return sum;
}

TEST(AiLlmCounters, TokensCostCacheHitsAndFallbacksAreCountedForMetrics) {
  Harness h;
  h.api.answer(200, completion(valid_entry().dump()));
  FakeContext paid;
  h.prepare(paid);
  ASSERT_TRUE(h.extract_with(paid, kCaption).ok());
  EXPECT_EQ(counted(paid, "llm_requests"), 1);
  EXPECT_EQ(counted(paid, "llm_prompt_tokens"), 17);
  EXPECT_EQ(counted(paid, "llm_completion_tokens"), 10);
  EXPECT_NEAR(counted(paid, "llm_cost_usd"), (17 * 2.5 + 10 * 10) / 1e6, 1e-12);
  ASSERT_FALSE(paid.counter_calls.empty());
  EXPECT_EQ(paid.counter_calls[0].labels, Json({{"model", kModel}, {"step", "ai.extract"}}));

  FakeContext cached;
  h.prepare(cached);
  ASSERT_TRUE(h.extract_with(cached, kCaption).ok());
  EXPECT_EQ(counted(cached, "llm_cache_hits"), 1);
  EXPECT_EQ(counted(cached, "llm_prompt_tokens"), 0);

  FakeContext keyless;
  h.prepare(keyless);
  keyless.secrets.clear();
  ASSERT_TRUE(h.extract_with(keyless, {{"caption", "Green mug $9"}}).ok());
  EXPECT_EQ(counted(keyless, "llm_fallbacks"), 1);
}

}  // namespace
}  // namespace linkhub::ai_llm_test
