// The TikTok URL parser called directly: every URL in the yt-dlp fixtures,
// each normalisation the plugin promises, and the links it must refuse.
#include "tiktok_url.hpp"
#include "tiktok_test_support.hpp"

#include <gtest/gtest.h>

namespace linkhub::tiktok {
namespace {

using tiktok_test::UrlCase;

void expect_case(const UrlCase& c) {
  SCOPED_TRACE(c.source + ": " + c.url);
  const UrlParseResult r = parse_video_url(c.url);
  switch (c.expect) {
    case UrlCase::Expect::kVideo:
      ASSERT_TRUE(r.link.has_value()) << r.error;
      EXPECT_EQ(r.link->video_id, c.video_id);
      EXPECT_EQ(r.link->user, c.user);
      EXPECT_EQ(r.link->url, "https://www.tiktok.com/@" + c.user + "/video/" + c.video_id);
      EXPECT_FALSE(r.link->needs_resolution());
      break;
    case UrlCase::Expect::kShortLink:
      ASSERT_TRUE(r.link.has_value()) << r.error;
      EXPECT_TRUE(r.link->needs_resolution());
      EXPECT_EQ(r.link->short_code, c.code);
      EXPECT_TRUE(r.link->video_id.empty());
      break;
    case UrlCase::Expect::kProfile: {
      EXPECT_FALSE(r.link.has_value()) << "accepted as video " << r.link->video_id;
      EXPECT_EQ(r.problem, UrlProblem::kNotAVideo);
      const ProfileParseResult p = parse_profile_url(c.url);
      ASSERT_TRUE(p.profile.has_value()) << p.error;
      EXPECT_EQ(p.profile->user, c.user);
      EXPECT_EQ(p.profile->url, "https://www.tiktok.com/@" + c.user);
      break;
    }
    case UrlCase::Expect::kRejected:
      EXPECT_FALSE(r.link.has_value()) << "accepted as video " << r.link->video_id;
      EXPECT_NE(r.error.find("is not a TikTok video link"), std::string::npos) << r.error;
      EXPECT_FALSE(parse_profile_url(c.url).profile.has_value()) << "accepted as a profile";
      break;
  }
  if (c.expect != UrlCase::Expect::kProfile) {
    const ProfileParseResult p = parse_profile_url(c.url);
    EXPECT_FALSE(p.profile.has_value()) << "accepted as the profile of " << p.profile->user;
    EXPECT_NE(p.error.find("is not a TikTok profile link"), std::string::npos) << p.error;
  }
}

TEST(TikTokUrl, ReadsEveryUrlOfYtDlpsExtractorTests) {
  const auto cases = tiktok_test::extractor_test_cases();
  // 9 extractors, 38 tests in the fixture: a reader that finds fewer is broken.
  ASSERT_EQ(cases.size(), 38u);
  size_t profiles = 0;
  for (const auto& c : cases) {
    profiles += c.expect == UrlCase::Expect::kProfile ? 1 : 0;
    expect_case(c);
  }
  EXPECT_EQ(profiles, 3u);  // TikTokUserIE: @corgibobaa?lang=en, @6820838815978423302, @meme
}

TEST(TikTokUrl, ReadsEveryRowOfTheVideoUrlCsv) {
  const auto cases = tiktok_test::csv_cases();
  ASSERT_EQ(cases.size(), 17u);
  for (const auto& c : cases) {
    expect_case(c);
  }
}

TEST(TikTokUrl, ReadsEveryHistoricalUrlForm) {
  const auto cases = tiktok_test::historical_cases();
  ASSERT_EQ(cases.size(), 11u);
  size_t profiles = 0;
  for (const auto& c : cases) {
    profiles += c.expect == UrlCase::Expect::kRejected ? 1 : 0;
    expect_case(c);
  }
  EXPECT_EQ(profiles, 2u);  // m.tiktok.com/h5/share/usr/<id>.html and /share/user/<id>
}

TEST(TikTokUrl, RejectsOtherExtractorsAsNotAVideoAndDouyinAsNotTikTok) {
  EXPECT_EQ(parse_video_url("https://www.tiktok.com/@meme").problem, UrlProblem::kNotAVideo);
  EXPECT_EQ(parse_video_url("https://www.tiktok.com/@pilarmagenta/live").problem, UrlProblem::kNotAVideo);
  EXPECT_EQ(parse_video_url("https://www.douyin.com/video/6961737553342991651").problem, UrlProblem::kNotTikTok);
  EXPECT_EQ(parse_video_url("tiktokuser:MS4wLjABAAAAM3R2BtjzVT").problem, UrlProblem::kNotTikTok);
}

TEST(TikTokUrl, CanonicalUrlsParseBackToThemselves) {
  for (const auto& c : tiktok_test::all_fixture_url_cases()) {
    const UrlParseResult first = parse_video_url(c.url);
    if (!first.link) {
      continue;
    }
    const UrlParseResult again = parse_video_url(first.link->url);
    ASSERT_TRUE(again.link.has_value()) << again.error;
    EXPECT_EQ(again.link->url, first.link->url);
    EXPECT_EQ(again.link->video_id, first.link->video_id);
    EXPECT_EQ(again.link->short_code, first.link->short_code);
  }
}

struct Form {
  const char* url;
  const char* video_id;
  const char* user;
};

TEST(TikTokUrl, NormalisesEveryPublicVideoForm) {
  const Form forms[] = {
      {"https://www.tiktok.com/@scout2015/video/6718335390845095173", "6718335390845095173", "scout2015"},
      {"https://m.tiktok.com/@scout2015/video/6718335390845095173", "6718335390845095173", "scout2015"},
      {"https://tiktok.com/@scout2015/video/6718335390845095173", "6718335390845095173", "scout2015"},
      {"http://www.tiktok.com/@scout2015/video/6718335390845095173", "6718335390845095173", "scout2015"},
      {"www.tiktok.com/@scout2015/video/6718335390845095173", "6718335390845095173", "scout2015"},
      {"tiktok.com/@scout2015/video/6718335390845095173", "6718335390845095173", "scout2015"},
      {"//www.tiktok.com/@scout2015/video/6718335390845095173", "6718335390845095173", "scout2015"},
      {"HTTPS://WWW.TikTok.COM/@scout2015/video/6718335390845095173", "6718335390845095173", "scout2015"},
      {"  \thttps://www.tiktok.com/@scout2015/video/6718335390845095173\r\n ", "6718335390845095173", "scout2015"},
      {"https://www.tiktok.com/@scout2015/video/6718335390845095173/", "6718335390845095173", "scout2015"},
      {"https://www.tiktok.com/@scout2015/video/6718335390845095173//", "6718335390845095173", "scout2015"},
      {"https://www.tiktok.com/@scout2015/video/6718335390845095173?is_from_webapp=1&sender_device=pc&web_id=7"
       "1234&_r=1&_t=8abc",
       "6718335390845095173", "scout2015"},
      {"https://www.tiktok.com/@scout2015/video/6718335390845095173?lang=en#comments", "6718335390845095173",
       "scout2015"},
      {"https://www.tiktok.com:443/@scout2015/video/6718335390845095173", "6718335390845095173", "scout2015"},
      {"https://www.tiktok.com./@scout2015/video/6718335390845095173", "6718335390845095173", "scout2015"},
      {"https://www.tiktok.com/%40scout2015/video/6718335390845095173", "6718335390845095173", "scout2015"},
      {"https://www.tiktok.com/@scout.2015-x_y/video/6718335390845095173", "6718335390845095173", "scout.2015-x_y"},
      {"https://www.tiktok.com/@/video/6718335390845095173", "6718335390845095173", ""},
      {"https://m.tiktok.com/v/6718335390845095173.html", "6718335390845095173", ""},
      {"https://m.tiktok.com/v/6718335390845095173.HTML?enter_from=h5_m", "6718335390845095173", ""},
      {"https://www.tiktok.com/v/6718335390845095173", "6718335390845095173", ""},
      {"https://www.tiktok.com/embed/6718335390845095173", "6718335390845095173", ""},
      {"https://www.tiktok.com/embed/v2/6718335390845095173?lang=en-US", "6718335390845095173", ""},
      {"https://www.tiktok.com/player/v1/6718335390845095173?autoplay=1", "6718335390845095173", ""},
      {"https://www.tiktok.com/share/video/6718335390845095173/", "6718335390845095173", ""},
      {"https://www.tiktokv.com/share/video/6718335390845095173/", "6718335390845095173", ""},
      {"https://www.tiktok.com/trending?shareId=6718335390845095173", "6718335390845095173", ""},
      {"https://www.tiktok.com/trending?lang=en&shareId=6718335390845095173&x=1", "6718335390845095173", ""},
  };
  for (const Form& f : forms) {
    SCOPED_TRACE(f.url);
    const UrlParseResult r = parse_video_url(f.url);
    ASSERT_TRUE(r.link.has_value()) << r.error;
    EXPECT_EQ(r.link->video_id, f.video_id);
    EXPECT_EQ(r.link->user, f.user);
    EXPECT_EQ(r.link->url, std::string("https://www.tiktok.com/@") + f.user + "/video/" + f.video_id);
    EXPECT_TRUE(r.link->short_code.empty());
    EXPECT_EQ(r.problem, UrlProblem::kNone);
  }
}

TEST(TikTokUrl, MarksShortLinksForResolutionWithTheirCode) {
  const std::pair<const char*, const char*> links[] = {
      {"https://vm.tiktok.com/ZTR45GpSF/", "https://vm.tiktok.com/ZTR45GpSF/"},
      {"vm.tiktok.com/ZTR45GpSF", "https://vm.tiktok.com/ZTR45GpSF/"},
      {"http://VM.TikTok.com/ZTR45GpSF?_r=1", "https://vm.tiktok.com/ZTR45GpSF/"},
      {"https://vt.tiktok.com/ZSe4FqkKd", "https://vt.tiktok.com/ZSe4FqkKd/"},
      {"https://www.tiktok.com/t/ZTRC5xgJp", "https://www.tiktok.com/t/ZTRC5xgJp/"},
      {" tiktok.com/t/ZTRC5xgJp/?k=1 ", "https://www.tiktok.com/t/ZTRC5xgJp/"},
      {"https://m.tiktok.com/t/ZTRC5xgJp", "https://www.tiktok.com/t/ZTRC5xgJp/"},
  };
  for (const auto& [text, canonical] : links) {
    SCOPED_TRACE(text);
    const UrlParseResult r = parse_video_url(text);
    ASSERT_TRUE(r.link.has_value()) << r.error;
    EXPECT_TRUE(r.link->needs_resolution());
    EXPECT_TRUE(r.link->video_id.empty());
    EXPECT_EQ(r.link->url, canonical);
    EXPECT_EQ(r.link->short_code, tiktok_test::short_code_in_url(canonical));
  }
}

struct Refusal {
  const char* url;
  UrlProblem problem;
  const char* reason;  // part of the message
};

TEST(TikTokUrl, RefusesWhatIsNotATikTokVideoWithAReason) {
  const Refusal refusals[] = {
      // Other hosts and look-alikes.
      {"https://www.youtube.com/watch?v=dQw4w9WgXcQ", UrlProblem::kNotTikTok, "is not TikTok"},
      {"https://tiktok.com.evil.io/@a/video/6718335390845095173", UrlProblem::kNotTikTok, "is not TikTok"},
      {"https://www.tiktok.com.evil.io/@a/video/6718335390845095173", UrlProblem::kNotTikTok, "is not TikTok"},
      {"https://eviltiktok.com/@a/video/6718335390845095173", UrlProblem::kNotTikTok, "is not TikTok"},
      {"https://tiktok.co/@a/video/6718335390845095173", UrlProblem::kNotTikTok, "is not TikTok"},
      {"https://tiktok.com-evil.io/@a/video/6718335390845095173", UrlProblem::kNotTikTok, "is not TikTok"},
      {"https://evil.io/www.tiktok.com/@a/video/6718335390845095173", UrlProblem::kNotTikTok, "is not TikTok"},
      {"https://evil.io/?u=https://www.tiktok.com/@a/video/6718335390845095173", UrlProblem::kNotTikTok,
       "is not TikTok"},
      {"https://www.tiktok.com@evil.io/@a/video/6718335390845095173", UrlProblem::kMalformed, "user information"},
      {"https://user:pw@www.tiktok.com/@a/video/6718335390845095173", UrlProblem::kMalformed, "user information"},
      {"https://[::1]/@a/video/6718335390845095173", UrlProblem::kNotTikTok, "IP address"},
      {"https://ads.tiktok.com/@a/video/6718335390845095173", UrlProblem::kNotAVideo, "serves no videos"},
      {"https://www.douyin.com/video/6961737553342991651", UrlProblem::kNotTikTok, "is not TikTok"},
      // TikTok pages that are not one video.
      {"https://www.tiktok.com/", UrlProblem::kNotAVideo, "home page"},
      {"https://www.tiktok.com/@scout2015", UrlProblem::kNotAVideo, "profile of @scout2015"},
      {"https://www.tiktok.com/@scout2015/?lang=en", UrlProblem::kNotAVideo, "profile"},
      {"tiktok.com/@scout2015", UrlProblem::kNotAVideo, "profile"},
      {"https://www.tiktok.com/@scout2015/photo/7301234567890123456", UrlProblem::kNotAVideo, "photo post"},
      {"https://www.tiktok.com/@scout2015/live", UrlProblem::kNotAVideo, "live stream"},
      {"https://www.tiktok.com/@scout2015/collection/cats-7371330159376370462", UrlProblem::kNotAVideo, "collection"},
      {"https://www.tiktok.com/tag/foryoupage", UrlProblem::kNotAVideo, "hashtag"},
      {"https://www.tiktok.com/music/original-sound-6689804660171082501", UrlProblem::kNotAVideo, "sound"},
      {"https://www.tiktok.com/share/user/188294915489964032", UrlProblem::kNotAVideo, "profile"},
      {"https://www.tiktok.com/@scout2015/video", UrlProblem::kNotAVideo, "does not point at a video"},
      {"https://www.tiktok.com/@scout2015/video/6718335390845095173/extra", UrlProblem::kNotAVideo,
       "does not point at a video"},
      {"https://www.tiktok.com/trending", UrlProblem::kNotAVideo, "does not point at a video"},
      {"https://www.tiktokv.com/@a/video/6718335390845095173", UrlProblem::kNotAVideo, "only /share/video"},
      // Malformed.
      {"", UrlProblem::kMalformed, "empty"},
      {"   \t ", UrlProblem::kMalformed, "empty"},
      {"not a url", UrlProblem::kMalformed, "spaces"},
      {"https://www.tiktok.com/@a b/video/6718335390845095173", UrlProblem::kMalformed, "spaces"},
      {"https://www.tiktok.com/@a/video/6718335390845095173\x01", UrlProblem::kMalformed, "control"},
      {"ftp://www.tiktok.com/@a/video/6718335390845095173", UrlProblem::kMalformed, "scheme 'ftp'"},
      {"javascript:alert(1)", UrlProblem::kNotTikTok, "is not TikTok"},
      {"https://evil.io:8080/@a/video/6718335390845095173", UrlProblem::kNotTikTok, "is not TikTok"},
      {"https:///@a/video/6718335390845095173", UrlProblem::kMalformed, "no host"},
      {"https://www.tiktok.com:8080/@a/video/6718335390845095173", UrlProblem::kMalformed, "port '8080'"},
      {"https://www.tiktok.com/@a/video/67183353908450951x3", UrlProblem::kMalformed, "video id"},
      {"https://www.tiktok.com/@a/video/12345", UrlProblem::kMalformed, "video id"},
      {"https://www.tiktok.com/@a/video/123456789012345678901", UrlProblem::kMalformed, "video id"},
      {"https://www.tiktok.com/@a/video/-6718335390845095173", UrlProblem::kMalformed, "video id"},
      {"https://www.tiktok.com/@a/video/%36%37", UrlProblem::kMalformed, "video id"},
      {"https://www.tiktok.com/@a/video/6718335390845095173%2F1", UrlProblem::kMalformed, "encoded '/'"},
      {"https://www.tiktok.com/@a/video/671833539084509517%", UrlProblem::kMalformed, "%-escape"},
      {"https://www.tiktok.com/@a/video/671833539084509517%zz", UrlProblem::kMalformed, "%-escape"},
      {"https://www.tiktok.com/@bad!user/video/6718335390845095173", UrlProblem::kMalformed, "user name"},
      {"https://www.tiktok.com/trending?shareId=abc", UrlProblem::kMalformed, "video id"},
      {"https://m.tiktok.com/v/.html", UrlProblem::kMalformed, "video id"},
      {"https://vm.tiktok.com/", UrlProblem::kMalformed, "short link"},
      {"https://vm.tiktok.com/ZTR45GpSF/extra", UrlProblem::kMalformed, "short link"},
      {"https://vm.tiktok.com/ZTR45!GpSF", UrlProblem::kMalformed, "short link"},
      {"https://www.tiktok.com/t/", UrlProblem::kNotAVideo, "does not point at a video"},
      {"https://www.tiktok.com/t/ab$c", UrlProblem::kMalformed, "short link"},
  };
  for (const Refusal& r : refusals) {
    SCOPED_TRACE(r.url);
    const UrlParseResult parsed = parse_video_url(r.url);
    ASSERT_FALSE(parsed.link.has_value()) << "accepted as " << parsed.link->url;
    EXPECT_EQ(parsed.problem, r.problem) << parsed.error;
    EXPECT_NE(parsed.error.find(r.reason), std::string::npos) << parsed.error;
    EXPECT_NE(parsed.error.find("'" + url_for_message(r.url) + "' is not a TikTok video link"), std::string::npos)
        << parsed.error;
  }
}

TEST(TikTokUrl, NormalisesEveryProfileForm) {
  const std::pair<const char*, const char*> forms[] = {
      {"https://www.tiktok.com/@scout2015", "scout2015"},
      {"https://www.tiktok.com/@scout2015/", "scout2015"},
      {"https://tiktok.com/@scout2015", "scout2015"},
      {"https://m.tiktok.com/@scout2015", "scout2015"},
      {"http://www.tiktok.com/@scout2015", "scout2015"},
      {"www.tiktok.com/@scout2015", "scout2015"},
      {"tiktok.com/@scout2015?lang=en", "scout2015"},
      {"https://www.tiktok.com/@scout2015?lang=en&is_from_webapp=1#top", "scout2015"},
      {"https://www.tiktok.com/@scout2015//?_t=8abc", "scout2015"},
      {"HTTPS://WWW.TIKTOK.COM/@Scout2015", "Scout2015"},
      {"https://www.tiktok.com:443/@scout2015", "scout2015"},
      {"https://www.tiktok.com/%40scout2015", "scout2015"},
      {"https://www.tiktok.com/@scout.2015-x_y", "scout.2015-x_y"},
      {"  @scout2015 \n", "scout2015"},
      {"@_le_cannibale_", "_le_cannibale_"},
      {"@MS4wLjABAAAAepiJKgwWhulvCpSuUVsp7sgVVsFJbbNaLeQ6OQ0oAJERGDUIXhb2yxxHZedsItgT",
       "MS4wLjABAAAAepiJKgwWhulvCpSuUVsp7sgVVsFJbbNaLeQ6OQ0oAJERGDUIXhb2yxxHZedsItgT"},
  };
  for (const auto& [url, user] : forms) {
    SCOPED_TRACE(url);
    const ProfileParseResult r = parse_profile_url(url);
    ASSERT_TRUE(r.profile.has_value()) << r.error;
    EXPECT_EQ(r.profile->user, user);
    EXPECT_EQ(r.profile->url, std::string("https://www.tiktok.com/@") + user);
    const ProfileParseResult again = parse_profile_url(r.profile->url);
    ASSERT_TRUE(again.profile.has_value()) << again.error;
    EXPECT_EQ(again.profile->url, r.profile->url);
  }
}

TEST(TikTokUrl, RefusesWhatIsNotAProfileWithAReason) {
  const Refusal refusals[] = {
      {"https://www.tiktok.com/@scout2015/video/6718335390845095173", UrlProblem::kNotAVideo,
       "it is a video, not a profile"},
      {"https://m.tiktok.com/v/6718335390845095173.html", UrlProblem::kNotAVideo, "it is a video"},
      {"https://vm.tiktok.com/ZTR45GpSF/", UrlProblem::kNotAVideo, "short link"},
      {"https://www.tiktok.com/t/ZTRC5xgJp", UrlProblem::kNotAVideo, "short link"},
      {"https://www.tiktok.com/@scout2015/live", UrlProblem::kNotAVideo, "does not point at a profile"},
      {"https://www.tiktok.com/@scout2015/collection/cats-7371330159376370462", UrlProblem::kNotAVideo,
       "does not point at a profile"},
      {"https://www.tiktok.com/tag/foryoupage", UrlProblem::kNotAVideo, "does not point at a profile"},
      {"https://www.tiktok.com/", UrlProblem::kNotAVideo, "does not point at a profile"},
      {"https://www.tiktok.com/@", UrlProblem::kNotAVideo, "does not point at a profile"},
      {"https://www.tiktok.com/share/user/188294915489964032", UrlProblem::kNotAVideo, "numeric id"},
      {"https://m.tiktok.com/h5/share/usr/188294915489964032.html", UrlProblem::kNotAVideo, "numeric id"},
      {"https://www.tiktokv.com/@scout2015", UrlProblem::kNotAVideo, "does not point at a profile"},
      {"https://tiktok.com.evil.io/@scout2015", UrlProblem::kNotTikTok, "is not TikTok"},
      {"https://www.tiktok.com@evil.io/@scout2015", UrlProblem::kMalformed, "user information"},
      {"https://www.tiktok.com/@bad!user", UrlProblem::kMalformed, "user name"},
      {"https://www.tiktok.com/@a%2Fb", UrlProblem::kMalformed, "encoded '/'"},
      {"@", UrlProblem::kMalformed, "handle"},
      {"@scout 2015", UrlProblem::kMalformed, "handle"},
      {"@scout2015/video/6718335390845095173", UrlProblem::kMalformed, "handle"},
      {"@scout2015?lang=en", UrlProblem::kMalformed, "handle"},
      {"@evil.io/@scout2015", UrlProblem::kMalformed, "handle"},
      {"scout2015", UrlProblem::kNotTikTok, "is not TikTok"},  // a bare word would be a host
      {"", UrlProblem::kMalformed, "empty"},
  };
  for (const Refusal& r : refusals) {
    SCOPED_TRACE(r.url);
    const ProfileParseResult parsed = parse_profile_url(r.url);
    ASSERT_FALSE(parsed.profile.has_value()) << "accepted as " << parsed.profile->url;
    EXPECT_EQ(parsed.problem, r.problem) << parsed.error;
    EXPECT_NE(parsed.error.find(r.reason), std::string::npos) << parsed.error;
    EXPECT_NE(parsed.error.find("'" + url_for_message(r.url) + "' is not a TikTok profile link"), std::string::npos)
        << parsed.error;
  }
  EXPECT_FALSE(parse_profile_url("@" + std::string(200, 'a')).profile.has_value());
}

TEST(TikTokUrl, SurvivesHugeAndBinaryInput) {
  const std::string huge = "https://www.tiktok.com/@a/video/" + std::string(100000, '1');
  const UrlParseResult r = parse_video_url(huge);
  EXPECT_FALSE(r.link.has_value());
  EXPECT_NE(r.error.find("longer than"), std::string::npos);
  EXPECT_LT(r.error.size(), 400u);  // the URL is cut in the message

  const std::string with_nul("https://www.tiktok.com/@a/video/6718335390845095173\0x", 53);
  EXPECT_FALSE(parse_video_url(with_nul).link.has_value());
  EXPECT_FALSE(parse_video_url("\xff\xfe\x80https://www.tiktok.com/@a/video/6718335390845095173").link.has_value());
}

TEST(TikTokUrl, ShowsUrlsInMessagesAsPrintableAscii) {
  EXPECT_EQ(url_for_message("  https://x.io/a b  "), "https://x.io/a%20b");
  EXPECT_EQ(url_for_message("h\xc3\xa9'\tx\n"), "h%C3%A9%27%09x");
  EXPECT_EQ(url_for_message(std::string(300, 'a'), 10), "aaaaaaaaaa...");
}

TEST(TikTokUrl, KnowsAHandleWhenItSeesOne) {
  EXPECT_TRUE(is_valid_user("scout2015"));
  EXPECT_TRUE(is_valid_user("MS4wLjABAAAATh8Vewkn0LYM7Fo03iec3qKdeCUOcBIouRk1mkiag6h3o_pQu_dUXvZ2EZlGST7_"));
  EXPECT_FALSE(is_valid_user(""));
  EXPECT_FALSE(is_valid_user("a/b"));
  EXPECT_FALSE(is_valid_user("caf\xc3\xa9"));
  EXPECT_FALSE(is_valid_user(std::string(129, 'a')));
}

}  // namespace
}  // namespace linkhub::tiktok
