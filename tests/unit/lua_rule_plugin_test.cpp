// lua.rule through the real C ABI.
#include <linkhub/engine/plugin_host.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace linkhub {
namespace {

namespace fs = std::filesystem;

class LuaRule : public ::testing::Test {
 protected:
  void SetUp() override {
    host_.load_directory(LINKHUB_PLUGIN_BUILD_DIR);
    // One folder per test process: ctest runs tests in parallel, and a rewrite
    // of a rule another process is reading would race.
    dir_ = fs::path(::testing::TempDir()) / ("lua-rule-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "rules" / "lib");
    std::ofstream(dir_ / "rules" / "gate.lua")
        << "local m = require('lib.math')\nreturn { ok = m.double(input.n) > 5 }\n";
    std::ofstream(dir_ / "rules" / "lib" / "math.lua") << "return { double = function(x) return x * 2 end }\n";
    std::ofstream(dir_ / "rules" / "broken.lua") << "local x = nil\nreturn x.field\n";
    std::ofstream(dir_ / "secret.lua") << "return 'outside'\n";
  }

  StepOutcome run(const Json& input, const std::string& config = R"({"rules_dir": "rules"})") {
    StepCall call;
    call.workflow_dir = dir_.string();
    call.plugin_config = config;
    return host_.invoke(*host_.step("lua.rule"), call, input.dump());
  }

  PluginHost host_;
  fs::path dir_;
};

TEST_F(LuaRule, RunsAFileWithRequireFromTheRulesDirectory) {
  StepOutcome out = run({{"file", "rules/gate.lua"}, {"input", {{"n", 3}}}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["result"]["ok"], true);
}

TEST_F(LuaRule, RunsInlineCode) {
  StepOutcome out = run({{"code", "return #input.items"}, {"input", {{"items", {1, 2, 3}}}}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["result"], 3);
}

TEST_F(LuaRule, NamesTheFileAndLineOfAnError) {
  StepOutcome out = run({{"file", "rules/broken.lua"}});
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("rules/broken.lua:2:"), std::string::npos) << out.error;
}

TEST_F(LuaRule, RefusesFilesOutsideTheRulesDirectory) {
  StepOutcome out = run({{"file", "secret.lua"}});
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("outside the rules directory"), std::string::npos) << out.error;
  StepOutcome dotdot = run({{"file", "rules/../secret.lua"}});
  EXPECT_EQ(dotdot.status, LH_ERROR);
}

TEST_F(LuaRule, NeedsExactlyOneOfFileAndCode) {
  EXPECT_EQ(run({{"input", 1}}).status, LH_ERROR);
  EXPECT_EQ(run({{"file", "rules/gate.lua"}, {"code", "return 1"}}).status, LH_ERROR);
}

TEST_F(LuaRule, StopsRunawayScriptsWithTheConfiguredBudget) {
  StepOutcome out = run({{"code", "while true do end"}}, R"({"max_instructions": 100000})");
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("instruction budget (100000"), std::string::npos) << out.error;
}

}  // namespace
}  // namespace linkhub
