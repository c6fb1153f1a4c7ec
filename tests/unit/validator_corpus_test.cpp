// Data-driven validator corpus: every tests/validate/invalid/*.yaml has a
// sibling .expected listing the exact diagnostics ("code line:column", one per
// line, order-insensitive, # comments); every tests/validate/valid/*.yaml must
// produce none. The expectations were written by reading each file, not by
// running the validator: a mismatch is a finding about the engine.
//
// The corpus exposes no known engine bug: the ones it once did (positions of
// empty files and tabs, unclosed flow collections reported at end of file,
// unterminated quotes, a second YAML document ignored, `${{ }}`, `if: ""`)
// are fixed, and their .expected files say what is right. The fuzzer's
// findings live in tests/fuzz/corpus/workflow_loader_fuzz/ and are replayed
// by `ctest -L fuzz`.

#include <linkhub/engine/plugin_host.hpp>
#include <linkhub/engine/validator.hpp>
#include "builtin_plugins.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const linkhub::PluginHost& host() {
  return linkhub::test::builtin_plugins();
}

std::vector<std::string> corpus_files(const std::string& sub) {
  std::vector<std::string> out;
  const fs::path dir = fs::path(LINKHUB_TEST_DATA_DIR) / "validate" / sub;
  if (!fs::is_directory(dir)) {
    return out;
  }
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".yaml") {
      out.push_back(e.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) {
    return "";
  }
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::multiset<std::string> read_expected(const fs::path& path) {
  std::multiset<std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#') {
      continue;
    }
    // Normalise inner whitespace: "code  3:4" -> "code 3:4".
    std::istringstream words(line);
    std::string code;
    std::string pos;
    words >> code >> pos;
    out.insert(code + " " + pos);
  }
  return out;
}

std::string key_of(const linkhub::Diagnostic& d) {
  return d.code + " " + std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column);
}

std::string show(const std::multiset<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    out += "    " + i + "\n";
  }
  return out.empty() ? "    (none)\n" : out;
}

std::string show(const linkhub::Diagnostics& ds) {
  std::string out;
  for (const auto& d : ds) {
    out += "    " + linkhub::format_diagnostic(d) + "\n";
  }
  return out.empty() ? "    (none)\n" : out;
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string stem = fs::path(info.param).stem().string();
  std::string out;
  for (char c : stem) {
    out += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
  }
  if (out.empty()) {
    out = "_";
  }
  return out;
}

// A finding inside a step names the step in what the user reads.
bool mentions_step(const linkhub::Diagnostic& d) {
  return d.step.empty() || linkhub::format_diagnostic(d).find("step '" + d.step + "'") != std::string::npos;
}

class ValidatorCorpusInvalid : public testing::TestWithParam<std::string> {};
class ValidatorCorpusValid : public testing::TestWithParam<std::string> {};

TEST_P(ValidatorCorpusInvalid, ReportsExactlyTheExpectedDiagnostics) {
  const fs::path yaml = GetParam();
  fs::path expected_path = yaml;
  expected_path.replace_extension(".expected");
  ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path;
  const auto expected = read_expected(expected_path);
  ASSERT_FALSE(expected.empty()) << expected_path << " lists no diagnostic";

  const auto diagnostics = linkhub::check_workflow_file(yaml.string(), host());
  std::multiset<std::string> got;
  for (const auto& d : diagnostics) {
    got.insert(key_of(d));
  }
  EXPECT_EQ(got, expected) << yaml.filename().string() << "\n  expected:\n"
                           << show(expected) << "  got:\n"
                           << show(got) << "  full diagnostics:\n"
                           << show(diagnostics);
  for (const auto& d : diagnostics) {
    EXPECT_FALSE(d.message.empty()) << "empty message: " << key_of(d);
    EXPECT_FALSE(d.code.empty()) << "empty code: " << d.message;
    EXPECT_TRUE(mentions_step(d)) << "the message of a step finding does not carry the step id: "
                                  << linkhub::format_diagnostic(d);
  }
}

TEST_P(ValidatorCorpusValid, ReportsNothing) {
  const std::string yaml = GetParam();
  const auto diagnostics = linkhub::check_workflow_file(yaml, host());
  EXPECT_TRUE(diagnostics.empty()) << fs::path(yaml).filename().string() << ":\n" << show(diagnostics);
}

INSTANTIATE_TEST_SUITE_P(Corpus, ValidatorCorpusInvalid, testing::ValuesIn(corpus_files("invalid")), test_name);
INSTANTIATE_TEST_SUITE_P(Corpus, ValidatorCorpusValid, testing::ValuesIn(corpus_files("valid")), test_name);

TEST(ValidatorCorpus, CorpusIsLargeEnough) {
  EXPECT_GE(corpus_files("invalid").size(), 45U);
  EXPECT_GE(corpus_files("valid").size(), 6U);
}

TEST(ValidatorCorpus, EveryCodeIsCovered) {
  const std::vector<std::string> codes = {"yaml-syntax",           "duplicate-key",    "wrong-type",
                                          "missing-key",           "unknown-key",      "invalid-id",
                                          "invalid-value",         "invalid-duration", "invalid-input-default",
                                          "duplicate-step-id",     "unknown-uses",     "missing-input",
                                          "unknown-input",         "input-type",       "invalid-input",
                                          "unknown-need",          "needs-cycle",      "expression-syntax",
                                          "unterminated-template", "unknown-step-ref", "not-upstream",
                                          "unknown-output",        "unknown-input-ref"};
  std::set<std::string> seen;
  for (const auto& f : corpus_files("invalid")) {
    fs::path e = f;
    e.replace_extension(".expected");
    for (const auto& k : read_expected(e)) {
      seen.insert(k.substr(0, k.find(' ')));
    }
  }
  for (const auto& c : codes) {
    EXPECT_EQ(seen.count(c), 1U) << "no corpus file expects " << c;
  }
}

const linkhub::Diagnostic* find_code(const linkhub::Diagnostics& ds, const std::string& code) {
  for (const auto& d : ds) {
    if (d.code == code) {
      return &d;
    }
  }
  return nullptr;
}

std::string invalid_file(const std::string& stem) {
  return (fs::path(LINKHUB_TEST_DATA_DIR) / "validate" / "invalid" / (stem + ".yaml")).string();
}

TEST(ValidatorCorpus, CycleMessageShowsTheArrowPath) {
  const auto ds = linkhub::check_workflow_file(invalid_file("27-needs-cycle-three-steps"), host());
  const auto* d = find_code(ds, "needs-cycle");
  ASSERT_NE(d, nullptr) << show(ds);
  // x -> y -> z -> x, over the three steps a, b, c.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(d->message, m, std::regex(R"(([abc]) -> ([abc]) -> ([abc]) -> ([abc]))")))
      << d->message;
  EXPECT_EQ(m[1].str(), m[4].str()) << d->message;
  EXPECT_EQ((std::set<std::string>{m[1].str(), m[2].str(), m[3].str()}), (std::set<std::string>{"a", "b", "c"}))
      << d->message;
  EXPECT_EQ(d->step, "a");
}

TEST(ValidatorCorpus, UnknownKeyMessagesSuggestTheKey) {
  const auto ds = linkhub::check_workflow_file(invalid_file("07-unknown-top-level-keys"), host());
  int unknown = 0;
  for (const auto& d : ds) {
    if (d.code == "unknown-key") {
      ++unknown;
      EXPECT_NE(d.message.find("did you mean"), std::string::npos) << d.message;
    }
  }
  EXPECT_EQ(unknown, 2) << show(ds);
  const auto step_ds = linkhub::check_workflow_file(invalid_file("08-unknown-step-key"), host());
  const auto* d = find_code(step_ds, "unknown-key");
  ASSERT_NE(d, nullptr) << show(step_ds);
  EXPECT_NE(d->message.find("did you mean 'needs'"), std::string::npos) << d->message;
  EXPECT_EQ(d->step, "a");
}

TEST(ValidatorCorpus, TyposElsewhereGetSuggestions) {
  struct Case {
    const char* file;
    const char* code;
    const char* suggestion;
  };
  for (const Case& c :
       {Case{"19-unknown-uses", "unknown-uses", "core.http"}, Case{"21-unknown-input-typo", "unknown-input", "level"},
        Case{"26-unknown-need", "unknown-need", "fetch"}, Case{"35-unknown-step-ref", "unknown-step-ref", "fetch"}}) {
    const auto ds = linkhub::check_workflow_file(invalid_file(c.file), host());
    const auto* d = find_code(ds, c.code);
    ASSERT_NE(d, nullptr) << c.file << "\n" << show(ds);
    EXPECT_NE(d->message.find(std::string("did you mean '") + c.suggestion + "'"), std::string::npos)
        << c.file << ": " << d->message;
  }
}

}  // namespace
