// lua.rule of the plugin this build produced, through its C ABI on the SDK's
// fake host (linkhub/testing.hpp).
#include "checked_step.hpp"

#include <linkhub/testing.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace linkhub {
namespace {

namespace fs = std::filesystem;
using Json = sdk::Json;
using sdk::testing::FakeContext;
using sdk::testing::StepResult;

const sdk::testing::Plugin& lua() {
  static const sdk::testing::Plugin plugin(fs::path(LINKHUB_PLUGIN_BUILD_DIR) / "linkhub_lua.so");
  return plugin;
}

class LuaRule : public ::testing::Test {
 protected:
  void SetUp() override {
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

  StepResult run(const Json& input, const std::string& config = R"({"rules_dir": "rules"})") {
    FakeContext ctx;
    ctx.workflow_dir = dir_.string();
    ctx.plugin_config = Json::parse(config);
    return test::run_checked_step(lua(), "rule", ctx, input);
  }

  fs::path dir_;
};

TEST_F(LuaRule, RunsAFileWithRequireFromTheRulesDirectory) {
  StepResult out = run({{"file", "rules/gate.lua"}, {"input", {{"n", 3}}}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["result"]["ok"], true);
}

TEST_F(LuaRule, RunsInlineCode) {
  StepResult out = run({{"code", "return #input.items"}, {"input", {{"items", {1, 2, 3}}}}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["result"], 3);
}

TEST_F(LuaRule, NamesTheFileAndLineOfAnError) {
  StepResult out = run({{"file", "rules/broken.lua"}});
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("rules/broken.lua:2:"), std::string::npos) << out.error;
}

TEST_F(LuaRule, RefusesFilesOutsideTheRulesDirectory) {
  StepResult out = run({{"file", "secret.lua"}});
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("outside the rules directory"), std::string::npos) << out.error;
  StepResult dotdot = run({{"file", "rules/../secret.lua"}});
  EXPECT_EQ(dotdot.status, LH_ERROR);
}

TEST_F(LuaRule, NeedsExactlyOneOfFileAndCode) {
  EXPECT_EQ(run({{"input", 1}}).status, LH_ERROR);
  EXPECT_EQ(run({{"file", "rules/gate.lua"}, {"code", "return 1"}}).status, LH_ERROR);
}

TEST_F(LuaRule, StopsRunawayScriptsWithTheConfiguredBudget) {
  StepResult out = run({{"code", "while true do end"}}, R"({"max_instructions": 100000})");
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("instruction budget (100000"), std::string::npos) << out.error;
}

}  // namespace
}  // namespace linkhub
