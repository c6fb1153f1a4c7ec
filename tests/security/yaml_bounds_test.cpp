// Issue 10 item 4: yaml-cpp 0.7 loops while allocating on a workflow that
// starts with ',' (a one-byte file took `linkhub validate` to 1.75 GB and
// `serve` to 2.5 GB). YAML is now read by libyaml's event parser with bounds
// (engine/src/yaml_reader.cpp): each reproducer is one syntax error with its
// line and column, from the loader, the CLI and the API.
#include "cli_runner.hpp"
#include "serve_fixture.hpp"

#include <linkhub/engine/workflow.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace linkhub::test {
namespace {

struct Reproducer {
  std::string text;
  int line;
  int column;
};

// Each makes yaml-cpp 0.7's LoadAll loop (yaml-cpp issue #1040) or is a
// neighbour of one: ',' where a value should start, at the top, in a
// mapping, in a block sequence and in flow collections.
const std::vector<Reproducer> kReproducers = {
    {",", 1, 1},        {",,,", 1, 1},          {", a", 1, 1},       {",a", 1, 1},
    {"a: ,", 1, 4},     {"- ,", 1, 3},          {"[ , ]", 1, 3},     {"{,}", 1, 2},
    {"[a, , b]", 1, 5}, {"name: x\n,\n", 2, 1}, {"- !+(.,.)", 1, 7}, {"steps:\n  - ,\n", 2, 5},
};

TEST(SecurityYamlBounds, CommaReproducersAreOneSyntaxErrorAtTheirPlace) {
  for (const auto& r : kReproducers) {
    const LoadResult loaded = load_workflow_text(r.text, "w.yaml");
    ASSERT_EQ(loaded.diagnostics.size(), 1u) << r.text;
    EXPECT_FALSE(loaded.workflow.has_value()) << r.text;
    const Diagnostic& d = loaded.diagnostics[0];
    EXPECT_EQ(d.code, "yaml-syntax") << r.text << ": " << d.message;
    EXPECT_EQ(d.pos.line, r.line) << r.text << ": " << d.message;
    EXPECT_EQ(d.pos.column, r.column) << r.text << ": " << d.message;
  }
}

TEST(SecurityYamlBounds, ACommaWhereAValueStartsIsNamed) {
  const LoadResult loaded = load_workflow_text(",", "w.yaml");
  ASSERT_EQ(loaded.diagnostics.size(), 1u);
  EXPECT_NE(loaded.diagnostics[0].message.find("',' cannot start a value"), std::string::npos)
      << loaded.diagnostics[0].message;
}

// Everything that starts with ',' (the fuzzer's finding): a syntax error, never a hang.
TEST(SecurityYamlBounds, EveryTextStartingWithACommaIsRefused) {
  const std::vector<std::string> tails = {"", " ", "\n", "name: x\nsteps: []\n", "[", "{", "- a", ":", "#", "&a *a"};
  for (const auto& tail : tails) {
    const LoadResult loaded = load_workflow_text("," + tail, "w.yaml");
    ASSERT_FALSE(loaded.diagnostics.empty()) << tail;
    EXPECT_EQ(loaded.diagnostics[0].code, "yaml-syntax") << tail;
  }
}

// Nodes are bounded while the text streams, before any tree exists.
TEST(SecurityYamlBounds, WideAndDeepTextsAreRefusedWhileStreaming) {
  std::string wide = "name: wide\nsteps: []\nx: [";
  for (int i = 0; i < 100001; ++i) {
    wide += "1,";
  }
  wide += "1]\n";
  LoadResult loaded = load_workflow_text(wide, "w.yaml");
  ASSERT_EQ(loaded.diagnostics.size(), 1u);
  EXPECT_EQ(loaded.diagnostics[0].code, "too-large");

  const std::string deep = "x: " + std::string(5000, '[') + std::string(5000, ']') + "\n";
  loaded = load_workflow_text(deep, "w.yaml");
  ASSERT_EQ(loaded.diagnostics.size(), 1u);
  EXPECT_EQ(loaded.diagnostics[0].code, "too-large");
  EXPECT_EQ(loaded.diagnostics[0].pos.line, 1);
  EXPECT_EQ(loaded.diagnostics[0].pos.column, 4 + 100);  // the 101st '['
}

// An alias that refers to itself (or to nothing yet) is an error, not a cycle.
TEST(SecurityYamlBounds, AliasesOnlyReferToFinishedAnchors) {
  const LoadResult loaded = load_workflow_text("name: x\nsteps: []\na: &a [*a]\n", "w.yaml");
  ASSERT_EQ(loaded.diagnostics.size(), 1u);
  EXPECT_EQ(loaded.diagnostics[0].code, "yaml-syntax");
  EXPECT_EQ(loaded.diagnostics[0].pos.line, 3);
  EXPECT_EQ(loaded.diagnostics[0].pos.column, 8);
}

// Marks count bytes: a value after multibyte text is reported where it is.
TEST(SecurityYamlBounds, ColumnsCountBytesAfterMultibyteText) {
  const LoadResult loaded =
      load_workflow_text("name: x\ndescription: \"\xC3\xA9\xC3\xA9\"\nsteps: []\nbad: ,\n", "w.yaml");
  ASSERT_EQ(loaded.diagnostics.size(), 1u);
  EXPECT_EQ(loaded.diagnostics[0].pos.line, 4);
  EXPECT_EQ(loaded.diagnostics[0].pos.column, 6);
  // On the same line: x: ["éé", , 1] has its second ',' at byte 13 (character 11).
  const LoadResult same_line = load_workflow_text("name: x\nsteps: []\nx: [\"\xC3\xA9\xC3\xA9\", , 1]\n", "w.yaml");
  ASSERT_EQ(same_line.diagnostics.size(), 1u);
  EXPECT_EQ(same_line.diagnostics[0].pos.line, 3);
  EXPECT_EQ(same_line.diagnostics[0].pos.column, 13);
}

TEST(SecurityYamlBounds, ValidateCommandAnswersASyntaxErrorAtOnce) {
  TempDir dir;
  for (const auto& r : kReproducers) {
    const auto file = dir.path() / "w.yaml";
    std::ofstream(file, std::ios::binary | std::ios::trunc) << r.text;
    const CliResult cli = run_linkhub("validate " + shell_quote(file.string()));
    EXPECT_EQ(cli.exit_code, 1) << r.text << "\n" << cli.describe();
    const std::string mark =
        file.string() + ":" + std::to_string(r.line) + ":" + std::to_string(r.column) + ": error[yaml-syntax]";
    EXPECT_NE((cli.out + cli.err).find(mark), std::string::npos) << r.text << "\n" << cli.describe();
  }
}

TEST_F(ServeTest, SecurityYamlBoundsValidateRouteAnswersDiagnostics) {
  start();
  const std::string viewer = make_key("viewer");
  for (const auto& r : kReproducers) {
    HttpRequest request;
    request.method = "POST";
    request.target = "/api/v1/workflows/validate";
    request.content_type = "application/yaml";
    request.headers["Authorization"] = "Bearer " + viewer;
    request.body = r.text;
    const auto a = send(request);
    ASSERT_EQ(a.status, 200) << r.text << " " << a.body;
    const auto j = a.json();
    EXPECT_EQ(j["valid"], false) << a.body;
    ASSERT_EQ(j["diagnostics"].size(), 1u) << a.body;
    EXPECT_EQ(j["diagnostics"][0]["code"], "yaml-syntax") << a.body;
    EXPECT_EQ(j["diagnostics"][0]["line"], r.line) << a.body;
    EXPECT_EQ(j["diagnostics"][0]["column"], r.column) << a.body;
  }
  // The same through the registry: refused, nothing registered.
  HttpRequest put;
  put.method = "PUT";
  put.target = "/api/v1/workflows/comma";
  put.content_type = "application/yaml";
  put.body = ",";
  const auto refused = send(put);
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(get("/api/v1/workflows/comma").status, 404);
}

}  // namespace
}  // namespace linkhub::test
