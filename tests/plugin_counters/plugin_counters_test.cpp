// Counters plugins add to through lh_context add_counter: the registry's
// rules (names, labels, the cap on series) and the /metrics text. The ai
// plugin adds to them through the real C ABI in ai_extract_serve_test.cpp.
#include "http/metrics.hpp"

#include <linkhub/engine/plugin_counters.hpp>

#include <gtest/gtest.h>

#include <limits>

namespace linkhub {
namespace {

TEST(PluginCounters, SumsPerPluginCounterAndLabels) {
  PluginCounters c;
  EXPECT_TRUE(c.add("ai", "llm_prompt_tokens", Json{{"model", "gpt-4o"}, {"step", "ai.extract"}}, 17));
  EXPECT_TRUE(c.add("ai", "llm_prompt_tokens", Json{{"step", "ai.extract"}, {"model", "gpt-4o"}}, 34));
  EXPECT_TRUE(c.add("ai", "llm_prompt_tokens", Json{{"model", "gpt-4o-mini"}, {"step", "ai.extract"}}, 5));
  EXPECT_TRUE(c.add("media", "frames", Json(), 2.5));
  const auto s = c.snapshot();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].plugin, "ai");
  EXPECT_EQ(s[0].value, 51);  // label order does not make another series
  EXPECT_EQ(s[0].labels,
            (std::vector<std::pair<std::string, std::string>>{{"model", "gpt-4o"}, {"step", "ai.extract"}}));
  EXPECT_EQ(s[1].value, 5);
  EXPECT_EQ(s[2].plugin, "media");
  EXPECT_TRUE(s[2].labels.empty());
}

TEST(PluginCounters, RefusesMalformedNamesLabelsAndAmounts) {
  PluginCounters c;
  EXPECT_FALSE(c.add("ai", "Tokens", Json(), 1));
  EXPECT_FALSE(c.add("ai", "", Json(), 1));
  EXPECT_FALSE(c.add("ai", std::string(65, 'a'), Json(), 1));
  EXPECT_FALSE(c.add("ai", "tokens", Json{{"plugin", "other"}}, 1));  // the host's label
  EXPECT_FALSE(c.add("ai", "tokens", Json{{"model", 4}}, 1));
  EXPECT_FALSE(c.add("ai", "tokens", Json{{"Model", "x"}}, 1));
  EXPECT_FALSE(c.add("ai", "tokens", Json{{"model", std::string(129, 'x')}}, 1));
  EXPECT_FALSE(c.add("ai", "tokens", Json{{"a", "1"}, {"b", "1"}, {"c", "1"}, {"d", "1"}, {"e", "1"}}, 1));
  EXPECT_FALSE(c.add("ai", "tokens", Json(), -1));
  EXPECT_FALSE(c.add("ai", "tokens", Json(), std::numeric_limits<double>::quiet_NaN()));
  EXPECT_TRUE(c.snapshot().empty());
  EXPECT_EQ(c.refused(), 10u);
}

TEST(PluginCounters, NewSeriesPastTheCapAreRefusedWhileExistingOnesKeepCounting) {
  PluginCounters c(3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(c.add("ai", "requests", Json{{"id", std::to_string(i)}}, 1));
  }
  EXPECT_FALSE(c.add("ai", "requests", Json{{"id", "3"}}, 1));
  EXPECT_TRUE(c.add("ai", "requests", Json{{"id", "0"}}, 1));
  const auto s = c.snapshot();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].value, 2);
  EXPECT_EQ(c.refused(), 1u);
}

TEST(PluginCounters, MetricsPrintEachSeriesWithEscapedLabels) {
  PluginCounters c;
  c.add("ai", "llm_cost_usd", Json{{"model", "we\"ird\\model"}}, 0.0001425);
  const std::string text = http::plugin_counter_metrics(c);
  EXPECT_NE(text.find("# TYPE linkhub_plugin_counter_total counter\n"), std::string::npos) << text;
  EXPECT_NE(
      text.find("linkhub_plugin_counter_total{plugin=\"ai\",counter=\"llm_cost_usd\",model=\"we\\\"ird\\\\model\"} "
                "0.0001425\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("linkhub_plugin_counter_refused_total 0\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace linkhub
