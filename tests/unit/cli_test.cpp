// The real `linkhub` binary, run through popen: exit codes, text and JSON
// output of validate, run, and plugins.

#include "cli_runner.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace fs = std::filesystem;

namespace {

using linkhub::test::run_linkhub;
using linkhub::test::shell_quote;

// The shared TempDir, with a writer for the files these tests hand the binary.
class TempDir : public linkhub::test::TempDir {
 public:
  TempDir() : linkhub::test::TempDir("linkhub-cli-test-") {}
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path p = path() / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
};

std::string source(const std::string& rel) {
  return (fs::path(LINKHUB_SOURCE_DIR) / rel).string();
}
std::string data(const std::string& rel) {
  return (fs::path(LINKHUB_TEST_DATA_DIR) / rel).string();
}

const std::string kInvalid = "validate/invalid/08-unknown-step-key.yaml";

TEST(Cli, ValidateValidFileExitsZero) {
  const auto r = run_linkhub("validate " + shell_quote(data("validate/valid/01-minimal.yaml")));
  EXPECT_EQ(r.exit_code, 0) << r.describe();
}

TEST(Cli, ValidateInvalidFileExitsOneWithPositions) {
  const std::string file = data(kInvalid);
  const auto r = run_linkhub("validate " + shell_quote(file));
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  const std::string both = r.out + r.err;
  EXPECT_NE(both.find(file + ":5:5: error[unknown-key]"), std::string::npos) << r.describe();
}

TEST(Cli, ValidateJsonIsAParseableArray) {
  const std::string file = data("validate/invalid/43-many-errors-one-pass.yaml");
  const auto r = run_linkhub("validate " + shell_quote(file) + " --format json");
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << r.describe();
  ASSERT_TRUE(j.is_array()) << r.describe();
  ASSERT_FALSE(j.empty());
  for (const auto& d : j) {
    for (const char* key : {"file", "line", "column", "step", "code", "message"}) {
      EXPECT_TRUE(d.contains(key)) << key << " missing in " << d.dump();
    }
    EXPECT_EQ(d["file"], file);
    EXPECT_TRUE(d["line"].is_number_integer());
    EXPECT_GE(d["line"].get<int>(), 1);
  }
}

TEST(Cli, ValidateJsonOfValidFileIsAnEmptyArray) {
  const auto r = run_linkhub("validate " + shell_quote(data("validate/valid/01-minimal.yaml")) + " --format json");
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << r.describe();
  EXPECT_EQ(j, nlohmann::json::array());
}

TEST(Cli, ValidateWithoutFileIsAUsageError) {
  const auto r = run_linkhub("validate");
  EXPECT_EQ(r.exit_code, 2) << r.describe();
}

TEST(Cli, RunDiamondPrintsOneJsonDocument) {
  const auto r = run_linkhub("run " + shell_quote(source("workflows/diamond.yaml")) + " --format json");
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  nlohmann::json j;
  // parse() rejects trailing content, so this also checks that stdout holds exactly one document.
  ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << r.describe();
  ASSERT_TRUE(j.is_object()) << r.describe();
  EXPECT_EQ(j.value("status", ""), "succeeded") << r.describe();
  EXPECT_EQ(j.value("workflow", ""), "diamond");
  EXPECT_TRUE(j.contains("outputs"));
}

TEST(Cli, RunInvalidWorkflowExitsTwo) {
  const auto r = run_linkhub("run " + shell_quote(data(kInvalid)));
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE((r.out + r.err).find("unknown-key"), std::string::npos) << r.describe();
}

TEST(Cli, RunFailingWorkflowExitsOne) {
  TempDir tmp;
  const auto wf = tmp.write("fail.yaml",
                            "name: fails\n"
                            "steps:\n"
                            "  - id: boom\n"
                            "    uses: core.fail\n"
                            "    with: { always: true, retryable: false, message: kaboom }\n");
  const auto r = run_linkhub("run " + shell_quote(wf.string()) + " --format json");
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << r.describe();
  EXPECT_EQ(j.value("status", ""), "failed") << r.describe();
}

TEST(Cli, RunsShowGivesTheErrorCodeAndDetailsOfAFailedRunAndStep) {
  TempDir tmp;
  const auto wf =
      tmp.write("coded.yaml",
                "name: coded\n"
                "steps:\n"
                "  - id: lookup\n"
                "    uses: core.fail\n"
                "    with: { always: true, retryable: false, message: gone, code: not_found, details: { id: 7 } }\n");
  const std::string db = " --db " + shell_quote((tmp.path() / "runs.db").string());
  const auto r = run_linkhub("run " + shell_quote(wf.string()) + db + " --format json");
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  const std::string id = nlohmann::json::parse(r.out).value("run_id", "");
  ASSERT_FALSE(id.empty()) << r.describe();

  const auto json = run_linkhub("runs show " + id + " --events" + db + " --format json");
  ASSERT_EQ(json.exit_code, 0) << json.describe();
  const auto doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc.value("error_code", ""), "not_found") << json.describe();
  EXPECT_EQ(doc["error_details"], (nlohmann::json{{"id", 7}})) << json.describe();
  ASSERT_EQ(doc["steps"].size(), 1u) << json.describe();
  EXPECT_EQ(doc["steps"][0].value("error_code", ""), "not_found") << json.describe();
  EXPECT_EQ(doc["steps"][0]["error_details"], (nlohmann::json{{"id", 7}})) << json.describe();
  bool failed_event_has_code = false;
  for (const auto& e : doc["events"]) {
    failed_event_has_code = failed_event_has_code ||
                            (e.value("type", "") == "step.failed" && e["payload"].value("code", "") == "not_found");
  }
  EXPECT_TRUE(failed_event_has_code) << json.describe();

  const auto table = run_linkhub("runs show " + id + db);
  ASSERT_EQ(table.exit_code, 0) << table.describe();
  EXPECT_NE(table.out.find("failed [not_found]: step 'lookup' failed: gone"), std::string::npos) << table.describe();
}

TEST(Cli, PluginsListListsCoreHttp) {
  const auto r = run_linkhub("plugins list");
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("core.http"), std::string::npos) << r.describe();
}

TEST(Cli, PluginsDescribeJsonHasInputSchema) {
  const auto r = run_linkhub("plugins describe core.http --format json");
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << r.describe();
  ASSERT_TRUE(j.contains("input_schema")) << r.describe();
  EXPECT_TRUE(j["input_schema"].is_object());
  EXPECT_TRUE(j["input_schema"]["properties"].contains("url"));
}

TEST(Cli, JunkLibraryInPluginDirIsSkipped) {
  TempDir tmp;
  std::string junk(4096, '\0');
  std::mt19937 gen(42);
  for (auto& c : junk) {
    c = static_cast<char>(gen() & 0xff);
  }
  tmp.write("junk.so", junk);
  const auto r = run_linkhub("plugins list --plugin-dir " + shell_quote(tmp.path().string()));
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.err.find("skipped"), std::string::npos) << r.describe();
  EXPECT_NE(r.err.find("junk.so"), std::string::npos) << r.describe();
  EXPECT_NE(r.out.find("core.http"), std::string::npos) << r.describe();

  const auto v = run_linkhub("validate " + shell_quote(data("validate/valid/01-minimal.yaml")) + " --plugin-dir " +
                             shell_quote(tmp.path().string()));
  EXPECT_EQ(v.exit_code, 0) << v.describe();
  EXPECT_NE(v.err.find("junk.so"), std::string::npos) << v.describe();
}

}  // namespace

// ---- durable runs through the CLI

std::map<std::string, int> step_starts(const nlohmann::json& shown) {
  std::map<std::string, int> out;
  for (const auto& e : shown.at("events")) {
    if (e.value("type", "") == "step.started") {
      ++out[e.value("step", "")];
    }
  }
  return out;
}

TEST(Cli, RunsRetryFromRerunsThatStepAndWhatDependsOnItOnly) {
  TempDir tmp;
  const auto wf = tmp.write("chain.yaml",
                            "name: chain\n"
                            "steps:\n"
                            "  - { id: a, uses: core.transform, with: { value: 1 } }\n"
                            "  - { id: b, uses: core.transform, needs: [a], with: { value: 2 } }\n"
                            "  - { id: c, uses: core.transform, needs: [b], with: { value: 3 } }\n"
                            "  - { id: d, uses: core.transform, with: { value: 4 } }\n");
  const std::string db = " --db " + shell_quote((tmp.path() / "runs.db").string());
  const auto first = run_linkhub("run " + shell_quote(wf.string()) + db + " --format json");
  ASSERT_EQ(first.exit_code, 0) << first.describe();
  const std::string id = nlohmann::json::parse(first.out).value("run_id", "");
  ASSERT_FALSE(id.empty()) << first.describe();

  const auto retried = run_linkhub("runs retry " + id + " --from b" + db + " --format json");
  ASSERT_EQ(retried.exit_code, 0) << retried.describe();
  EXPECT_EQ(nlohmann::json::parse(retried.out).value("status", ""), "succeeded") << retried.describe();

  const auto shown = run_linkhub("runs show " + id + " --events" + db + " --format json");
  ASSERT_EQ(shown.exit_code, 0) << shown.describe();
  EXPECT_EQ(step_starts(nlohmann::json::parse(shown.out)),
            (std::map<std::string, int>{{"a", 1}, {"b", 2}, {"c", 2}, {"d", 1}}));

  const auto unknown = run_linkhub("runs retry " + id + " --from nope" + db);
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("nope"), std::string::npos) << unknown.describe();
}

TEST(Cli, DetachedRunIsQueuedAndCancelledFromAnotherCommand) {
  TempDir tmp;
  const auto wf = tmp.write("one.yaml", "name: one\nsteps:\n  - { id: a, uses: core.transform, with: { value: 1 } }\n");
  const std::string db = " --db " + shell_quote((tmp.path() / "runs.db").string());
  const auto queued =
      run_linkhub("run " + shell_quote(wf.string()) + " --detach --idempotency-key k1" + db + " --format json");
  ASSERT_EQ(queued.exit_code, 0) << queued.describe();
  const std::string id = nlohmann::json::parse(queued.out).value("run_id", "");
  ASSERT_FALSE(id.empty()) << queued.describe();
  const auto again =
      run_linkhub("run " + shell_quote(wf.string()) + " --detach --idempotency-key k1" + db + " --format json");
  EXPECT_EQ(nlohmann::json::parse(again.out).value("run_id", ""), id) << again.describe();

  const auto cancelled = run_linkhub("runs cancel " + id + db);
  EXPECT_EQ(cancelled.exit_code, 0) << cancelled.describe();
  const auto shown = run_linkhub("runs show " + id + db + " --format json");
  EXPECT_EQ(nlohmann::json::parse(shown.out).value("status", ""), "cancelled") << shown.describe();
  const auto twice = run_linkhub("runs cancel " + id + db);
  EXPECT_NE(twice.exit_code, 0) << twice.describe();
}

TEST(Cli, CorruptDatabaseFileIsAClearErrorNotACrash) {
  TempDir tmp;
  const auto db = tmp.write("broken.db", std::string(8192, '\x7f') + "not a database");
  const auto r = run_linkhub("runs list --db " + shell_quote(db.string()));
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("broken.db"), std::string::npos) << r.describe();
  EXPECT_NE(r.err.find("corrupt"), std::string::npos) << r.describe();
}

TEST(Cli, DatabaseFromANewerLinkhubIsRefused) {
  TempDir tmp;
  const fs::path db = tmp.path() / "newer.db";
  ASSERT_EQ(run_linkhub("runs list --db " + shell_quote(db.string())).exit_code, 0);
  const std::string bump = "sqlite3 " + shell_quote(db.string()) +
                           " \"INSERT INTO lh_schema_migrations (version, description, applied_ms) "
                           "VALUES (9999, 'from the future', 0)\"";
  ASSERT_EQ(std::system(bump.c_str()), 0) << "sqlite3 is installed by scripts/setup.sh";
  const auto r = run_linkhub("runs list --db " + shell_quote(db.string()));
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("9999"), std::string::npos) << r.describe();
  EXPECT_NE(r.err.find("newer"), std::string::npos) << r.describe();
}

TEST(Cli, BatchRunsOneRunPerLineAndReportsTheBadLines) {
  TempDir tmp;
  const auto wf = tmp.write("double.yaml",
                            "name: double\n"
                            "inputs:\n  n: { type: integer, required: true }\n"
                            "steps:\n  - { id: d, uses: core.transform, with: { value: \"${{ inputs.n * 2 }}\" } }\n"
                            "outputs:\n  doubled: \"${{ steps.d.outputs.value }}\"\n");
  const auto lines =
      tmp.write("batch.jsonl", "{\"n\": 1}\n\n# skipped\n{\"n\": 2}\nnot json\n{\"n\": \"x\"}\n{\"n\": 3}\n");
  const std::string db = " --db " + shell_quote((tmp.path() / "runs.db").string());
  const auto r = run_linkhub("run " + shell_quote(wf.string()) + " --inputs-file " + shell_quote(lines.string()) + db +
                             " --format json --idempotency-key b1");
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  nlohmann::json report;
  ASSERT_NO_THROW(report = nlohmann::json::parse(r.out)) << r.describe();
  EXPECT_EQ(report.value("succeeded", 0), 3);
  EXPECT_EQ(report.value("failed", 0), 2);
  std::map<int, std::string> status;
  std::map<int, int> doubled;
  for (const auto& run : report.at("runs")) {
    status[run.value("line", 0)] = run.value("status", "");
    if (run.contains("outputs")) {
      doubled[run.value("line", 0)] = run["outputs"].value("doubled", 0);
    }
  }
  EXPECT_EQ(status, (std::map<int, std::string>{
                        {1, "succeeded"}, {4, "succeeded"}, {5, "invalid"}, {6, "invalid"}, {7, "succeeded"}}));
  EXPECT_EQ(doubled, (std::map<int, int>{{1, 2}, {4, 4}, {7, 6}}));

  // The same batch with the same key makes no new runs.
  const auto again = run_linkhub("run " + shell_quote(wf.string()) + " --inputs-file " + shell_quote(lines.string()) +
                                 db + " --format json --idempotency-key b1");
  const auto listed = run_linkhub("runs list" + db + " --format json");
  EXPECT_EQ(nlohmann::json::parse(listed.out).size(), 3u) << listed.describe();
}

TEST(Cli, OutputPrintsOneOutputAloneOnStdout) {
  TempDir tmp;
  const auto wf = tmp.write("hello.yaml",
                            "name: hello\n"
                            "steps:\n  - { id: s, uses: core.transform, with: { value: \"hi there\" } }\n"
                            "outputs:\n  text: \"${{ steps.s.outputs.value }}\"\n");
  const std::string db = " --db " + shell_quote((tmp.path() / "runs.db").string());
  const auto r = run_linkhub("run " + shell_quote(wf.string()) + db + " --output text");
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "hi there\n") << r.describe();
  const auto unknown = run_linkhub("run " + shell_quote(wf.string()) + db + " --output nope");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.describe();
}

// ---- the flagship workflow, end to end on rendered samples

TEST(Cli, TiktokToCatalogTurnsSampleLinksIntoOneProductPerSellingVideo) {
  TempDir tmp;
  const fs::path samples = tmp.path() / "samples";
  const std::string shirt = "7301458823650102534", sideways = "7334112098765432101", dog = "7367890123456789012";
  const std::string render = shell_quote(source("examples/make-samples.sh")) + " " + shell_quote(samples.string()) +
                             " " + shirt + " " + sideways + " " + dog + " >/dev/null";
  ASSERT_EQ(std::system(render.c_str()), 0) << "ffmpeg renders the samples (scripts/setup.sh installs it)";
  const auto config = tmp.write("linkhub.yaml",
                                "database: runs.db\nartifact_dir: artifacts\nplugins:\n  tiktok:\n"
                                "    provider: local\n    local_dir: " +
                                    samples.string() + "\n");
  const auto links =
      tmp.write("links.jsonl", "{\"url\": \"https://www.tiktok.com/@linen.lab/video/" + shirt +
                                   "?is_from_webapp=1\"}\n" + "{\"url\": \"https://m.tiktok.com/v/" + sideways +
                                   ".html\"}\n" + "{\"url\": \"https://www.tiktok.com/@max.and.biscuit/video/" + dog +
                                   "\"}\n" + "{\"url\": \"https://vm.tiktok.com.evil.io/ZMabc/\"}\n");
  const std::string cfg = " --config " + shell_quote(config.string());
  const auto batch = run_linkhub("run " + shell_quote(source("workflows/tiktok-to-catalog.yaml")) + cfg +
                                 " --inputs-file " + shell_quote(links.string()) + " --format json");
  ASSERT_EQ(batch.exit_code, 1) << "the look-alike host fails its run\n" << batch.describe();
  const auto report = nlohmann::json::parse(batch.out);
  ASSERT_EQ(report.at("runs").size(), 4u) << batch.describe();
  const auto& shirt_run = report["runs"][0];
  ASSERT_EQ(shirt_run.value("status", ""), "succeeded") << shirt_run.dump(2);
  const auto& product = shirt_run["outputs"]["product"];
  EXPECT_EQ(product["price"], (nlohmann::json{{"amount", 24.99}, {"currency", "USD"}})) << product.dump(2);
  EXPECT_NE(product["category"].value("path", "").find("Shirts & Tops"), std::string::npos) << product.dump(2);
  ASSERT_FALSE(product["thumbnails"].empty()) << product.dump(2);
  EXPECT_EQ(product["thumbnails"][0].value("hash", "").rfind("sha256:", 0), 0u);

  // Stored landscape with rotation metadata: its thumbnails stand upright.
  const auto& sideways_product = report["runs"][1]["outputs"]["product"];
  ASSERT_FALSE(sideways_product["thumbnails"].empty()) << report["runs"][1].dump(2);
  for (const auto& t : sideways_product["thumbnails"]) {
    EXPECT_GT(t.value("height", 0), t.value("width", 0)) << t.dump();
  }
  // A video that sells nothing is kept out; a look-alike host is refused.
  EXPECT_EQ(report["runs"][2]["outputs"].value("kept", true), false) << report["runs"][2].dump(2);
  EXPECT_TRUE(report["runs"][2]["outputs"]["product"].is_null());
  EXPECT_EQ(report["runs"][3].value("status", ""), "failed");
  EXPECT_NE(report["runs"][3].value("error", "").find("evil.io"), std::string::npos) << report["runs"][3].dump(2);

  // The same link again leaves one product per video.
  const auto again =
      run_linkhub("run " + shell_quote(source("workflows/tiktok-to-catalog.yaml")) + cfg +
                  " --input url=" + shell_quote("https://www.tiktok.com/@linen.lab/video/" + shirt) + " --format json");
  ASSERT_EQ(again.exit_code, 0) << again.describe();
  const auto count =
      run_linkhub("run " + shell_quote(source("workflows/catalog-report.yaml")) + cfg + " --output count 2>/dev/null");
  EXPECT_EQ(count.out, "2\n") << count.describe();
}
