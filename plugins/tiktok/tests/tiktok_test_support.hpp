#pragma once
// Shared by the tiktok plugin's tests: the built plugin through its C ABI on
// the SDK's fake host (linkhub/testing.hpp), fixture files, the URL cases read from the yt-dlp fixtures, temporary
// folders and a scoped PATH.

#include "checked_step.hpp"
#include "temp_dir.hpp"

#include <linkhub/testing.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace linkhub {

using Json = sdk::Json;
using sdk::testing::FakeContext;
using sdk::testing::StepResult;

namespace tiktok_test {

namespace fs = std::filesystem;

inline fs::path fixture_path(const std::string& name) {
  return fs::path(LINKHUB_TEST_DATA_DIR) / "fixtures" / "tiktok" / name;
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string read_fixture(const std::string& name) {
  return read_file(fixture_path(name));
}

// The providers' stand-ins listen on 127.0.0.1: allowed as a deployment
// allows its own services (http.allow in linkhub.yaml).
inline const sdk::testing::Plugin& plugin() {
  static const sdk::testing::Plugin tiktok(fs::path(LINKHUB_PLUGIN_BUILD_DIR) / "linkhub_tiktok.so");
  return tiktok;
}

// `uses` is "tiktok.<step>"; a successful output must match the step's output schema.
inline StepResult call(const std::string& uses, const Json& input, FakeContext& c) {
  if (uses.rfind("tiktok.", 0) != 0) {
    throw std::invalid_argument("not a tiktok step: " + uses);
  }
  if (std::find(c.http_allow.begin(), c.http_allow.end(), "127.0.0.1") == c.http_allow.end()) {
    c.http_allow.push_back("127.0.0.1");
  }
  return test::run_checked_step(plugin(), uses.substr(7), c, input);
}
inline StepResult call(const std::string& uses, const Json& input) {
  FakeContext c;
  return call(uses, input, c);
}

using test::TempDir;

// Sets PATH for the scope of a test (unit tests run one at a time per process).
class ScopedPath {
 public:
  explicit ScopedPath(const std::string& value) {
    if (const char* old = std::getenv("PATH")) {
      old_ = old;
    }
    ::setenv("PATH", value.c_str(), 1);
  }
  ~ScopedPath() {
    if (old_) {
      ::setenv("PATH", old_->c_str(), 1);
    } else {
      ::unsetenv("PATH");
    }
  }
  ScopedPath(const ScopedPath&) = delete;
  ScopedPath& operator=(const ScopedPath&) = delete;

 private:
  std::optional<std::string> old_;
};

// One URL from the fixtures and what parsing it must give.
struct UrlCase {
  enum class Expect { kVideo, kShortLink, kProfile, kRejected };
  std::string source;  // fixture file and extractor, for failure messages
  std::string url;
  Expect expect = Expect::kVideo;
  std::string video_id;  // kVideo
  std::string user;      // kVideo: the @handle in the URL, may be empty; kProfile: the handle
  std::string code;      // kShortLink
};

// The longest run of digits in a URL: the video id in every fixture form
// (/video/ID, /v/ID.html, /embed/ID, ?shareId=ID).
inline std::string longest_digit_run(const std::string& url) {
  std::string best, run;
  for (char c : url + " ") {
    if (c >= '0' && c <= '9') {
      run += c;
    } else {
      if (run.size() > best.size()) {
        best = run;
      }
      run.clear();
    }
  }
  return best;
}

inline std::string user_in_url(const std::string& url) {
  const size_t at = url.find("/@");
  if (at == std::string::npos) {
    return {};
  }
  const size_t end = url.find('/', at + 2);
  return url.substr(at + 2, end == std::string::npos ? std::string::npos : end - at - 2);
}

inline std::string short_code_in_url(std::string url) {
  url = url.substr(0, url.find_first_of("?#"));
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url.substr(url.rfind('/') + 1);
}

// yt-dlp's extractor tests: TikTokIE URLs are videos, TikTokVMIE URLs short
// links, TikTokUserIE's https URLs profiles (its "tiktokuser:<id>" form is
// yt-dlp's own, no URL), and every other extractor's URLs (collections, live,
// tags, sounds, effects, Douyin) are neither.
inline std::vector<UrlCase> extractor_test_cases() {
  std::vector<UrlCase> cases;
  const Json doc = Json::parse(read_fixture("ytdlp_tiktok_extractor_tests.json"));
  for (const auto& [extractor, spec] : doc.at("extractors").items()) {
    for (const Json& test : spec.at("_TESTS")) {
      UrlCase c;
      c.source = "ytdlp_tiktok_extractor_tests.json " + extractor;
      c.url = test.at("url").get<std::string>();
      if (extractor == "TikTokIE") {
        c.expect = UrlCase::Expect::kVideo;
        c.video_id =
            test.contains("info_dict") ? test["info_dict"].at("id").get<std::string>() : longest_digit_run(c.url);
        c.user = user_in_url(c.url);
      } else if (extractor == "TikTokVMIE") {
        c.expect = UrlCase::Expect::kShortLink;
        c.code = short_code_in_url(c.url);
      } else if (extractor == "TikTokUserIE" && c.url.rfind("https://", 0) == 0) {
        c.expect = UrlCase::Expect::kProfile;
        // yt-dlp's title for a profile is its handle, the one in the URL
        c.user = test.at("info_dict").at("title").get<std::string>();
      } else {
        c.expect = UrlCase::Expect::kRejected;
      }
      cases.push_back(c);
    }
  }
  return cases;
}

// Splits one CSV line (RFC 4180 quoting, no embedded newlines in this file).
inline std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

// Rows of the CSV as column -> value.
inline std::vector<std::map<std::string, std::string>> csv_rows() {
  std::istringstream in(read_fixture("ytdlp_tiktok_video_url_cases.csv"));
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = csv_fields(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    if (line.empty()) {
      continue;
    }
    const std::vector<std::string> fields = csv_fields(line);
    EXPECT_EQ(fields.size(), header.size()) << line;
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < fields.size(); ++i) {
      row[header[i]] = fields[i];
    }
    rows.push_back(row);
  }
  return rows;
}

inline std::vector<UrlCase> csv_cases() {
  std::vector<UrlCase> cases;
  for (const auto& row : csv_rows()) {
    UrlCase c;
    c.source = "ytdlp_tiktok_video_url_cases.csv " + row.at("extractor");
    c.url = row.at("url");
    if (row.at("extractor") == "TikTokVMIE") {
      c.expect = UrlCase::Expect::kShortLink;
      c.code = short_code_in_url(c.url);
    } else {
      c.expect = UrlCase::Expect::kVideo;
      c.video_id = row.at("id").empty() ? longest_digit_run(c.url) : row.at("id");
      c.user = user_in_url(c.url);
    }
    cases.push_back(c);
  }
  return cases;
}

// The historical file holds verbatim _VALID_URL/_TESTS blocks. A block whose
// _VALID_URL matches share/user or share/usr is a profile extractor; its URLs
// must be rejected. Video URLs expect the test's 'id', else the URL's digits.
inline std::vector<UrlCase> historical_cases() {
  std::vector<UrlCase> cases;
  std::istringstream in(read_fixture("ytdlp_tiktok_historical_url_forms.txt"));
  std::string line;
  bool in_valid_url = false;
  bool profile_block = false;
  const auto quoted_value = [](const std::string& l) {
    const size_t colon = l.find("': '");
    const size_t end = l.rfind('\'');
    return l.substr(colon + 4, end - colon - 4);
  };
  while (std::getline(in, line)) {
    if (line.find("_VALID_URL") != std::string::npos) {
      in_valid_url = true;
      profile_block = false;
    }
    if (in_valid_url) {
      if (line.find("share/usr") != std::string::npos || line.find("share/user") != std::string::npos) {
        profile_block = true;
      }
      if (line.find("_TESTS") != std::string::npos) {
        in_valid_url = false;
      }
      continue;
    }
    if (line.find("'url': '") != std::string::npos) {
      UrlCase c;
      c.source = std::string("ytdlp_tiktok_historical_url_forms.txt ") + (profile_block ? "profile" : "video");
      c.url = quoted_value(line);
      c.expect = profile_block ? UrlCase::Expect::kRejected : UrlCase::Expect::kVideo;
      c.video_id = longest_digit_run(c.url);
      c.user = user_in_url(c.url);
      cases.push_back(c);
    } else if (line.find("'id': '") != std::string::npos && !cases.empty() &&
               cases.back().expect == UrlCase::Expect::kVideo) {
      cases.back().video_id = quoted_value(line);
    }
  }
  return cases;
}

inline std::vector<UrlCase> all_fixture_url_cases() {
  std::vector<UrlCase> all = extractor_test_cases();
  for (auto more : {csv_cases(), historical_cases()}) {
    all.insert(all.end(), more.begin(), more.end());
  }
  return all;
}

}  // namespace tiktok_test
}  // namespace linkhub
