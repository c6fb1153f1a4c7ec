// Issue 10, item 7: lua.rule `file:` for a workflow registered through the API
// resolved against the server's working directory, so any file there (the
// database) could be loaded as Lua and quoted in the error. Rule files now
// come only from the rules directory, as .lua files, and a compile error
// never quotes the file's text.
#include "serve_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace linkhub::test {
namespace {

namespace fs = std::filesystem;

// Bytes that must never come back in an answer.
const std::string kDbBytes = "SQLite format 3 DBMARK-51fe0a";
const std::string kOutsideBytes = "OUTSIDE-MARK-77ac";
const std::string kTextBytes = "TXTMARK-a9d3";
const std::string kNotLuaBytes = "NOTLUA-MARK-c2e8";

class SecurityLuaRuleFiles : public ServeTest {
 protected:
  void SetUp() override {
    ServeTest::SetUp();
    fs::create_directories(dir_ / "rules" / "lib");
    write("linkhub.db", kDbBytes + std::string("\0\x01\x02 not lua", 11));
    write("outside.lua", "return '" + kOutsideBytes + "'\n");
    write("rules/notes.txt", "return '" + kTextBytes + "'\n");
    write("rules/data.lua", kNotLuaBytes + " 'unterminated\n");
    write("rules/gate.lua", "local m = require('lib.math')\nreturn { doubled = m.double(input.n) }\n");
    write("rules/lib/math.lua", "return { double = function(x) return x * 2 end }\n");
    write("rules/escape_require.lua", "return require('..outside')\n");
    fs::create_symlink(dir_ / "outside.lua", dir_ / "rules" / "escape.lua");
    fs::create_symlink(dir_ / "linkhub.db", dir_ / "rules" / "db.lua");
  }

  void start_with_rules_dir(bool configured) {
    start([&](http::ServeOptions& options) {
      if (configured) {
        options.executor.plugin_configs["lua"]["rules_dir"] = (dir_ / "rules").string();
      }
    });
  }

  // Registers (PUT) a one-step workflow whose rule is `file`, runs it, returns the run's detail.
  Json run_rule(const std::string& name, const std::string& file) {
    HttpRequest put;
    put.method = "PUT";
    put.target = "/api/v1/workflows/" + name;
    put.content_type = "application/yaml";
    put.body = "name: " + name + "\nsteps:\n  - id: gate\n    uses: lua.rule\n    with: { file: \"" + file +
               "\", input: { n: 21 } }\n";
    const auto registered = send(put);
    EXPECT_TRUE(registered.status == 201 || registered.status == 200) << registered.body;  // new or replaced
    const std::string id = trigger(name);
    wait_finished(id);
    const auto detail = get("/api/v1/runs/" + id);
    answers_ +=
        detail.body + get("/api/v1/runs/" + id + "/events").body + get("/api/v1/dead-letters/" + id + "/gate").body;
    return detail.json();
  }

  static std::string step_error(const Json& run) {
    for (const auto& step : run["steps"]) {
      if (step["step"] == "gate") {
        return step.value("error", std::string());
      }
    }
    return "";
  }

  void expect_no_file_bytes() {
    for (const std::string& mark : {kDbBytes, kOutsideBytes, kTextBytes, kNotLuaBytes, std::string("SQLite")}) {
      EXPECT_EQ(answers_.find(mark), std::string::npos) << mark << " was served:\n" << answers_;
    }
    for (const auto& line : log_lines()) {
      EXPECT_EQ(line.find("MARK"), std::string::npos) << line;
    }
  }

  std::string answers_;
};

TEST_F(SecurityLuaRuleFiles, APIWorkflowsReadRulesOnlyFromTheConfiguredDirectory) {
  start_with_rules_dir(true);
  const Json good = run_rule("good", "gate.lua");
  EXPECT_EQ(good["status"], "succeeded") << good.dump();

  const struct {
    const char* file;
    const char* reason;
  } refused[] = {
      {"../linkhub.db", "must not contain '..'"},
      {"/etc/passwd", "relative path inside the rules directory"},
      {"escape.lua", "outside the rules directory"},
      {"db.lua", "outside the rules directory"},
      {"notes.txt", "must name a .lua file"},
      {"lib/../../outside.lua", "must not contain '..'"},
      {"missing.lua", "does not exist"},
  };
  int n = 0;
  for (const auto& c : refused) {
    const Json run = run_rule("refused" + std::to_string(n++), c.file);
    EXPECT_EQ(run["status"], "failed") << c.file;
    const std::string error = step_error(run);
    EXPECT_NE(error.find(std::string("rule file '") + c.file + "'"), std::string::npos) << error;
    EXPECT_NE(error.find(c.reason), std::string::npos) << c.file << ": " << error;
  }

  // A .lua file that is not Lua: Lua's message and line, not the text it stopped at.
  const std::string not_lua = step_error(run_rule("notlua", "data.lua"));
  EXPECT_NE(not_lua.find("data.lua:1:"), std::string::npos) << not_lua;
  // require obeys the same rules.
  const std::string escaped = step_error(run_rule("requires", "escape_require.lua"));
  EXPECT_NE(escaped.find("require '..outside'"), std::string::npos) << escaped;
  expect_no_file_bytes();
}

TEST_F(SecurityLuaRuleFiles, WithoutARulesDirectoryAPIWorkflowsCannotReadFiles) {
  start_with_rules_dir(false);
  for (const char* file : {"gate.lua", "rules/gate.lua", "linkhub.db"}) {
    const std::string error = step_error(run_rule("nodir", file));
    EXPECT_NE(error.find("no rules directory is configured"), std::string::npos) << file << ": " << error;
  }
  // Inline code still works.
  HttpRequest put;
  put.method = "PUT";
  put.target = "/api/v1/workflows/inline";
  put.content_type = "application/yaml";
  put.body = "name: inline\nsteps:\n  - { id: gate, uses: lua.rule, with: { code: \"return 1 + 1\" } }\n";
  ASSERT_EQ(send(put).status, 201);
  const std::string id = trigger("inline");
  wait_finished(id);
  EXPECT_EQ(get("/api/v1/runs/" + id).json()["status"], "succeeded");
  expect_no_file_bytes();
}

}  // namespace
}  // namespace linkhub::test
