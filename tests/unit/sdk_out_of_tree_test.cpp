// Installs linkhub into a temporary prefix, builds sdk/examples/hello as a
// separate CMake project against it, runs its own tests (which use only the
// SDK's test kit), then loads and runs the result: exactly what a plugin
// author does.
#include <linkhub/engine/plugin_host.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace linkhub {
namespace {

namespace fs = std::filesystem;

// Runs a shell command with its output in `log`; true when it exits 0.
bool run(const std::string& command, const fs::path& log) {
  const std::string full = command + " >>" + log.string() + " 2>&1";
  return std::system(full.c_str()) == 0;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(SdkOutOfTree, AnInstalledSdkBuildsTheExamplePluginWhichThenLoadsAndRuns) {
  const fs::path work = fs::path(::testing::TempDir()) / "linkhub-sdk-test";
  fs::remove_all(work);
  fs::create_directories(work);
  const fs::path prefix = work / "prefix";
  const fs::path build = work / "hello-build";
  const fs::path log = work / "log.txt";
  const fs::path source = fs::path(LINKHUB_SOURCE_DIR) / "sdk" / "examples" / "hello";

  ASSERT_TRUE(run("cmake --install '" + std::string(LINKHUB_BUILD_DIR) + "' --prefix '" + prefix.string() + "'", log))
      << read(log);
  ASSERT_TRUE(fs::exists(prefix / "include/linkhub/plugin_api.h"));
  ASSERT_TRUE(run("cmake -S '" + source.string() + "' -B '" + build.string() + "' -G Ninja -DCMAKE_PREFIX_PATH='" +
                      prefix.string() + "'",
                  log))
      << read(log);
  ASSERT_TRUE(run("cmake --build '" + build.string() + "'", log)) << read(log);
  ASSERT_TRUE(fs::exists(prefix / "include/linkhub/testing.hpp"));
  ASSERT_TRUE(run("ctest --test-dir '" + build.string() + "' --output-on-failure", log)) << read(log);
  EXPECT_NE(read(log).find("100% tests passed"), std::string::npos) << read(log);

  PluginHost host;
  host.load_directory(build);
  ASSERT_TRUE(host.problems().empty()) << host.problems()[0].message;
  const LoadedStep* greet = host.step("hello.greet");
  ASSERT_NE(greet, nullptr);
  std::vector<std::string> lines;
  StepCall call;
  call.log = [&](lh_log_level, std::string_view m) { lines.emplace_back(m); };
  StepOutcome out = host.invoke(*greet, call, R"({"who": "plugin author", "shout": true})");
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["greeting"], "HELLO, PLUGIN AUTHOR");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "greeted plugin author");
}

}  // namespace
}  // namespace linkhub
