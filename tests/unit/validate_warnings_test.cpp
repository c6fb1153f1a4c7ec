// `linkhub validate` warnings through the real binary: a read of a step that
// may be skipped without a nil guard warns (exit 0), names the `if:` that may
// skip it with its line, and is an error under --strict; the bundled
// workflows are clean even under --strict.
#include "builtin_plugins.hpp"
#include "cli_runner.hpp"

#include <linkhub/engine/validator.hpp>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <filesystem>

namespace linkhub {
namespace {

namespace fs = std::filesystem;
using test::run_linkhub;
using test::shell_quote;

std::string corpus(const std::string& name) {
  return (fs::path(LINKHUB_TEST_DATA_DIR) / "validate" / "invalid" / name).string();
}

TEST(ValidateWarnings, AnUnguardedReadOfASkippableStepWarnsAndExitsZero) {
  const std::string file = corpus("82-unguarded-tiktok-thumbnails.yaml");
  const test::CliResult r = run_linkhub("validate " + shell_quote(file));
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find(file + ":21:19: warning[unguarded-skipped-output]: step 'save': with: reads "
                              "`steps.thumbnails.outputs.thumbnails`, but 'thumbnails' may be skipped (its `if:` at "
                              "line 13)"),
            std::string::npos)
      << r.describe();
  EXPECT_NE(r.err.find("1 file valid (1 warning; --strict makes them errors)"), std::string::npos) << r.describe();
}

TEST(ValidateWarnings, StrictMakesWarningsErrors) {
  const std::string file = corpus("82-unguarded-tiktok-thumbnails.yaml");
  const test::CliResult r = run_linkhub("validate --strict " + shell_quote(file));
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.out.find(":21:19: error[unguarded-skipped-output]"), std::string::npos) << r.describe();
  EXPECT_NE(r.err.find("1 error in 1 file"), std::string::npos) << r.describe();
}

TEST(ValidateWarnings, JsonCarriesTheSeverity) {
  const test::CliResult r =
      run_linkhub("validate --format json " + shell_quote(corpus("81-unguarded-skipped-output.yaml")));
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  const auto list = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(list.is_array()) << r.describe();
  ASSERT_EQ(list.size(), 2u) << r.out;
  for (const auto& d : list) {
    EXPECT_EQ(d.value("severity", ""), "warning") << d.dump();
    EXPECT_EQ(d.value("step", ""), "reader") << d.dump();
  }
  // `through` is skipped only when `maybe` is: the message says so.
  EXPECT_NE(r.out.find("'through' may be skipped (when 'maybe' is, by its `if:` at line 13)"), std::string::npos)
      << r.out;
}

// Only this check warns: every other corpus finding stays an error, so no
// workflow that failed to run before runs now.
TEST(ValidateWarnings, OnlyUnguardedReadsAreWarnings) {
  for (const auto& entry : fs::directory_iterator(fs::path(LINKHUB_TEST_DATA_DIR) / "validate" / "invalid")) {
    if (entry.path().extension() != ".yaml") {
      continue;
    }
    for (const Diagnostic& d : check_workflow_file(entry.path().string(), test::builtin_plugins())) {
      EXPECT_EQ(d.severity == Severity::Warning, d.code == "unguarded-skipped-output") << format_diagnostic(d);
    }
  }
}

TEST(ValidateWarnings, TheBundledWorkflowsAreCleanUnderStrict) {
  std::string files;
  for (const auto& entry : fs::directory_iterator(fs::path(LINKHUB_SOURCE_DIR) / "workflows")) {
    if (entry.path().extension() == ".yaml") {
      files += " " + shell_quote(entry.path().string());
    }
  }
  const test::CliResult r = run_linkhub("validate --strict" + files);
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "") << r.describe();
}

}  // namespace
}  // namespace linkhub
