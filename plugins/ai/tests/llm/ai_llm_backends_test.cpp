// The cache and the daily budget on both databases the plugin supports:
// SQLite and PostgreSQL (LINKHUB_TEST_PG).
#include "ai_llm_test_support.hpp"
#include "test_databases.hpp"

namespace linkhub::ai_llm_test {
namespace {

class AiLlmBackends : public ::testing::TestWithParam<std::string> {};

TEST_P(AiLlmBackends, AnAnswerIsCachedAndItsTokensCountAgainstTheBudget) {
  Harness h;
  h.database = test::fresh_database(GetParam());
  if (h.database.empty()) {
    GTEST_SKIP() << test::postgres_unavailable_reason();
  }
  h.llm_config["daily_token_budget"] = 30;
  h.api.answer(200, completion(valid_entry().dump()));
  const StepResult first = h.extract(kCaption);
  ASSERT_TRUE(first.ok()) << first.error;
  EXPECT_EQ(first.output["cached"], false);
  const StepResult again = h.extract(kCaption);
  ASSERT_TRUE(again.ok()) << again.error;
  EXPECT_EQ(again.output["cached"], true);
  EXPECT_EQ(again.output["brand"], first.output["brand"]);
  EXPECT_EQ(h.api.calls(), 1);

  // 27 of 30 tokens spent: one more request may go (and spends 27 more), then none.
  h.api.answer(200, completion(valid_entry().dump()));
  EXPECT_EQ(h.extract({{"caption", "Red dress $20 #dress"}}).output["backend"], "llm");
  const StepResult over = h.extract({{"caption", "Blue mug $8 #mug"}});
  ASSERT_TRUE(over.ok()) << over.error;
  EXPECT_EQ(over.output["backend"], "builtin");
  EXPECT_NE(over.output["fallback_reason"].get<std::string>().find("(54 tokens spent or claimed today)"),
            std::string::npos)
      << over.output["fallback_reason"];
  EXPECT_EQ(h.api.calls(), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, AiLlmBackends, ::testing::ValuesIn(test::all_sql_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace linkhub::ai_llm_test
