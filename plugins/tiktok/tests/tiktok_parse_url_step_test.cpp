// tiktok.parse_url through the real C ABI, on every fixture URL.
#include "tiktok_test_support.hpp"

#include <gtest/gtest.h>

namespace linkhub {
namespace {

using tiktok_test::call;
using tiktok_test::UrlCase;

TEST(TikTokParseUrlStep, AnswersEveryFixtureUrlThroughTheAbi) {
  const auto cases = tiktok_test::all_fixture_url_cases();
  ASSERT_EQ(cases.size(), 38u + 17u + 11u);
  for (const UrlCase& c : cases) {
    SCOPED_TRACE(c.source + ": " + c.url);
    const StepResult out = call("tiktok.parse_url", {{"url", c.url}});
    switch (c.expect) {
      case UrlCase::Expect::kVideo:
        ASSERT_EQ(out.status, LH_OK) << out.error;
        EXPECT_EQ(out.output["video_id"], c.video_id);
        EXPECT_EQ(out.output["user"], c.user);
        EXPECT_EQ(out.output["url"], "https://www.tiktok.com/@" + c.user + "/video/" + c.video_id);
        EXPECT_EQ(out.output["needs_resolution"], false);
        EXPECT_TRUE(out.output["short_code"].is_null());
        EXPECT_EQ(out.output["kind"], "video");
        EXPECT_FALSE(out.output.contains("username"));
        break;
      case UrlCase::Expect::kShortLink:
        ASSERT_EQ(out.status, LH_OK) << out.error;
        EXPECT_TRUE(out.output["video_id"].is_null());
        EXPECT_EQ(out.output["needs_resolution"], true);
        EXPECT_EQ(out.output["short_code"], c.code);
        EXPECT_EQ(out.output["user"], "");
        EXPECT_EQ(out.output["kind"], "video");
        break;
      case UrlCase::Expect::kProfile:
        ASSERT_EQ(out.status, LH_OK) << out.error;
        EXPECT_EQ(out.output,
                  Json({{"kind", "profile"}, {"username", c.user}, {"url", "https://www.tiktok.com/@" + c.user}}));
        break;
      case UrlCase::Expect::kRejected:
        EXPECT_EQ(out.status, LH_ERROR);  // permanent: retrying will not make it a video
        EXPECT_NE(out.error.find("is not a TikTok video or profile link"), std::string::npos) << out.error;
        break;
    }
  }
}

TEST(TikTokParseUrlStep, NamesTheUrlAndTheReasonWhenItRefuses) {
  const StepResult lookalike =
      call("tiktok.parse_url", {{"url", "https://tiktok.com.evil.io/@a/video/6718335390845095173"}});
  EXPECT_EQ(lookalike.status, LH_ERROR);
  EXPECT_NE(lookalike.error.find("'https://tiktok.com.evil.io/@a/video/6718335390845095173'"), std::string::npos)
      << lookalike.error;
  EXPECT_NE(lookalike.error.find("host 'tiktok.com.evil.io' is not TikTok"), std::string::npos) << lookalike.error;

  const StepResult photo = call("tiktok.parse_url", {{"url", "https://www.tiktok.com/@a/photo/7301234567890123456"}});
  EXPECT_EQ(photo.status, LH_ERROR);
  EXPECT_NE(photo.error.find("photo post"), std::string::npos) << photo.error;
}

TEST(TikTokParseUrlStep, GivesAProfileItsOwnKind) {
  for (const char* text : {"https://www.tiktok.com/@scout2015", "m.tiktok.com/@scout2015/?lang=en", " @scout2015 "}) {
    SCOPED_TRACE(text);
    const StepResult out = call("tiktok.parse_url", {{"url", text}});
    ASSERT_EQ(out.status, LH_OK) << out.error;
    EXPECT_EQ(out.output,
              Json({{"kind", "profile"}, {"username", "scout2015"}, {"url", "https://www.tiktok.com/@scout2015"}}));
  }
  // A handle that is not one says so, not that "@..." lacks a host.
  const StepResult bad = call("tiktok.parse_url", {{"url", "@scout$2015"}});
  EXPECT_EQ(bad.status, LH_ERROR);
  EXPECT_NE(bad.error.find("is not a TikTok handle"), std::string::npos) << bad.error;
  EXPECT_EQ(bad.code, "invalid_input");
  // Pages under a profile are neither.
  const StepResult live = call("tiktok.parse_url", {{"url", "https://www.tiktok.com/@scout2015/live"}});
  EXPECT_EQ(live.status, LH_ERROR);
  EXPECT_NE(live.error.find("live stream"), std::string::npos) << live.error;
}

TEST(TikTokParseUrlStep, NeverCrashesOnBinaryOrHugeText) {
  // JSON carries any Unicode; bytes that were not valid UTF-8 cannot reach a step.
  for (const std::string& text : {std::string(1 << 16, '/'), std::string("\0\x01\xc3\xbf", 4), std::string("%"),
                                  std::string("https://@"), std::string("https://:443"), std::string("::::")}) {
    const StepResult out = call("tiktok.parse_url", {{"url", text}});
    EXPECT_EQ(out.status, LH_ERROR) << out.error;
    EXPECT_FALSE(out.error.empty());
  }
}

}  // namespace
}  // namespace linkhub
