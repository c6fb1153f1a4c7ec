// The conformance suite of `linkhub plugins check` against plugins that break
// its rules on purpose (tests/plugins/nonconforming.cpp) and one that keeps them.
#include <linkhub/engine/plugin_check.hpp>

#include <gtest/gtest.h>

#include <filesystem>

namespace linkhub {
namespace {

const std::filesystem::path kTestPlugins = LINKHUB_TEST_PLUGIN_DIR;

PluginCheckOptions quick_options() {
  PluginCheckOptions options;
  options.random_inputs = 8;
  options.cancel_bound = std::chrono::milliseconds(1000);
  return options;
}

std::vector<CheckResult> results_of(const PluginCheckReport& report, const std::string& step,
                                    const std::string& check) {
  std::vector<CheckResult> out;
  for (const auto& r : report.results) {
    if (r.step == step && r.check == check) {
      out.push_back(r);
    }
  }
  return out;
}

bool any_fails_with(const std::vector<CheckResult>& results, const std::string& text) {
  for (const auto& r : results) {
    if (r.verdict == CheckVerdict::fail && r.message.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

class NonconformingPlugin : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    report_ = new PluginCheckReport(check_plugin(kTestPlugins / "linkhub_test_nonconforming.so", quick_options()));
  }
  static void TearDownTestSuite() {
    delete report_;
    report_ = nullptr;
  }
  static PluginCheckReport* report_;
};
PluginCheckReport* NonconformingPlugin::report_ = nullptr;

TEST_F(NonconformingPlugin, LoadsAndFails) {
  EXPECT_EQ(report_->plugin, "nonconforming");
  EXPECT_GT(report_->count(CheckVerdict::fail), 0u);
}

TEST_F(NonconformingPlugin, ACrashOnBrokenInputIsReportedWithTheSignalAndTheInput) {
  const auto rejects = results_of(*report_, "nonconforming.crashes", "rejects");
  EXPECT_TRUE(any_fails_with(rejects, "'n' is missing (required), the step crashed (signal 6"));
  EXPECT_TRUE(any_fails_with(rejects, "input: {}"));
  // The engine still refuses those inputs: only the direct call crashed.
  EXPECT_FALSE(any_fails_with(rejects, "validator accepts"));
  EXPECT_TRUE(any_fails_with(results_of(*report_, "nonconforming.crashes", "random"), "the step crashed"));
  // Its example is fine: the suite went on after the crash.
  const auto examples = results_of(*report_, "nonconforming.crashes", "examples");
  ASSERT_EQ(examples.size(), 1u);
  EXPECT_EQ(examples[0].verdict, CheckVerdict::pass) << examples[0].message;
}

TEST_F(NonconformingPlugin, AStepThatIgnoresCancellationIsKilledAtTheBound) {
  const auto cancel = results_of(*report_, "nonconforming.ignores_cancel", "cancel");
  ASSERT_EQ(cancel.size(), 1u);
  EXPECT_EQ(cancel[0].verdict, CheckVerdict::fail);
  EXPECT_NE(cancel[0].message.find("still running after 1000 ms (killed)"), std::string::npos) << cancel[0].message;
  // Uncancelled, the same step is fine.
  const auto random = results_of(*report_, "nonconforming.ignores_cancel", "random");
  ASSERT_EQ(random.size(), 1u);
  EXPECT_EQ(random[0].verdict, CheckVerdict::pass) << random[0].message;
}

TEST_F(NonconformingPlugin, AnExampleWhoseOutputBreaksTheOutputSchemaFails) {
  EXPECT_TRUE(any_fails_with(results_of(*report_, "nonconforming.wrong_example", "examples"),
                             "example #1: the step broke the plugin ABI: step nonconforming.wrong_example returned "
                             "output that does not match its output schema: /count: expected an integer"));
}

TEST_F(NonconformingPlugin, ADefaultThatBreaksItsOwnSchemaFails) {
  EXPECT_TRUE(any_fails_with(results_of(*report_, "nonconforming.bad_default", "schemas"),
                             "input schema: the default at '/properties/limit' (\"ten\") breaks its own schema"));
  const auto examples = results_of(*report_, "nonconforming.bad_default", "examples");
  ASSERT_EQ(examples.size(), 1u);
  EXPECT_EQ(examples[0].verdict, CheckVerdict::skip);
}

TEST(PluginCheck, ALibraryThatDoesNotLoadFailsTheLoadCheckWithTheHostsReason) {
  const auto report = check_plugin(kTestPlugins / "linkhub_test_bad_version.so", quick_options());
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_EQ(report.results[0].check, "load");
  EXPECT_EQ(report.results[0].verdict, CheckVerdict::fail);
  EXPECT_NE(report.results[0].message.find("built for plugin API"), std::string::npos) << report.results[0].message;
}

TEST(PluginCheck, AConformingPluginPassesAndTheJsonReportCountsIt) {
  // The default bounds: a short one could trip on a busy machine, and this
  // plugin must pass.
  PluginCheckOptions options;
  options.random_inputs = 8;
  const auto report = check_plugin(kTestPlugins / "linkhub_test_counter.so", options);
  EXPECT_EQ(report.count(CheckVerdict::fail), 0u) << report_json(report).dump(2);
  const Json json = report_json(report);
  EXPECT_EQ(json["plugin"], "counter");
  EXPECT_EQ(json["failed"], 0);
  EXPECT_EQ(json["checks"].size(), report.results.size());
  // rejects found an input to break: the unknown property under additionalProperties false.
  const auto rejects = results_of(report, "counter.echo", "rejects");
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].verdict, CheckVerdict::pass);
  EXPECT_NE(rejects[0].message.find("broken inputs refused by the engine's validator"), std::string::npos);
}

TEST(PluginCheck, TheSameSeedGivesTheSameRandomInputs) {
  auto options = quick_options();
  options.seed = 7;
  const auto first = check_plugin(kTestPlugins / "linkhub_test_nonconforming.so", options);
  const auto second = check_plugin(kTestPlugins / "linkhub_test_nonconforming.so", options);
  const auto a = results_of(first, "nonconforming.crashes", "random");
  const auto b = results_of(second, "nonconforming.crashes", "random");
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0].message, b[0].message);
}

}  // namespace
}  // namespace linkhub
