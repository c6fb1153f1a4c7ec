// Issue 10 item 6: names are checked where they enter (one rule,
// linkhub/engine/names.hpp) and text from runs, keys and plugins reaches a
// terminal with its control characters escaped: a stored escape sequence
// cannot clear the screen, move the cursor or retitle the terminal.
#include "cli_runner.hpp"
#include "serve_fixture.hpp"

#include "auth/auth_store.hpp"

#include <linkhub/engine/names.hpp>
#include <linkhub/engine/workflow.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

namespace linkhub::test {
namespace {

const std::vector<std::string> kBadNames = {"\x1b[2Jgone", "../x", "a/b", "<script>alert(1)</script>", "UPPER",
                                            "-dash",       "",     "a b", std::string(65, 'a'),        ".hidden"};

// The name as a YAML double-quoted scalar (ESC written as \e: YAML allows no raw control characters).
std::string workflow_named(const std::string& name) {
  std::string quoted;
  for (char c : name) {
    quoted += c == '\x1b' ? std::string("\\e") : c == '"' || c == '\\' ? "\\" + std::string(1, c) : std::string(1, c);
  }
  return "name: \"" + quoted + "\"\nsteps:\n  - id: a\n    uses: core.transform\n    with: { value: 1 }\n";
}

TEST(SecurityNames, TheRuleKeepsWhatShipsAndRefusesTheRest) {
  for (const std::string& ok :
       std::vector<std::string>{"hello", "tiktok-to-catalog", "caption_gate", "v1.2", "0day", std::string(64, 'a')}) {
    EXPECT_TRUE(valid_name(ok)) << ok;
  }
  for (const auto& bad : kBadNames) {
    EXPECT_FALSE(valid_name(bad)) << bad;
  }
  EXPECT_TRUE(valid_id("fetch_page-2"));
  EXPECT_FALSE(valid_id("a.b"));  // expressions read steps.<id>.outputs
  EXPECT_FALSE(valid_id("\x1b"));
  EXPECT_TRUE(valid_label("shop sync (caf\xC3\xA9)"));
  EXPECT_FALSE(valid_label("\x1b[2J"));
  EXPECT_FALSE(valid_label("two\nlines"));
  EXPECT_FALSE(
      valid_label("\xC2\x9B"
                  "2J"));  // C1 CSI
  EXPECT_FALSE(
      valid_label("\xE2\x80\xAE"
                  "txt"));  // right-to-left override
  EXPECT_FALSE(valid_label("\xFF"));
}

TEST(SecurityNames, TerminalSafeEscapesEveryControlCharacter) {
  EXPECT_EQ(terminal_safe("a\x1b[2Jb"), "a\\e[2Jb");
  EXPECT_EQ(terminal_safe("x\ny\tz\r\x07"), "x\\ny\\tz\\r\\x07");
  EXPECT_EQ(terminal_safe("\xC2\x9B"), "\\u{009B}");
  EXPECT_EQ(terminal_safe("\xFF"), "\\xFF");
  EXPECT_EQ(terminal_safe("caf\xC3\xA9"), "caf\xC3\xA9");
}

TEST(SecurityNames, TheLoaderRefusesBadWorkflowNamesAtTheirLine) {
  for (const auto& bad : kBadNames) {
    if (bad.empty()) {
      continue;  // "must not be empty", its own message
    }
    const LoadResult loaded = load_workflow_text(workflow_named(bad), "w.yaml");
    bool found = false;
    for (const auto& d : loaded.diagnostics) {
      if (d.code == "invalid-name") {
        found = true;
        EXPECT_EQ(d.pos.line, 1) << bad;
        EXPECT_NE(d.message.find("a-z, 0-9"), std::string::npos) << d.message;
      }
    }
    EXPECT_TRUE(found) << bad;
  }
  const LoadResult ids = load_workflow_text(
      "name: ok\nsteps:\n  - id: \"../x\"\n    uses: core.transform\n    with: { value: 1 }\n", "w.yaml");
  ASSERT_FALSE(ids.diagnostics.empty());
  EXPECT_EQ(ids.diagnostics[0].code, "invalid-id");
  EXPECT_EQ(ids.diagnostics[0].pos.line, 3);
}

TEST(SecurityNames, ValidateAndRunRefuseABadNameAndPrintNoEscape) {
  TempDir dir;
  const auto file = dir.path() / "w.yaml";
  std::ofstream(file, std::ios::binary) << workflow_named("\x1b[2Jgone");
  const CliResult validated = run_linkhub("validate " + shell_quote(file.string()));
  EXPECT_EQ(validated.exit_code, 1) << validated.describe();
  EXPECT_NE(validated.out.find("error[invalid-name]"), std::string::npos) << validated.describe();
  EXPECT_EQ((validated.out + validated.err).find('\x1b'), std::string::npos) << validated.describe();
  const std::string db = " --db " + shell_quote((dir.path() / "runs.db").string());
  const CliResult ran = run_linkhub("run " + shell_quote(file.string()) + db);
  EXPECT_NE(ran.exit_code, 0) << ran.describe();
  EXPECT_EQ((ran.out + ran.err).find('\x1b'), std::string::npos) << ran.describe();
}

TEST(SecurityNames, RunTablesShowNoRawEscapeFromStepErrors) {
  TempDir dir;
  const auto file = dir.path() / "loud.yaml";
  std::ofstream(file, std::ios::binary)
      << "name: loud\nsteps:\n  - id: boom\n    uses: core.fail\n"
         "    with: { always: true, retryable: false, message: \"\\e[2J\\e]0;pwned\\a cleared\" }\n";
  const std::string db = " --db " + shell_quote((dir.path() / "runs.db").string());
  const CliResult ran = run_linkhub("run " + shell_quote(file.string()) + db + " --format json");
  const std::string id = nlohmann::json::parse(ran.out, nullptr, false).value("run_id", "");
  ASSERT_FALSE(id.empty()) << ran.describe();
  for (const std::string& command :
       std::vector<std::string>{"runs list", "runs show " + id + " --events", "run " + shell_quote(file.string())}) {
    const CliResult shown = run_linkhub(command + db);
    EXPECT_NE(shown.out.find("cleared"), std::string::npos) << command << "\n" << shown.describe();
    EXPECT_NE(shown.out.find("\\e[2J"), std::string::npos) << command << "\n" << shown.describe();
    EXPECT_EQ((shown.out + shown.err).find('\x1b'), std::string::npos) << command << "\n" << shown.describe();
    EXPECT_EQ((shown.out + shown.err).find('\x07'), std::string::npos) << command << "\n" << shown.describe();
  }
}

TEST(SecurityNames, KeyNamesWithControlCharactersAreRefused) {
  TempDir dir;
  const std::string db = " --db " + shell_quote((dir.path() / "auth.db").string());
  const CliResult refused = run_linkhub("keys create --role viewer --name " + shell_quote("\x1b[2J") + db);
  EXPECT_NE(refused.exit_code, 0) << refused.describe();
  EXPECT_EQ((refused.out + refused.err).find('\x1b'), std::string::npos) << refused.describe();
  const CliResult fine = run_linkhub("keys create --role viewer --name 'shop sync'" + db);
  EXPECT_EQ(fine.exit_code, 0) << fine.describe();
  const CliResult listed = run_linkhub("keys list" + db);
  EXPECT_NE(listed.out.find("shop sync"), std::string::npos) << listed.describe();
}

TEST_F(ServeTest, SecurityNamesRegistryAndKeysRefuseBadNames) {
  start();
  for (const std::string segment : {"%1B%5B2Jgone", "..%2Fx", "a%2Fb", "%3Cscript%3E", "UPPER"}) {
    HttpRequest put;
    put.method = "PUT";
    put.target = "/api/v1/workflows/" + segment;
    put.content_type = "application/yaml";
    put.body = workflow_named("ok");
    const auto r = send(put);
    EXPECT_EQ(r.status, 400) << segment << " " << r.body;
    EXPECT_EQ(r.json()["error"]["code"], "invalid_name") << r.body;
    EXPECT_NE(r.json()["error"]["message"].get<std::string>().find("a-z, 0-9"), std::string::npos) << r.body;
  }
  // A YAML that names itself badly under a good path: the loader's diagnostic.
  HttpRequest put;
  put.method = "PUT";
  put.target = "/api/v1/workflows/ok";
  put.content_type = "application/yaml";
  put.body = workflow_named("../x");
  EXPECT_EQ(send(put).status, 422);
  // Nothing was registered under any of these names.
  for (const auto& w : get("/api/v1/workflows").json()["workflows"]) {
    EXPECT_TRUE(valid_name(w.value("name", ""))) << w.dump();
  }
  const auto key = post("/api/v1/keys", R"({"role": "viewer", "name": "\u001b[2J"})");
  EXPECT_GE(key.status, 400) << key.body;
  EXPECT_LT(key.status, 500) << key.body;
}

}  // namespace
}  // namespace linkhub::test
