// A plugin's lifecycle through the real C ABI (API 1.1): init gets the
// plugin's config section, the host's log and a place for per-plugin state;
// every step sees that state; lh_plugin_deinit gets it back exactly once,
// after the last step and before the library is unloaded, also when the host
// refuses the plugin after its init.
#include "temp_dir.hpp"

#include <linkhub/engine/plugin_host.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace linkhub {
namespace {

namespace fs = std::filesystem;

const fs::path kLifecyclePlugin = fs::path(LINKHUB_TEST_PLUGIN_DIR) / "linkhub_test_lifecycle.so";

std::vector<std::string> lines_of(const fs::path& file) {
  std::vector<std::string> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

StepOutcome peek(const PluginHost& host) {
  const LoadedStep* step = host.step("test_lifecycle.peek");
  EXPECT_NE(step, nullptr);
  return step == nullptr ? StepOutcome{} : host.invoke(*step, StepCall{}, "{}");
}

class PluginLifecycle : public ::testing::Test {
 protected:
  PluginHostOptions options(Json section) {
    section["journal"] = journal_.string();
    PluginHostOptions o;
    o.plugin_configs = Json{{"test_lifecycle", std::move(section)}, {"other", {{"not", "mine"}}}};
    o.log = [this](const fs::path& library, lh_log_level level, std::string_view line) {
      logged_.push_back(library.filename().string() + " " + std::to_string(level) + " " + std::string(line));
    };
    return o;
  }

  test::TempDir tmp_{"linkhub-lifecycle-"};
  fs::path journal_ = tmp_.path() / "journal.txt";
  std::vector<std::string> logged_;
};

TEST_F(PluginLifecycle, InitSeesItsConfigSectionStepsShareTheStateAndDeinitRunsOnceAfterTheLastStep) {
  {
    PluginHost host(options({{"greeting", "hi"}}));
    ASSERT_TRUE(host.load_file(kLifecyclePlugin)) << host.problems().at(0).message;
    ASSERT_EQ(lines_of(journal_).size(), 1u);
    const Json seen = Json::parse(lines_of(journal_)[0].substr(std::string("init ").size()));
    EXPECT_EQ(seen["greeting"], "hi");
    EXPECT_FALSE(seen.contains("not")) << "another plugin's section";
    EXPECT_EQ(logged_, std::vector<std::string>{"linkhub_test_lifecycle.so 1 initialised"});

    const StepOutcome first = peek(host);
    ASSERT_EQ(first.status, LH_OK) << first.error;
    EXPECT_EQ(first.output["config_at_init"]["greeting"], "hi");
    EXPECT_EQ(first.output["calls"], 1);
    const StepOutcome second = peek(host);
    ASSERT_EQ(second.status, LH_OK) << second.error;
    EXPECT_EQ(second.output["calls"], 2) << "every step reaches the same state";
    EXPECT_EQ(lines_of(journal_).size(), 1u) << "no deinit while the host lives";
  }
  const std::vector<std::string> lines = lines_of(journal_);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], "deinit after 2 calls");
}

TEST_F(PluginLifecycle, APluginWithoutAConfigSectionGetsAnEmptyObject) {
  PluginHostOptions o;
  PluginHost host(o);
  ASSERT_TRUE(host.load_file(kLifecyclePlugin)) << host.problems().at(0).message;
  const StepOutcome out = peek(host);
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["config_at_init"], Json::object());
}

TEST_F(PluginLifecycle, APluginRefusedAfterItsInitIsDeinitialisedBeforeItsLibraryIsUnloaded) {
  {
    PluginHost host(options(Json::object()));
    ASSERT_TRUE(host.load_file(kLifecyclePlugin));
    // The same plugin name twice: refused after its second init succeeded.
    EXPECT_FALSE(host.load_file(kLifecyclePlugin));
    ASSERT_EQ(host.problems().size(), 1u);
    EXPECT_NE(host.problems()[0].message.find("already loaded"), std::string::npos) << host.problems()[0].message;
    const std::vector<std::string> lines = lines_of(journal_);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[2], "deinit after 0 calls") << "the refused copy's state";
    ASSERT_EQ(peek(host).status, LH_OK) << "the first copy is untouched";
  }
  const std::vector<std::string> lines = lines_of(journal_);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[3], "deinit after 1 calls");
}

TEST_F(PluginLifecycle, AStateThatFailsToBuildFailsTheLoadWithItsMessage) {
  PluginHost host(options({{"fail_init", true}}));
  EXPECT_FALSE(host.load_file(kLifecyclePlugin));
  ASSERT_EQ(host.problems().size(), 1u);
  EXPECT_NE(host.problems()[0].message.find("initialisation failed (error): fail_init is set"), std::string::npos)
      << host.problems()[0].message;
  EXPECT_TRUE(lines_of(journal_).empty()) << "no state was built, so nothing is deinitialised";
}

TEST(PluginApiVersion, IsShownAsMajorDotMinor) {
  EXPECT_EQ(plugin_api_version_text(1), "1.0");
  EXPECT_EQ(plugin_api_version_text(LH_API_MAKE_VERSION(1, 0)), "1.0");
  EXPECT_EQ(plugin_api_version_text(LH_API_VERSION), "1.2");
  EXPECT_EQ(plugin_api_version_text(LH_API_MAKE_VERSION(2, 3)), "2.3");
}

}  // namespace
}  // namespace linkhub
