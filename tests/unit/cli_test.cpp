// The real `linkhub` binary, run through popen: exit codes, text and JSON
// output of validate, run, and plugins.

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>

namespace fs = std::filesystem;

namespace {

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("linkhub-cli-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path p = path_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  fs::path path_;
};

// Runs LINKHUB_BINARY with `args` (already shell-quoted), stdout through popen
// and stderr to a temp file.
Result run_cli(const std::string& args) {
  TempDir tmp;
  const fs::path err_file = tmp.path() / "stderr.txt";
  const std::string cmd = quote(LINKHUB_BINARY) + " " + args + " 2>" + quote(err_file.string());
  Result r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) {
    return r;
  }
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) {
    r.out.append(buf.data(), n);
  }
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_file, std::ios::binary);
  r.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return r;
}

std::string source(const std::string& rel) {
  return (fs::path(LINKHUB_SOURCE_DIR) / rel).string();
}
std::string data(const std::string& rel) {
  return (fs::path(LINKHUB_TEST_DATA_DIR) / rel).string();
}

std::string describe(const Result& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout:\n" + r.out + "\n--- stderr:\n" + r.err;
}

const std::string kInvalid = "validate/invalid/08-unknown-step-key.yaml";

TEST(Cli, ValidateValidFileExitsZero) {
  const auto r = run_cli("validate " + quote(data("validate/valid/01-minimal.yaml")));
  EXPECT_EQ(r.exit_code, 0) << describe(r);
}

TEST(Cli, ValidateInvalidFileExitsOneWithPositions) {
  const std::string file = data(kInvalid);
  const auto r = run_cli("validate " + quote(file));
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  const std::string both = r.out + r.err;
  EXPECT_NE(both.find(file + ":5:5: error[unknown-key]"), std::string::npos) << describe(r);
}

TEST(Cli, ValidateJsonIsAParseableArray) {
  const std::string file = data("validate/invalid/43-many-errors-one-pass.yaml");
  const auto r = run_cli("validate " + quote(file) + " --format json");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << describe(r);
  ASSERT_TRUE(j.is_array()) << describe(r);
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
  const auto r = run_cli("validate " + quote(data("validate/valid/01-minimal.yaml")) + " --format json");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << describe(r);
  EXPECT_EQ(j, nlohmann::json::array());
}

TEST(Cli, ValidateWithoutFileIsAUsageError) {
  const auto r = run_cli("validate");
  EXPECT_EQ(r.exit_code, 2) << describe(r);
}

TEST(Cli, RunDiamondPrintsOneJsonDocument) {
  const auto r = run_cli("run " + quote(source("workflows/diamond.yaml")) + " --format json");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  nlohmann::json j;
  // parse() rejects trailing content, so this also checks that stdout holds exactly one document.
  ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << describe(r);
  ASSERT_TRUE(j.is_object()) << describe(r);
  EXPECT_EQ(j.value("status", ""), "succeeded") << describe(r);
  EXPECT_EQ(j.value("workflow", ""), "diamond");
  EXPECT_TRUE(j.contains("outputs"));
}

TEST(Cli, RunInvalidWorkflowExitsTwo) {
  const auto r = run_cli("run " + quote(data(kInvalid)));
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE((r.out + r.err).find("unknown-key"), std::string::npos) << describe(r);
}

TEST(Cli, RunFailingWorkflowExitsOne) {
  TempDir tmp;
  const auto wf = tmp.write("fail.yaml",
                            "name: fails\n"
                            "steps:\n"
                            "  - id: boom\n"
                            "    uses: core.fail\n"
                            "    with: { always: true, retryable: false, message: kaboom }\n");
  const auto r = run_cli("run " + quote(wf.string()) + " --format json");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << describe(r);
  EXPECT_EQ(j.value("status", ""), "failed") << describe(r);
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
  const std::string db = " --db " + quote((tmp.path() / "runs.db").string());
  const auto r = run_cli("run " + quote(wf.string()) + db + " --format json");
  ASSERT_EQ(r.exit_code, 1) << describe(r);
  const std::string id = nlohmann::json::parse(r.out).value("run_id", "");
  ASSERT_FALSE(id.empty()) << describe(r);

  const auto json = run_cli("runs show " + id + " --events" + db + " --format json");
  ASSERT_EQ(json.exit_code, 0) << describe(json);
  const auto doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc.value("error_code", ""), "not_found") << describe(json);
  EXPECT_EQ(doc["error_details"], (nlohmann::json{{"id", 7}})) << describe(json);
  ASSERT_EQ(doc["steps"].size(), 1u) << describe(json);
  EXPECT_EQ(doc["steps"][0].value("error_code", ""), "not_found") << describe(json);
  EXPECT_EQ(doc["steps"][0]["error_details"], (nlohmann::json{{"id", 7}})) << describe(json);
  bool failed_event_has_code = false;
  for (const auto& e : doc["events"]) {
    failed_event_has_code = failed_event_has_code ||
                            (e.value("type", "") == "step.failed" && e["payload"].value("code", "") == "not_found");
  }
  EXPECT_TRUE(failed_event_has_code) << describe(json);

  const auto table = run_cli("runs show " + id + db);
  ASSERT_EQ(table.exit_code, 0) << describe(table);
  EXPECT_NE(table.out.find("failed [not_found]: step 'lookup' failed: gone"), std::string::npos) << describe(table);
}

TEST(Cli, PluginsListListsCoreHttp) {
  const auto r = run_cli("plugins list");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("core.http"), std::string::npos) << describe(r);
}

TEST(Cli, PluginsDescribeJsonHasInputSchema) {
  const auto r = run_cli("plugins describe core.http --format json");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << describe(r);
  ASSERT_TRUE(j.contains("input_schema")) << describe(r);
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
  const auto r = run_cli("plugins list --plugin-dir " + quote(tmp.path().string()));
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.err.find("skipped"), std::string::npos) << describe(r);
  EXPECT_NE(r.err.find("junk.so"), std::string::npos) << describe(r);
  EXPECT_NE(r.out.find("core.http"), std::string::npos) << describe(r);

  const auto v = run_cli("validate " + quote(data("validate/valid/01-minimal.yaml")) + " --plugin-dir " +
                         quote(tmp.path().string()));
  EXPECT_EQ(v.exit_code, 0) << describe(v);
  EXPECT_NE(v.err.find("junk.so"), std::string::npos) << describe(v);
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
  const std::string db = " --db " + quote((tmp.path() / "runs.db").string());
  const auto first = run_cli("run " + quote(wf.string()) + db + " --format json");
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  const std::string id = nlohmann::json::parse(first.out).value("run_id", "");
  ASSERT_FALSE(id.empty()) << describe(first);

  const auto retried = run_cli("runs retry " + id + " --from b" + db + " --format json");
  ASSERT_EQ(retried.exit_code, 0) << describe(retried);
  EXPECT_EQ(nlohmann::json::parse(retried.out).value("status", ""), "succeeded") << describe(retried);

  const auto shown = run_cli("runs show " + id + " --events" + db + " --format json");
  ASSERT_EQ(shown.exit_code, 0) << describe(shown);
  EXPECT_EQ(step_starts(nlohmann::json::parse(shown.out)),
            (std::map<std::string, int>{{"a", 1}, {"b", 2}, {"c", 2}, {"d", 1}}));

  const auto unknown = run_cli("runs retry " + id + " --from nope" + db);
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("nope"), std::string::npos) << describe(unknown);
}

TEST(Cli, DetachedRunIsQueuedAndCancelledFromAnotherCommand) {
  TempDir tmp;
  const auto wf = tmp.write("one.yaml", "name: one\nsteps:\n  - { id: a, uses: core.transform, with: { value: 1 } }\n");
  const std::string db = " --db " + quote((tmp.path() / "runs.db").string());
  const auto queued = run_cli("run " + quote(wf.string()) + " --detach --idempotency-key k1" + db + " --format json");
  ASSERT_EQ(queued.exit_code, 0) << describe(queued);
  const std::string id = nlohmann::json::parse(queued.out).value("run_id", "");
  ASSERT_FALSE(id.empty()) << describe(queued);
  const auto again = run_cli("run " + quote(wf.string()) + " --detach --idempotency-key k1" + db + " --format json");
  EXPECT_EQ(nlohmann::json::parse(again.out).value("run_id", ""), id) << describe(again);

  const auto cancelled = run_cli("runs cancel " + id + db);
  EXPECT_EQ(cancelled.exit_code, 0) << describe(cancelled);
  const auto shown = run_cli("runs show " + id + db + " --format json");
  EXPECT_EQ(nlohmann::json::parse(shown.out).value("status", ""), "cancelled") << describe(shown);
  const auto twice = run_cli("runs cancel " + id + db);
  EXPECT_NE(twice.exit_code, 0) << describe(twice);
}

TEST(Cli, CorruptDatabaseFileIsAClearErrorNotACrash) {
  TempDir tmp;
  const auto db = tmp.write("broken.db", std::string(8192, '\x7f') + "not a database");
  const auto r = run_cli("runs list --db " + quote(db.string()));
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("broken.db"), std::string::npos) << describe(r);
  EXPECT_NE(r.err.find("corrupt"), std::string::npos) << describe(r);
}

TEST(Cli, DatabaseFromANewerLinkhubIsRefused) {
  TempDir tmp;
  const fs::path db = tmp.path() / "newer.db";
  ASSERT_EQ(run_cli("runs list --db " + quote(db.string())).exit_code, 0);
  const std::string bump = "sqlite3 " + quote(db.string()) +
                           " \"INSERT INTO lh_schema_migrations (version, description, applied_ms) "
                           "VALUES (9999, 'from the future', 0)\"";
  ASSERT_EQ(std::system(bump.c_str()), 0) << "sqlite3 is installed by scripts/setup.sh";
  const auto r = run_cli("runs list --db " + quote(db.string()));
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("9999"), std::string::npos) << describe(r);
  EXPECT_NE(r.err.find("newer"), std::string::npos) << describe(r);
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
  const std::string db = " --db " + quote((tmp.path() / "runs.db").string());
  const auto r = run_cli("run " + quote(wf.string()) + " --inputs-file " + quote(lines.string()) + db +
                         " --format json --idempotency-key b1");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  nlohmann::json report;
  ASSERT_NO_THROW(report = nlohmann::json::parse(r.out)) << describe(r);
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
  const auto again = run_cli("run " + quote(wf.string()) + " --inputs-file " + quote(lines.string()) + db +
                             " --format json --idempotency-key b1");
  const auto listed = run_cli("runs list" + db + " --format json");
  EXPECT_EQ(nlohmann::json::parse(listed.out).size(), 3u) << describe(listed);
}

TEST(Cli, OutputPrintsOneOutputAloneOnStdout) {
  TempDir tmp;
  const auto wf = tmp.write("hello.yaml",
                            "name: hello\n"
                            "steps:\n  - { id: s, uses: core.transform, with: { value: \"hi there\" } }\n"
                            "outputs:\n  text: \"${{ steps.s.outputs.value }}\"\n");
  const std::string db = " --db " + quote((tmp.path() / "runs.db").string());
  const auto r = run_cli("run " + quote(wf.string()) + db + " --output text");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out, "hi there\n") << describe(r);
  const auto unknown = run_cli("run " + quote(wf.string()) + db + " --output nope");
  EXPECT_EQ(unknown.exit_code, 2) << describe(unknown);
}

// ---- the flagship workflow, end to end on rendered samples

TEST(Cli, TiktokToCatalogTurnsSampleLinksIntoOneProductPerSellingVideo) {
  TempDir tmp;
  const fs::path samples = tmp.path() / "samples";
  const std::string shirt = "7301458823650102534", sideways = "7334112098765432101", dog = "7367890123456789012";
  const std::string render = quote(source("examples/make-samples.sh")) + " " + quote(samples.string()) + " " + shirt +
                             " " + sideways + " " + dog + " >/dev/null";
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
  const std::string cfg = " --config " + quote(config.string());
  const auto batch = run_cli("run " + quote(source("workflows/tiktok-to-catalog.yaml")) + cfg + " --inputs-file " +
                             quote(links.string()) + " --format json");
  ASSERT_EQ(batch.exit_code, 1) << "the look-alike host fails its run\n" << describe(batch);
  const auto report = nlohmann::json::parse(batch.out);
  ASSERT_EQ(report.at("runs").size(), 4u) << describe(batch);
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
  const auto again = run_cli("run " + quote(source("workflows/tiktok-to-catalog.yaml")) + cfg + " --input url=" +
                             quote("https://www.tiktok.com/@linen.lab/video/" + shirt) + " --format json");
  ASSERT_EQ(again.exit_code, 0) << describe(again);
  const auto count =
      run_cli("run " + quote(source("workflows/catalog-report.yaml")) + cfg + " --output count 2>/dev/null");
  EXPECT_EQ(count.out, "2\n") << describe(count);
}
