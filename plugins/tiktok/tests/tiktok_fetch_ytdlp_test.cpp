// tiktok.fetch with provider ytdlp through the C ABI. A stand-in `yt-dlp`
// shell script on PATH plays the program: it records its arguments and writes
// the .info.json fixture, fails, or hangs, as each test needs.
#include "tiktok_test_support.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <atomic>

namespace linkhub {
namespace {

using tiktok_test::call;
using tiktok_test::fixture_path;
using tiktok_test::read_file;
using tiktok_test::ScopedPath;
using tiktok_test::TempDir;

constexpr const char* kId = "6984138651336838402";
constexpr const char* kCanonical = "https://www.tiktok.com/@barudakhb_/video/6984138651336838402";
constexpr const char* kInfoFixture = "ytdlp_barudakhb_6984138651336838402.info.json";

class TikTokFetchYtdlp : public ::testing::Test {
 protected:
  // Writes bin/yt-dlp: records "$@" one per line, then runs `body` with $dir
  // set to the -P argument and $skip to 1 when --skip-download was given.
  void fake_ytdlp(const std::string& body) {
    std::filesystem::create_directories(bin_.path());
    const std::string script = (bin_.path() / "yt-dlp").string();
    std::ofstream(script) << "#!/bin/sh\n"
                          << "printf '%s\\n' \"$@\" > '" << args_file() << "'\n"
                          << "dir=''; skip=0\n"
                          << "while [ $# -gt 0 ]; do\n"
                          << "  case \"$1\" in -P) dir=\"$2\"; shift ;; --skip-download) skip=1 ;; esac\n"
                          << "  shift\n"
                          << "done\n"
                          << body << "\n";
    ::chmod(script.c_str(), 0755);
  }

  // The well-behaved yt-dlp: the fixture as <id>.info.json, and a video unless told to skip.
  void fake_ytdlp_success() {
    fake_ytdlp("/bin/cp '" + fixture_path(kInfoFixture).string() + "' \"$dir/" + kId +
               ".info.json\"\n"
               "[ $skip = 1 ] || printf 'not really a video' > \"$dir/" +
               kId + ".mp4\"\nexit 0");
  }

  StepResult fetch(const Json& extra = Json::object()) {
    FakeContext c;
    return fetch(extra, c);
  }
  StepResult fetch(const Json& extra, FakeContext& c) {
    Json input = {{"provider", "ytdlp"}, {"url", std::string(kCanonical) + "?is_from_webapp=1&sender_device=pc"}};
    for (const auto& [k, v] : extra.items()) {
      input[k] = v;
    }
    c.artifact_dir = artifacts_.path();
    return call("tiktok.fetch", input, c);
  }

  std::string args_file() const { return (work_.path() / "args.txt").string(); }
  std::vector<std::string> recorded_args() const {
    std::vector<std::string> lines;
    std::istringstream in(read_file(args_file()));
    for (std::string line; std::getline(in, line);) {
      lines.push_back(line);
    }
    return lines;
  }

  TempDir work_;
  TempDir bin_;
  TempDir artifacts_;
};

TEST_F(TikTokFetchYtdlp, SaysYtDlpIsNotInstalledWhenItIsNotOnPath) {
  TempDir empty;
  ScopedPath path(empty.str());
  const StepResult out = fetch();
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("yt-dlp is not installed (not on PATH)"), std::string::npos) << out.error;
}

TEST_F(TikTokFetchYtdlp, RunsYtDlpWithoutAShellAndMapsItsInfoJson) {
  fake_ytdlp_success();
  ScopedPath path(bin_.str());
  const StepResult out = fetch();
  ASSERT_EQ(out.status, LH_OK) << out.error;

  const std::vector<std::string> args = recorded_args();
  ASSERT_GE(args.size(), 3u);
  // Each argument arrives whole: no shell split or expanded anything.
  EXPECT_EQ(args.back(), kCanonical);
  EXPECT_EQ(args[args.size() - 2], "--");
  EXPECT_NE(std::find(args.begin(), args.end(), "--write-info-json"), args.end());
  EXPECT_NE(std::find(args.begin(), args.end(), "%(id)s.%(ext)s"), args.end());
  EXPECT_NE(std::find(args.begin(), args.end(), artifacts_.str()), args.end());
  EXPECT_EQ(std::find(args.begin(), args.end(), "--skip-download"), args.end());

  const Json& o = out.output;
  EXPECT_EQ(o["provider"], "ytdlp");
  EXPECT_EQ(o["video_id"], kId);
  EXPECT_EQ(o["url"], kCanonical);
  EXPECT_EQ(o["author"], "barudakhb_");  // no channel or creator in this info: the uploader
  EXPECT_EQ(o["author_id"], "6974687867511718913");
  EXPECT_EQ(o["description"], "Balas @yolaaftwsr hayu yu ? #SquadRandom_ 🔥");
  EXPECT_EQ(o["hashtags"], Json({"SquadRandom_"}));
  EXPECT_EQ(o["duration_s"], 18);
  EXPECT_EQ(o["cover_url"], "https://p16-sign-sg.tiktokcdn.com/obj/tos-alisg-p-0037/example~tplv-dmt-logom.image");
  EXPECT_EQ(o["stats"], Json({{"plays", 41200}, {"likes", 3100}, {"shares", 55}, {"comments", 87}}));
  EXPECT_EQ(o["created_at"], "2021-07-12T20:25:03Z");
  EXPECT_EQ(o["video_path"], (artifacts_.path() / (std::string(kId) + ".mp4")).string());
}

TEST_F(TikTokFetchYtdlp, SkipsTheDownloadWhenAskedTo) {
  fake_ytdlp_success();
  ScopedPath path(bin_.str());
  const StepResult out = fetch({{"download_video", false}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  const std::vector<std::string> args = recorded_args();
  EXPECT_NE(std::find(args.begin(), args.end(), "--skip-download"), args.end());
  EXPECT_TRUE(out.output["video_path"].is_null());
}

TEST_F(TikTokFetchYtdlp, UsesTheConfiguredProgramOverPath) {
  fake_ytdlp_success();
  TempDir empty;
  ScopedPath path(empty.str());
  FakeContext c;
  c.plugin_config = {{"ytdlp_path", (bin_.path() / "yt-dlp").string()}};
  const StepResult out = fetch({}, c);
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["video_id"], kId);
}

TEST_F(TikTokFetchYtdlp, ReportsYtDlpsErrorLine) {
  fake_ytdlp(
      "echo '[TikTok] Extracting URL' \necho 'ERROR: [TikTok] 6984138651336838402: Video not available, "
      "status code 10204' >&2\nexit 1");
  ScopedPath path(bin_.str());
  const StepResult out = fetch();
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("exit 1"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("Video not available, status code 10204"), std::string::npos) << out.error;
}

TEST_F(TikTokFetchYtdlp, RetriesWhenYtDlpWasThrottled) {
  fake_ytdlp("echo 'ERROR: [TikTok] 6984138651336838402: HTTP Error 429: Too Many Requests' >&2\nexit 1");
  ScopedPath path(bin_.str());
  const StepResult out = fetch();
  EXPECT_EQ(out.status, LH_RETRYABLE) << out.error;
}

TEST_F(TikTokFetchYtdlp, FailsWhenYtDlpWritesNoInfoJson) {
  fake_ytdlp("exit 0");
  ScopedPath path(bin_.str());
  const StepResult out = fetch();
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("wrote no 6984138651336838402.info.json"), std::string::npos) << out.error;
}

TEST_F(TikTokFetchYtdlp, StopsAYtDlpThatTakesTooLong) {
  // Far longer than the timeout; the kill ends it early (and bounds the test if the kill failed).
  fake_ytdlp("exec /bin/sleep 30");
  ScopedPath path(bin_.str());
  const StepResult out = fetch({{"timeout_ms", 100}});
  EXPECT_EQ(out.status, LH_RETRYABLE);
  EXPECT_NE(out.error.find("did not finish within 100 ms"), std::string::npos) << out.error;
}

TEST_F(TikTokFetchYtdlp, StopsWhenCancelled) {
  fake_ytdlp("exec /bin/sleep 30");
  ScopedPath path(bin_.str());
  FakeContext c;
  c.cancelled = true;
  EXPECT_EQ(fetch({}, c).status, LH_CANCELLED);
}

TEST_F(TikTokFetchYtdlp, RefusesAMalformedInfoJson) {
  fake_ytdlp(std::string("printf '{\"id\": ' > \"$dir/") + kId + ".info.json\"\nexit 0");
  ScopedPath path(bin_.str());
  const StepResult out = fetch();
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("tiktok.fetch (ytdlp)"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("not valid JSON"), std::string::npos) << out.error;
}

}  // namespace
}  // namespace linkhub
