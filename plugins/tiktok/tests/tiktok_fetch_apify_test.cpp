// tiktok.fetch with provider apify through the C ABI: the real libcurl client
// against a loopback server playing Apify's run-sync-get-dataset-items.
#include "loopback_server.hpp"
#include "tiktok_test_support.hpp"

#include <Poco/URI.h>

#include <gtest/gtest.h>

namespace linkhub {
namespace {

using test::LoopbackServer;
using test::Request;
using test::Response;
using tiktok_test::call;
using tiktok_test::read_fixture;
using tiktok_test::TempDir;

constexpr const char* kActor = "/v2/acts/clockworks~tiktok-scraper/run-sync-get-dataset-items";
constexpr const char* kUrl = "https://www.tiktok.com/@a3noticias/video/6806030056956251397";
// Characters that need encoding, so both the raw and the encoded token are checked.
constexpr const char* kToken = "apify_api_S3cr3t/T0ken+x&y";

class TikTokFetchApify : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.on(kActor, [this](const Request& r) {
      last_ = r;
      return handler_(r);
    });
    server_.on("/video.mp4", [](const Request&) { return Response{200, "video/mp4", std::string(4096, 'v'), {}}; });
    server_.start();
  }

  StepResult fetch(std::function<Response(const Request&)> handler, Json extra = {},
                   std::optional<std::string> token = kToken) {
    handler_ = std::move(handler);
    Json input = {{"provider", "apify"}, {"url", kUrl}};
    for (const auto& [k, v] : extra.items()) {
      input[k] = v;
    }
    FakeContext c;
    c.plugin_config = {{"apify_base_url", server_.url("")}};
    if (token) {
      c.secrets["APIFY_TOKEN"] = *token;
    }
    c.artifact_dir = artifacts_.path();
    StepResult out = call("tiktok.fetch", input, c);
    expect_token_hidden(out);
    return out;
  }

  void expect_token_hidden(const StepResult& out) {
    std::string encoded;
    Poco::URI::encode(kToken, "/+&", encoded);
    for (const std::string& secret : {std::string(kToken), encoded, std::string("S3cr3t")}) {
      EXPECT_EQ(out.error.find(secret), std::string::npos) << out.error;
      for (const auto& line : out.logs) {
        EXPECT_EQ(line.message.find(secret), std::string::npos) << line.message;
      }
    }
  }

  // The recorded-shape dataset item, with its download address on the loopback server.
  Json dataset() const {
    Json items = Json::parse(read_fixture("apify_dataset_item.json"));
    items[0]["videoMeta"]["downloadAddr"] = server_.url("/video.mp4") + "?signature=abc";
    return items;
  }

  static Response json(int status, const std::string& body) { return Response{status, "application/json", body, {}}; }

  LoopbackServer server_;
  TempDir artifacts_;
  std::function<Response(const Request&)> handler_;
  Request last_;
};

TEST_F(TikTokFetchApify, PostsTheDocumentedRunInputAndMapsTheDatasetItem) {
  const Json items = dataset();
  const StepResult out = fetch([&](const Request&) { return json(201, items.dump()); });
  ASSERT_EQ(out.status, LH_OK) << out.error;

  EXPECT_EQ(last_.method, "POST");
  std::string token;
  Poco::URI::decode(last_.query.substr(last_.query.find("token=") + 6), token);
  EXPECT_EQ(token, kToken);
  EXPECT_EQ(Json::parse(last_.body),
            Json({{"postURLs", {kUrl}}, {"resultsPerPage", 1}, {"shouldDownloadVideos", false}}));

  const Json& o = out.output;
  EXPECT_EQ(o["provider"], "apify");
  EXPECT_EQ(o["video_id"], "6806030056956251397");
  EXPECT_EQ(o["url"], kUrl);
  EXPECT_EQ(o["author"], "Antena 3 Noticias");
  EXPECT_EQ(o["author_id"], "6772004476592571398");
  EXPECT_EQ(o["description"], items[0]["text"]);
  EXPECT_EQ(o["hashtags"], Json({"AplausoSanitario", "QuédateEnCasa"}));
  EXPECT_EQ(o["duration_s"], 15);
  EXPECT_EQ(o["cover_url"], items[0]["videoMeta"]["coverUrl"]);
  EXPECT_EQ(o["stats"], Json({{"plays", 612400}, {"likes", 48200}, {"shares", 1310}, {"comments", 742}}));
  EXPECT_EQ(o["created_at"], "2020-03-19T21:12:40.000Z");
  EXPECT_TRUE(o["video_path"].is_null());  // download_video defaults to false for apify
  EXPECT_EQ(server_.requests("/video.mp4"), 0);
}

TEST_F(TikTokFetchApify, DownloadsTheVideoIntoTheArtifactDirectoryWhenAsked) {
  const Json items = dataset();
  const StepResult out = fetch([&](const Request&) { return json(201, items.dump()); }, {{"download_video", true}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  const std::string path = (artifacts_.path() / "6806030056956251397.mp4").string();
  EXPECT_EQ(out.output["video_path"], path);
  EXPECT_EQ(tiktok_test::read_file(path), std::string(4096, 'v'));
}

TEST_F(TikTokFetchApify, RefusesAVideoLargerThanMaxVideoBytesAndLeavesNoFile) {
  const Json items = dataset();
  const StepResult out = fetch([&](const Request&) { return json(201, items.dump()); },
                               {{"download_video", true}, {"max_video_bytes", 1000}});
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("larger than max_video_bytes (1000 bytes)"), std::string::npos) << out.error;
  EXPECT_TRUE(std::filesystem::is_empty(artifacts_.path()));
}

TEST_F(TikTokFetchApify, NeedsTheApifyTokenSecret) {
  const StepResult out = fetch([](const Request&) { return json(201, "[]"); }, {}, std::nullopt);
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("APIFY_TOKEN"), std::string::npos) << out.error;
  EXPECT_EQ(server_.requests(kActor), 0);
}

TEST_F(TikTokFetchApify, ReportsARefusedTokenAsPermanentWithoutShowingIt) {
  const StepResult out = fetch([](const Request&) {
    return json(
        401,
        R"({"error":{"type":"token-not-valid","message":"User was not found or authentication token is not valid"}})");
  });
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("Apify refused the token"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("authentication token is not valid"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("?..."), std::string::npos) << out.error;  // the query is cut
}

TEST_F(TikTokFetchApify, ClassifiesStatusesAndNeverShowsTheToken) {
  struct Case {
    int status;
    lh_status expected;
    const char* text;
  };
  for (const Case& c : {Case{429, LH_RETRYABLE, "retry after 12"}, Case{500, LH_RETRYABLE, "answered 500"},
                        Case{503, LH_RETRYABLE, "answered 503"}, Case{408, LH_RETRYABLE, "timed out"},
                        Case{404, LH_ERROR, "answered 404"}, Case{400, LH_ERROR, "answered 400"}}) {
    const StepResult out = fetch([&](const Request&) {
      Response r = json(c.status, std::string(R"({"error":{"message":"echo )") + kToken + R"("}})");
      r.headers["Retry-After"] = "12";
      return r;
    });
    EXPECT_EQ(out.status, c.expected) << c.status << ": " << out.error;
    EXPECT_NE(out.error.find(c.text), std::string::npos) << out.error;
  }
}

TEST_F(TikTokFetchApify, NamesTheProviderWhenJsonIsMalformed) {
  const StepResult broken = fetch([](const Request&) { return json(201, "[{\"id\": "); });
  EXPECT_EQ(broken.status, LH_ERROR);
  EXPECT_NE(broken.error.find("tiktok.fetch (apify)"), std::string::npos) << broken.error;
  EXPECT_NE(broken.error.find("malformed JSON"), std::string::npos) << broken.error;
  const StepResult object = fetch([](const Request&) { return json(201, R"({"id": "1"})"); });
  EXPECT_EQ(object.status, LH_ERROR);
  EXPECT_NE(object.error.find("not a list"), std::string::npos) << object.error;
}

TEST_F(TikTokFetchApify, ReportsAVideoTheScraperCouldNotReadAsPermanent) {
  const StepResult empty = fetch([](const Request&) { return json(201, "[]"); });
  EXPECT_EQ(empty.status, LH_ERROR);
  EXPECT_NE(empty.error.find("found nothing"), std::string::npos) << empty.error;
  const StepResult failed = fetch([](const Request&) {
    return json(
        201,
        R"([{"url":"https://www.tiktok.com/@a3noticias/video/6806030056956251397","error":"Post not found or private"}])");
  });
  EXPECT_EQ(failed.status, LH_ERROR);
  EXPECT_NE(failed.error.find("Post not found or private"), std::string::npos) << failed.error;
  const StepResult junk = fetch([](const Request&) { return json(201, "[42]"); });
  EXPECT_EQ(junk.status, LH_ERROR);
}

TEST_F(TikTokFetchApify, KeepsGoingWhenFieldsAreMissingOrOdd) {
  const StepResult out = fetch([](const Request&) {
    return json(201,
                R"([{"id":"6806030056956251397","text":"hola #uno #dos","authorMeta":"x","videoMeta":)"
                R"({"duration":"long"},"playCount":"12","diggCount":-1,"shareCount":1.5e300,"hashtags":[1,{"x":2}],)"
                R"("createTime":1584652360}])");
  });
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["hashtags"], Json({"uno", "dos"}));  // from the text when the list has none
  EXPECT_TRUE(out.output["duration_s"].is_null());
  EXPECT_EQ(out.output["stats"]["plays"], 12);
  EXPECT_TRUE(out.output["stats"]["shares"].is_null());
  EXPECT_EQ(out.output["created_at"], "2020-03-19T21:12:40Z");
  EXPECT_TRUE(out.output["author"].is_null());
  EXPECT_EQ(out.output["url"], kUrl);
}

TEST_F(TikTokFetchApify, TimesOutASlowServerAsRetryable) {
  server_.on_blocking("/slow" + std::string(kActor));
  FakeContext c;
  c.secrets["APIFY_TOKEN"] = kToken;
  const StepResult out =
      call("tiktok.fetch",
           {{"provider", "apify"}, {"url", kUrl}, {"base_url", server_.url("/slow")}, {"timeout_ms", 50}}, c);
  server_.release();
  EXPECT_EQ(out.status, LH_RETRYABLE);
  EXPECT_NE(out.error.find("timed out after 50 ms"), std::string::npos) << out.error;
  expect_token_hidden(out);
}

}  // namespace
}  // namespace linkhub
