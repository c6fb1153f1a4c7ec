// The plugin host through the real C ABI: what it loads, what it refuses and
// why, and that nothing a plugin does crosses the boundary as an exception.
#include <linkhub/engine/plugin_host.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace linkhub {
namespace {

namespace fs = std::filesystem;

const fs::path kTestPlugins = LINKHUB_TEST_PLUGIN_DIR;

fs::path test_plugin(const std::string& name) {
  return kTestPlugins / ("linkhub_test_" + name + ".so");
}

std::string only_problem(const PluginHost& host) {
  EXPECT_EQ(host.problems().size(), 1u);
  return host.problems().empty() ? "" : host.problems()[0].message;
}

StepOutcome invoke(const PluginHost& host, const std::string& uses, const Json& input, StepCall call = {}) {
  const LoadedStep* step = host.step(uses);
  EXPECT_NE(step, nullptr) << uses;
  if (step == nullptr) {
    return {};
  }
  return host.invoke(*step, call, input.dump());
}

TEST(PluginHost, LoadsEveryBuiltInPluginWithValidSchemas) {
  PluginHost host;
  host.load_directory(LINKHUB_PLUGIN_BUILD_DIR);
  EXPECT_TRUE(host.problems().empty()) << host.problems()[0].message;
  ASSERT_NE(host.plugin("core"), nullptr);
  ASSERT_NE(host.plugin("lua"), nullptr);
  for (const auto* plugin : host.plugins()) {
    EXPECT_FALSE(plugin->version.empty()) << plugin->name;
    EXPECT_FALSE(plugin->description.empty()) << plugin->name;
    for (const auto& step : plugin->steps) {
      SCOPED_TRACE(step->signature.uses);
      EXPECT_FALSE(step->signature.description.empty());
      EXPECT_EQ(step->signature.input_schema.value("type", ""), "object");
      EXPECT_TRUE(step->signature.output_schema.is_object());
      // Conformance: an empty input never crashes a step; it succeeds or says why not.
      if (step->signature.uses == "core.delay") {
        continue;  // would wait; covered by the executor tests
      }
      StepOutcome out = host.invoke(*step, StepCall{}, "{}");
      if (out.status != LH_OK) {
        EXPECT_FALSE(out.error.empty());
      }
    }
  }
}

// LH_STEP_PURE, from the SDK's `static constexpr bool pure = true;`.
TEST(PluginHost, ReadsWhichStepsArePure) {
  PluginHost host;
  host.load_directory(LINKHUB_PLUGIN_BUILD_DIR);
  for (const char* uses : {"core.transform", "lua.rule"}) {
    ASSERT_NE(host.step(uses), nullptr) << uses;
    EXPECT_TRUE(host.step(uses)->signature.pure) << uses;
  }
  for (const char* uses : {"core.http", "core.log", "core.delay", "catalog.upsert"}) {
    ASSERT_NE(host.step(uses), nullptr) << uses;
    EXPECT_FALSE(host.step(uses)->signature.pure) << uses;
  }
}

TEST(PluginHost, RefusesAPluginBuiltForAnotherApiVersionNamingBothVersions) {
  PluginHost host;
  EXPECT_FALSE(host.load_file(test_plugin("bad_version")));
  const std::string msg = only_problem(host);
  EXPECT_NE(msg.find("built for plugin API 2.0"), std::string::npos) << msg;
  EXPECT_NE(msg.find("loads 1.0 to 1.2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("upgrade linkhub"), std::string::npos) << msg;
  EXPECT_NE(host.problems()[0].path.string().find("linkhub_test_bad_version.so"), std::string::npos);
}

TEST(PluginHost, RefusesALibraryWithoutTheEntryPoints) {
  PluginHost host;
  EXPECT_FALSE(host.load_file(test_plugin("not_a_plugin")));
  EXPECT_NE(only_problem(host).find("not a linkhub plugin"), std::string::npos);
}

TEST(PluginHost, SkipsARandomFileRenamedToSo) {
  const fs::path dir = fs::path(::testing::TempDir()) / "junk-plugins";
  fs::create_directories(dir);
  std::ofstream(dir / "junk.so") << "this is not an ELF file\n";
  PluginHost host;
  host.load_directory(dir);
  const std::string msg = only_problem(host);
  EXPECT_NE(msg.find("cannot be loaded as a shared library"), std::string::npos) << msg;
  ASSERT_EQ(host.plugins().size(), 1u) << "only the engine's built-in steps";
  EXPECT_TRUE(host.plugins()[0]->builtin);
}

TEST(PluginHost, ReportsInitFailuresWithThePluginsOwnMessage) {
  PluginHost host;
  EXPECT_FALSE(host.load_file(test_plugin("init_fails")));
  EXPECT_NE(only_problem(host).find("the license file is missing"), std::string::npos);
}

TEST(PluginHost, ReportsAnExceptionThrownDuringInit) {
  PluginHost host;
  EXPECT_FALSE(host.load_file(test_plugin("init_throws")));
  EXPECT_NE(only_problem(host).find("schema construction exploded"), std::string::npos);
}

TEST(PluginHost, RefusesAPluginWhoseSchemaIsNotJson) {
  PluginHost host;
  EXPECT_FALSE(host.load_file(test_plugin("bad_schema")));
  EXPECT_NE(only_problem(host).find("input schema is not valid JSON"), std::string::npos);
}

TEST(PluginHost, RefusesASecondPluginWithTheSameName) {
  PluginHost host;
  host.load_directory(LINKHUB_PLUGIN_BUILD_DIR);
  EXPECT_FALSE(host.load_file(test_plugin("duplicate_core")));
  const std::string msg = host.problems().back().message;
  EXPECT_NE(msg.find("'core' is already loaded"), std::string::npos) << msg;
  EXPECT_EQ(host.plugin("core")->version, "1.0.0");
}

TEST(PluginHost, ReportsAMissingPluginDirectory) {
  PluginHost host;
  host.load_directory("/nonexistent/linkhub/plugins");
  EXPECT_NE(only_problem(host).find("does not exist"), std::string::npos);
}

TEST(PluginHost, TurnsThrownValuesIntoFailedSteps) {
  PluginHost host;
  ASSERT_TRUE(host.load_file(test_plugin("step_throws")));
  StepOutcome thrown_int = invoke(host, "step_throws.int", Json::object());
  EXPECT_EQ(thrown_int.status, LH_ERROR);
  EXPECT_NE(thrown_int.error.find("unknown exception"), std::string::npos) << thrown_int.error;
  StepOutcome thrown_std = invoke(host, "step_throws.std", Json::object());
  EXPECT_NE(thrown_std.status, LH_OK);
  EXPECT_FALSE(thrown_std.bad_output);  // a failure the plugin reported, not a broken contract
  EXPECT_NE(thrown_std.error.find("missing"), std::string::npos) << thrown_std.error;
}

TEST(PluginHost, RejectsMalformedPluginOutput) {
  PluginHost host;
  ASSERT_TRUE(host.load_file(test_plugin("malformed_output")));
  StepOutcome out = invoke(host, "malformed_output.garbage", Json::object());
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_TRUE(out.bad_output);
  EXPECT_NE(out.error.find("malformed JSON"), std::string::npos) << out.error;
}

TEST(PluginHost, RejectsOutputThatBreaksTheStepsOwnSchema) {
  PluginHost host;
  ASSERT_TRUE(host.load_file(test_plugin("schema_violation")));
  StepOutcome out = invoke(host, "schema_violation.liar", Json::object());
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_TRUE(out.bad_output);
  EXPECT_NE(out.error.find("/count"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("expected an integer"), std::string::npos) << out.error;
}

TEST(PluginHost, HandsTheStepItsContext) {
  PluginHost host;
  ASSERT_TRUE(host.load_file(test_plugin("counter")));
  std::vector<std::string> logged;
  StepCall call;
  call.run_id = "run-1";
  call.step_id = "echo";
  call.idempotency_key = "run-1/echo/3";
  call.attempt = 2;
  call.artifact_dir = (fs::path(::testing::TempDir()) / "artifacts" / "run-1").string();
  call.plugin_config = R"({"greeting": "hi"})";
  call.deadline_ms = 4'102'444'800'000;  // 2100-01-01
  call.log = [&](lh_log_level, std::string_view m) { logged.emplace_back(m); };
  call.secret = [](std::string_view name) -> std::optional<std::string> {
    return name == "TOKEN" ? std::optional<std::string>("t0k3n") : std::nullopt;
  };
  StepOutcome out = invoke(host, "counter.echo", Json{{"secret", "TOKEN"}}, call);
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["key"], "run-1/echo/3");
  EXPECT_EQ(out.output["attempt"], 2);
  EXPECT_EQ(out.output["run_id"], "run-1");
  EXPECT_EQ(out.output["config"]["greeting"], "hi");
  EXPECT_EQ(out.output["has_deadline"], true);
  EXPECT_EQ(out.output["secret_found"], true);
  EXPECT_TRUE(fs::is_directory(call.artifact_dir));
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0], "echo for echo");
  StepOutcome missing = invoke(host, "counter.echo", Json{{"secret", "NOPE"}}, call);
  EXPECT_EQ(missing.output["secret_found"], false);
}

}  // namespace
}  // namespace linkhub
