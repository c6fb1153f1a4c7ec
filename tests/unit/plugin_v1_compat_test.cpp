// A plugin built for plugin API 1.0 (tests/plugins/v1: plain C against the
// frozen 1.0 header, returning 1 from lh_plugin_api_version, with the 1.0
// struct sizes) still loads into this host and runs in a workflow.
#include "cli_runner.hpp"
#include "temp_dir.hpp"

#include <linkhub/engine/plugin_host.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace linkhub {
namespace {

namespace fs = std::filesystem;

const fs::path kV1Dir = LINKHUB_V1_PLUGIN_DIR;

TEST(PluginV1Compat, AVersion1PluginLoadsAsApi10AndItsStepRuns) {
  PluginHost host;
  ASSERT_TRUE(host.load_file(kV1Dir / "linkhub_v1.so")) << host.problems().at(0).message;
  const LoadedPlugin* plugin = host.plugin("v1");
  ASSERT_NE(plugin, nullptr);
  EXPECT_EQ(plugin->api_version, 1u);
  EXPECT_EQ(plugin_api_version_text(plugin->api_version), "1.0");
  EXPECT_EQ(plugin->state, nullptr);
  const LoadedStep* step = host.step("v1.echo");
  ASSERT_NE(step, nullptr);
  EXPECT_FALSE(step->signature.pure) << "a descriptor without step_flags (before API 1.2) declares no pure step";
  StepCall call;
  call.attempt = 3;
  std::vector<std::string> lines;
  call.log = [&](lh_log_level, std::string_view line) { lines.emplace_back(line); };
  const StepOutcome out = host.invoke(*step, call, R"({"word":"hello"})");
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output, Json::parse(R"({"echo": {"word": "hello"}, "attempt": 3})"));
  EXPECT_EQ(lines, std::vector<std::string>{"v1.echo ran"});
  const StepOutcome failed = host.invoke(*step, call, R"({"word":"x","fail":true})");
  EXPECT_EQ(failed.status, LH_ERROR);
  EXPECT_EQ(failed.error, "v1.echo failed as asked");
  EXPECT_EQ(failed.code, "") << "a 1.0 plugin has no set_error_code";
}

TEST(PluginV1Compat, AWorkflowUsingAVersion1PluginRunsThroughTheCli) {
  test::TempDir tmp("linkhub-v1-");
  const fs::path workflow = tmp.path() / "v1.yaml";
  std::ofstream(workflow) << R"(name: v1-compat
version: 1
steps:
  - id: first
    uses: v1.echo
    with: { word: "one" }
  - id: second
    uses: v1.echo
    needs: [first]
    with: { word: "${{ steps.first.outputs.echo.word .. ' two' }}" }
outputs:
  said: "${{ steps.second.outputs.echo.word }}"
)";
  const std::string common = " --plugin-dir " + test::shell_quote(kV1Dir.string()) + " --db " +
                             test::shell_quote((tmp.path() / "runs.db").string()) + " --format json";
  const test::CliResult ran = test::run_linkhub("run " + test::shell_quote(workflow.string()) + common);
  ASSERT_EQ(ran.exit_code, 0) << ran.describe();
  EXPECT_NE(ran.out.find("one two"), std::string::npos) << ran.describe();

  const test::CliResult listed = test::run_linkhub("plugins list" + common);
  ASSERT_EQ(listed.exit_code, 0) << listed.describe();
  const Json plugins = Json::parse(listed.out, nullptr, false);
  ASSERT_TRUE(plugins.is_object()) << listed.describe();
  bool found = false;
  for (const Json& p : plugins["plugins"]) {
    if (p["name"] == "v1") {
      found = true;
      EXPECT_EQ(p["api_version"], "1.0");
    } else {
      EXPECT_EQ(p["api_version"], "1.2") << p["name"];
    }
  }
  EXPECT_TRUE(found) << listed.describe();
}

}  // namespace
}  // namespace linkhub
