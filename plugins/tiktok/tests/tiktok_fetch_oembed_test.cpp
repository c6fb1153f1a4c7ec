// tiktok.fetch with provider oembed through the C ABI, the real libcurl
// client against a loopback server answering with recorded oEmbed payloads,
// and short links resolved against the same server.
#include "loopback_server.hpp"
#include "tiktok_test_support.hpp"

#include <Poco/URI.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

namespace linkhub {
namespace {

using test::LoopbackServer;
using test::Request;
using test::Response;
using tiktok_test::call;
using tiktok_test::read_fixture;

constexpr const char* kA3Url = "https://www.tiktok.com/@a3noticias/video/6806030056956251397";
constexpr const char* kJsonType = "application/json; charset=utf-8";  // as recorded from TikTok

// The url= parameter of an oEmbed request, decoded.
std::string oembed_target(const Request& r) {
  const std::string prefix = "url=";
  if (r.query.rfind(prefix, 0) != 0) {
    return {};
  }
  std::string decoded;
  Poco::URI::decode(r.query.substr(prefix.size(), r.query.find('&') - prefix.size()), decoded);
  return decoded;
}

// An oEmbed answer for any video, shaped like the recorded ones.
Response oembed_for(const std::string& user, const std::string& id) {
  return Response{200,
                  kJsonType,
                  Json{{"version", "1.0"},
                       {"type", "video"},
                       {"title", "caption of " + id + " #tag"},
                       {"author_url", "https://www.tiktok.com/@" + user},
                       {"author_name", "Name of " + user},
                       {"html", "<blockquote></blockquote>"},
                       {"author_unique_id", user},
                       {"embed_product_id", id},
                       {"embed_type", "video"}}
                      .dump(),
                  {}};
}

class TikTokFetchOembed : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.on("/oembed", [this](const Request& r) {
      last_target_ = oembed_target(r);
      return handler_(r);
    });
    server_.start();
  }
  void TearDown() override { server_.release(); }

  // Serves `handler` at /oembed and fetches `url` from it.
  StepResult fetch(const std::string& url, std::function<Response(const Request&)> handler,
                   const Json& extra = Json::object()) {
    FakeContext c;
    return fetch(url, std::move(handler), extra, c);
  }
  StepResult fetch(const std::string& url, std::function<Response(const Request&)> handler, const Json& extra,
                   FakeContext& c) {
    handler_ = std::move(handler);
    Json input = {{"provider", "oembed"}, {"url", url}, {"base_url", server_.url("")}};
    for (const auto& [k, v] : extra.items()) {
      input[k] = v;
    }
    return call("tiktok.fetch", input, c);
  }

  static Response fixture(const std::string& name) { return Response{200, kJsonType, read_fixture(name), {}}; }

  LoopbackServer server_;
  std::function<Response(const Request&)> handler_;
  std::string last_target_;
};

TEST_F(TikTokFetchOembed, MapsTheRecordedA3NoticiasAnswer) {
  // A form without the user: the canonical URL learns it from oEmbed.
  const StepResult out = fetch("https://m.tiktok.com/v/6806030056956251397.html?lang=es",
                               [](const Request&) { return fixture("tiktok_oembed_response_a3noticias.json"); });
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(last_target_, "https://www.tiktok.com/@/video/6806030056956251397");
  const Json& o = out.output;
  EXPECT_EQ(o["provider"], "oembed");
  EXPECT_EQ(o["video_id"], "6806030056956251397");
  EXPECT_EQ(o["url"], kA3Url);
  EXPECT_EQ(o["author"], "Antena 3 Noticias");
  EXPECT_EQ(o["author_id"], "a3noticias");
  EXPECT_EQ(o["description"], "Nuestro #AplausoSanitario más sincero. Para todos. Y recuerda, #QuédateEnCasa");
  EXPECT_EQ(o["hashtags"], Json({"AplausoSanitario", "QuédateEnCasa"}));
  EXPECT_EQ(o["cover_url"].get<std::string>().rfind("https://p77-sign-va.tiktokcdn.com/obj/tos-maliva-p-0068/", 0), 0u);
  // oEmbed knows none of these.
  EXPECT_TRUE(o["duration_s"].is_null());
  EXPECT_TRUE(o["video_path"].is_null());
  EXPECT_TRUE(o["created_at"].is_null());
  EXPECT_EQ(o["stats"], Json({{"plays", nullptr}, {"likes", nullptr}, {"shares", nullptr}, {"comments", nullptr}}));
}

TEST_F(TikTokFetchOembed, MapsThe2020AnswerThatLacksAuthorUniqueId) {
  const StepResult out = fetch("https://www.tiktok.com/@scout2015/video/6718335390845095173", [](const Request&) {
    return fixture("tiktok_oembed_response_scout2015_docs_example.json");
  });
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(last_target_, "https://www.tiktok.com/@scout2015/video/6718335390845095173");
  EXPECT_EQ(out.output["author_id"], "scout2015");  // from author_url
  EXPECT_EQ(out.output["author"], "Scout & Suki");
  EXPECT_EQ(out.output["hashtags"], Json({"foryoupage", "petsoftiktok", "aesthetic"}));
}

TEST_F(TikTokFetchOembed, TakesTheParseUrlOutputAndTheBaseUrlFromPluginConfig) {
  handler_ = [](const Request&) { return fixture("tiktok_oembed_response_a3noticias.json"); };
  const StepResult parsed = call("tiktok.parse_url", {{"url", kA3Url}});
  ASSERT_EQ(parsed.status, LH_OK) << parsed.error;
  FakeContext c;
  c.plugin_config = {{"oembed_base_url", server_.url("/")}};
  const StepResult out = call("tiktok.fetch", {{"url", parsed.output}}, c);  // provider defaults to oembed
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["url"], kA3Url);
  EXPECT_EQ(server_.requests("/oembed"), 1);
}

// Each CSV row yt-dlp marks as gone, answered the ways TikTok is documented to
// answer for unavailable videos (fixtures/tiktok/tiktok_oembed_request_and_errors.md).
TEST_F(TikTokFetchOembed, ReportsRemovedAndPrivateVideosAsPermanent) {
  const std::vector<Response> answers = {
      {400, kJsonType, R"({"code":400,"message":"Something went wrong"})", {}},
      {404, kJsonType, R"({"status_msg":"Something went wrong"})", {}},
      {200, kJsonType, R"({"status_code":10101,"status_msg":"Something went wrong"})", {}},
      {400, "text/plain", "Something went wrong", {}},
  };
  size_t k = 0;
  size_t removed = 0;
  for (const auto& row : tiktok_test::csv_rows()) {
    if (row.at("expected_error").empty() || row.at("extractor") != "TikTokIE") {
      continue;
    }
    ++removed;
    for (const Response& answer : answers) {
      SCOPED_TRACE(row.at("url") + " answered " + std::to_string(answer.status) + " " + answer.body);
      const StepResult out = fetch(row.at("url"), [&](const Request&) { return answer; });
      EXPECT_EQ(out.status, LH_ERROR) << out.error;
      EXPECT_NE(out.error.find("is unavailable (removed, private or never public)"), std::string::npos) << out.error;
      EXPECT_NE(out.error.find("Something went wrong"), std::string::npos) << out.error;
      EXPECT_NE(out.error.find("/video/" + row.at("id")), std::string::npos) << out.error;
      ++k;
    }
  }
  EXPECT_EQ(removed, 4u);
  EXPECT_EQ(k, removed * answers.size());
}

TEST_F(TikTokFetchOembed, RefusesAnAnswerThatDescribesAProfile) {
  const StepResult out = fetch(kA3Url, [](const Request&) {
    return Response{200,
                    kJsonType,
                    R"({"version":"1.0","type":"rich","title":"Test User's Creator Profile","embed_type":"profile"})",
                    {}};
  });
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("describes no video"), std::string::npos) << out.error;
}

TEST_F(TikTokFetchOembed, RetriesTooManyRequestsWithRetryAfterInTheMessage) {
  const StepResult out = fetch(kA3Url, [](const Request&) {
    return Response{429, "text/plain", "slow down", {{"Retry-After", "30"}}};
  });
  EXPECT_EQ(out.status, LH_RETRYABLE);
  EXPECT_NE(out.error.find("answered 429"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("retry after 30"), std::string::npos) << out.error;
}

TEST_F(TikTokFetchOembed, RetriesServerErrors) {
  for (int status : {500, 502, 503, 504}) {
    const StepResult out = fetch(kA3Url, [&](const Request&) {
      return Response{status, "text/html", "<h1>oops</h1>", {}};
    });
    EXPECT_EQ(out.status, LH_RETRYABLE) << status;
    EXPECT_NE(out.error.find("answered " + std::to_string(status)), std::string::npos) << out.error;
  }
}

TEST_F(TikTokFetchOembed, TreatsOtherClientErrorsAsPermanent) {
  const StepResult out = fetch(kA3Url, [](const Request&) { return Response{403, "text/plain", "forbidden", {}}; });
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("answered 403"), std::string::npos) << out.error;
}

TEST_F(TikTokFetchOembed, NamesTheProviderWhenJsonIsMalformed) {
  const StepResult broken = fetch(kA3Url, [](const Request&) {
    return Response{200, kJsonType, "{\"version\": \"1.0\", ", {}};
  });
  EXPECT_EQ(broken.status, LH_ERROR);
  EXPECT_NE(broken.error.find("tiktok.fetch (oembed)"), std::string::npos) << broken.error;
  EXPECT_NE(broken.error.find("malformed JSON"), std::string::npos) << broken.error;
  const StepResult list = fetch(kA3Url, [](const Request&) { return Response{200, kJsonType, "[1, 2]", {}}; });
  EXPECT_EQ(list.status, LH_ERROR);
  EXPECT_NE(list.error.find("not an object"), std::string::npos) << list.error;
  const StepResult html = fetch(kA3Url, [](const Request&) { return Response{200, "text/html", "<html></html>", {}}; });
  EXPECT_EQ(html.status, LH_ERROR);
}

TEST_F(TikTokFetchOembed, KeepsGoingWhenFieldsHaveOddTypes) {
  const StepResult out = fetch(kA3Url, [](const Request&) {
    return Response{200,
                    kJsonType,
                    R"({"type":"video","html":"x","title":42,"author_name":["x"],"author_url":null,)"
                    R"("thumbnail_url":{"a":1},"author_unique_id":"bad handle!"})",
                    {}};
  });
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["description"], "42");  // a number where text belongs is still readable
  EXPECT_TRUE(out.output["author"].is_null());
  EXPECT_TRUE(out.output["cover_url"].is_null());
  EXPECT_EQ(out.output["url"], kA3Url);  // the user from the input URL
  EXPECT_EQ(out.output["author_id"], "a3noticias");
}

TEST_F(TikTokFetchOembed, RefusesOversizeBodies) {
  const StepResult out = fetch(kA3Url,
                               [](const Request&) {
                                 return Response{200, kJsonType, std::string(64 * 1024, ' '), {}};
                               },
                               {{"max_response_bytes", 1024}});
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("larger than max_response_bytes (1024 bytes)"), std::string::npos) << out.error;
}

TEST_F(TikTokFetchOembed, TimesOutASlowServerAsRetryable) {
  // The handler waits until the test releases it (TearDown), far past 50 ms.
  server_.on_blocking("/slow/oembed");
  const StepResult out =
      call("tiktok.fetch",
           {{"provider", "oembed"}, {"url", kA3Url}, {"base_url", server_.url("/slow")}, {"timeout_ms", 50}});
  EXPECT_EQ(out.status, LH_RETRYABLE);
  EXPECT_NE(out.error.find("timed out after 50 ms"), std::string::npos) << out.error;
}

TEST_F(TikTokFetchOembed, BoundsTheTimeoutByTheStepsDeadline) {
  server_.on_blocking("/slow/oembed");
  FakeContext c;
  c.deadline_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      (std::chrono::system_clock::now() + std::chrono::milliseconds(100)).time_since_epoch())
                      .count();
  const StepResult out =
      call("tiktok.fetch", {{"provider", "oembed"}, {"url", kA3Url}, {"base_url", server_.url("/slow")}}, c);
  EXPECT_EQ(out.status, LH_RETRYABLE);
  EXPECT_NE(out.error.find("timed out"), std::string::npos) << out.error;
}

TEST_F(TikTokFetchOembed, StopsARedirectLoop) {
  server_.on("/loop/oembed", [this](const Request&) {
    return Response{302, "text/plain", "", {{"Location", server_.url("/loop/oembed")}}};
  });
  const StepResult out =
      call("tiktok.fetch", {{"provider", "oembed"}, {"url", kA3Url}, {"base_url", server_.url("/loop")}});
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("redirect loop"), std::string::npos) << out.error;
  EXPECT_LE(server_.requests("/loop/oembed"), 6);
}

TEST_F(TikTokFetchOembed, StopsWhenCancelled) {
  FakeContext c;
  c.cancelled = true;
  const StepResult out = fetch(
      kA3Url, [](const Request&) { return fixture("tiktok_oembed_response_a3noticias.json"); }, {}, c);
  EXPECT_EQ(out.status, LH_CANCELLED);
}

TEST_F(TikTokFetchOembed, RetriesWhenNothingListens) {
  const StepResult out =
      call("tiktok.fetch", {{"provider", "oembed"}, {"url", kA3Url}, {"base_url", "http://127.0.0.1:1"}});
  EXPECT_EQ(out.status, LH_RETRYABLE) << out.error;
}

TEST_F(TikTokFetchOembed, RefusesANonTikTokUrlBeforeAnyRequest) {
  const StepResult out = fetch("https://eviltiktok.com/@a/video/6806030056956251397",
                               [](const Request&) { return fixture("tiktok_oembed_response_a3noticias.json"); });
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("is not a TikTok video link"), std::string::npos) << out.error;
  EXPECT_EQ(server_.requests("/oembed"), 0);
  EXPECT_EQ(call("tiktok.fetch", {{"url", {{"no_url", 1}}}}).status, LH_ERROR);
}

// Short links: the loopback server plays vm.tiktok.com, vt.tiktok.com and
// tiktok.com/t/; its redirects point at www.tiktok.com, which is never requested.
class TikTokShortLinks : public TikTokFetchOembed {
 protected:
  StepResult fetch_short(const std::string& url, Json extra = {}) {
    handler_ = [this](const Request&) {
      const auto parsed = call("tiktok.parse_url", {{"url", last_target_}});
      return parsed.status == LH_OK ? oembed_for(parsed.output["user"], parsed.output["video_id"])
                                    : Response{400, kJsonType, R"({"message":"bad url"})", {}};
    };
    Json input = {{"provider", "oembed"}, {"url", url}, {"base_url", server_.url("")}};
    for (const auto& [k, v] : extra.items()) {
      input[k] = v;
    }
    FakeContext c;
    c.plugin_config = {{"resolve_base_url", server_.url("")}};
    return call("tiktok.fetch", input, c);
  }
};

TEST_F(TikTokShortLinks, ResolvesTheFixtureShortLinksToTheirVideos) {
  size_t resolved = 0;
  for (const auto& row : tiktok_test::csv_rows()) {
    if (row.at("extractor") != "TikTokVMIE" || row.at("id").empty()) {
      continue;
    }
    const std::string code = tiktok_test::short_code_in_url(row.at("url"));
    const std::string path = row.at("url").find("/t/") != std::string::npos ? "/t/" + code + "/" : "/" + code + "/";
    const std::string target =
        "https://www.tiktok.com/@" + row.at("uploader") + "/video/" + row.at("id") + "?_r=1&_t=8ZQ";
    server_.on(path, [target](const Request&) { return Response{301, "text/html", "", {{"Location", target}}}; });
    const StepResult out = fetch_short(row.at("url"));
    ASSERT_EQ(out.status, LH_OK) << out.error;
    EXPECT_EQ(out.output["video_id"], row.at("id"));
    EXPECT_EQ(out.output["url"], "https://www.tiktok.com/@" + row.at("uploader") + "/video/" + row.at("id"));
    EXPECT_EQ(server_.requests(path), 1);
    ++resolved;
  }
  EXPECT_EQ(resolved, 2u);
}

TEST_F(TikTokShortLinks, FollowsIntermediateHopsAndOtherShortLinks) {
  server_.on("/ZSe4FqkKd/", [this](const Request&) {
    return Response{302, "text/html", "", {{"Location", server_.url("/hop")}}};
  });
  server_.on("/hop", [](const Request&) {
    return Response{302, "text/html", "", {{"Location", "https://m.tiktok.com/v/7106798200794926362.html?u=1"}}};
  });
  const StepResult out = fetch_short("https://vt.tiktok.com/ZSe4FqkKd");
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["video_id"], "7106798200794926362");
}

TEST_F(TikTokShortLinks, StopsARedirectLoopAfterFiveRequests) {
  server_.on("/ZLOOP/", [this](const Request&) {
    return Response{302, "text/html", "", {{"Location", server_.url("/ZLOOP/")}}};
  });
  const StepResult out = fetch_short("https://vm.tiktok.com/ZLOOP/");
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("redirect loop"), std::string::npos) << out.error;
  EXPECT_EQ(server_.requests("/ZLOOP/"), 5);
  EXPECT_EQ(server_.requests("/oembed"), 0);
}

TEST_F(TikTokShortLinks, ReportsDeadAndNonVideoShortLinksAsPermanent) {
  server_.on("/ZHOME/", [](const Request&) {
    return Response{301, "text/html", "", {{"Location", "https://www.tiktok.com/?lang=en"}}};
  });
  server_.on("/ZGONE/", [](const Request&) { return Response{404, "text/html", "not found", {}}; });
  server_.on("/ZPAGE/", [](const Request&) { return Response{200, "text/html", "<html></html>", {}}; });
  server_.on("/ZBUSY/", [](const Request&) { return Response{503, "text/html", "busy", {}}; });

  const StepResult home = fetch_short("https://vm.tiktok.com/ZHOME/");
  EXPECT_EQ(home.status, LH_ERROR);
  EXPECT_NE(home.error.find("not a video"), std::string::npos) << home.error;
  const StepResult gone = fetch_short("https://vm.tiktok.com/ZGONE/");
  EXPECT_EQ(gone.status, LH_ERROR);
  EXPECT_NE(gone.error.find("does not exist"), std::string::npos) << gone.error;
  const StepResult page = fetch_short("https://vm.tiktok.com/ZPAGE/");
  EXPECT_EQ(page.status, LH_ERROR);
  EXPECT_NE(page.error.find("did not redirect to a video"), std::string::npos) << page.error;
  EXPECT_EQ(fetch_short("https://vm.tiktok.com/ZBUSY/").status, LH_RETRYABLE);
  EXPECT_EQ(server_.requests("/oembed"), 0);
}

}  // namespace
}  // namespace linkhub
