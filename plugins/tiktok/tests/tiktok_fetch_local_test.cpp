// tiktok.fetch with provider local through the C ABI: a folder of yt-dlp
// style .info.json files beside their videos.
#include "loopback_server.hpp"
#include "tiktok_test_support.hpp"

#include <gtest/gtest.h>

namespace linkhub {
namespace {

namespace fs = std::filesystem;
using tiktok_test::call;
using tiktok_test::fixture_path;
using tiktok_test::TempDir;

constexpr const char* kId = "6984138651336838402";
constexpr const char* kUrl = "https://www.tiktok.com/@barudakhb_/video/6984138651336838402";
constexpr const char* kInfoFixture = "ytdlp_barudakhb_6984138651336838402.info.json";

class TikTokFetchLocal : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(library()); }

  fs::path library() const { return workflow_.path() / "samples"; }

  void add(const std::string& stem, const std::string& info_text, const char* video_ext = "mp4") {
    std::ofstream(library() / (stem + ".info.json")) << info_text;
    if (video_ext != nullptr) {
      std::ofstream(library() / (stem + "." + video_ext)) << "video bytes";
    }
  }

  StepResult fetch(const Json& extra = Json::object()) {
    FakeContext c;
    return fetch(extra, c);
  }
  StepResult fetch(const Json& extra, FakeContext& c) {
    Json input = {{"provider", "local"}, {"url", kUrl}, {"dir", "samples"}};
    for (const auto& [k, v] : extra.items()) {
      input[k] = v;
    }
    c.workflow_dir = workflow_.str();
    return call("tiktok.fetch", input, c);
  }

  TempDir workflow_;
};

TEST_F(TikTokFetchLocal, FindsTheEntryByIdBesideItsVideo) {
  add(kId, tiktok_test::read_file(fixture_path(kInfoFixture)));
  const StepResult out = fetch();
  ASSERT_EQ(out.status, LH_OK) << out.error;
  const Json& o = out.output;
  EXPECT_EQ(o["provider"], "local");
  EXPECT_EQ(o["video_id"], kId);
  EXPECT_EQ(o["url"], kUrl);
  EXPECT_EQ(o["author_id"], "6974687867511718913");
  EXPECT_EQ(o["hashtags"], Json({"SquadRandom_"}));
  EXPECT_EQ(o["duration_s"], 18);
  EXPECT_EQ(o["stats"]["plays"], 41200);
  EXPECT_EQ(o["created_at"], "2021-07-12T20:25:03Z");
  EXPECT_EQ(o["video_path"], (library() / (std::string(kId) + ".mp4")).string());
}

TEST_F(TikTokFetchLocal, FindsYtDlpsDefaultFileNamesAndOtherContainers) {
  add(std::string("Balas hayu yu [") + kId + "]",
      R"({"id":"6984138651336838402","uploader":"barudakhb_","channel":"Barudak HB","ext":"webm",)"
      R"("tags":["#SquadRandom_","dance","dance"],"upload_date":"20210712"})",
      "webm");
  const StepResult out = fetch();
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["author"], "Barudak HB");
  EXPECT_EQ(out.output["hashtags"], Json({"SquadRandom_", "dance"}));
  EXPECT_EQ(out.output["created_at"], "2021-07-12");  // a date alone when there is no timestamp
  EXPECT_EQ(out.output["video_path"], (library() / (std::string("Balas hayu yu [") + kId + "].webm")).string());
}

TEST_F(TikTokFetchLocal, TakesTheDirectoryFromPluginConfig) {
  add(kId, tiktok_test::read_file(fixture_path(kInfoFixture)), nullptr);
  FakeContext c;
  c.plugin_config = {{"local_dir", library().string()}};
  const StepResult out = call("tiktok.fetch", {{"provider", "local"}, {"url", kUrl}}, c);
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_TRUE(out.output["video_path"].is_null());  // no video beside the info file
}

TEST_F(TikTokFetchLocal, NamesTheIdAndTheDirectoryOfAMissingEntry) {
  add("7000000000000000000", R"({"id":"7000000000000000000"})");
  const StepResult out = fetch();
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find(std::string("no entry for video ") + kId), std::string::npos) << out.error;
  EXPECT_NE(out.error.find(library().string()), std::string::npos) << out.error;
}

TEST_F(TikTokFetchLocal, ExplainsAMissingOrUnsetDirectory) {
  const StepResult missing = fetch({{"dir", "nowhere"}});
  EXPECT_EQ(missing.status, LH_ERROR);
  EXPECT_NE(missing.error.find("does not exist"), std::string::npos) << missing.error;
  const StepResult unset = call("tiktok.fetch", {{"provider", "local"}, {"url", kUrl}});
  EXPECT_EQ(unset.status, LH_ERROR);
  EXPECT_NE(unset.error.find("local_dir"), std::string::npos) << unset.error;
}

TEST_F(TikTokFetchLocal, RefusesMalformedAndOversizeInfoFiles) {
  add(kId, "{\"id\": \"6984138651336838402\", ");
  const StepResult broken = fetch();
  EXPECT_EQ(broken.status, LH_ERROR);
  EXPECT_NE(broken.error.find("not valid JSON"), std::string::npos) << broken.error;

  add(kId, tiktok_test::read_file(fixture_path(kInfoFixture)));
  const StepResult big = fetch({{"max_response_bytes", 100}});
  EXPECT_EQ(big.status, LH_ERROR);
  EXPECT_NE(big.error.find("larger than max_response_bytes"), std::string::npos) << big.error;

  add(kId, "[1, 2, 3]");
  EXPECT_EQ(fetch().status, LH_ERROR);
}

TEST_F(TikTokFetchLocal, KeepsGoingWhenFieldsHaveOddTypes) {
  add(kId, R"({"id":5,"uploader":"bad handle!","description":null,"title":["x"],"tags":"dance","duration":"long",)"
           R"("thumbnails":[{"url":"https://a/1.jpg"},{"url":"https://a/2.jpg"},{"nope":1}],"view_count":-3,)"
           R"("like_count":"77","timestamp":-5,"upload_date":"2021-07-12","webpage_url":"https://evil.io/x"})");
  const StepResult out = fetch();
  ASSERT_EQ(out.status, LH_OK) << out.error;
  const Json& o = out.output;
  EXPECT_EQ(o["video_id"], kId);
  EXPECT_EQ(o["url"], kUrl);  // the handle from the requested URL
  EXPECT_EQ(o["author"], "bad handle!");
  EXPECT_EQ(o["description"], "");
  EXPECT_EQ(o["hashtags"], Json::array());
  EXPECT_TRUE(o["duration_s"].is_null());
  EXPECT_EQ(o["cover_url"], "https://a/2.jpg");
  EXPECT_EQ(o["stats"]["plays"], -3);
  EXPECT_EQ(o["stats"]["likes"], 77);
  EXPECT_TRUE(o["created_at"].is_null());
}

TEST_F(TikTokFetchLocal, ResolvesAShortLinkBeforeLookingUp) {
  add(kId, tiktok_test::read_file(fixture_path(kInfoFixture)));
  test::LoopbackServer server;
  server.on("/ZSHORT1/", [](const test::Request&) {
    return test::Response{301, "text/html", "", {{"Location", std::string(kUrl) + "?_r=1"}}};
  });
  server.start();
  const StepResult out = fetch({{"url", "https://vm.tiktok.com/ZSHORT1/"}, {"resolve_base_url", server.url("")}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["video_id"], kId);
}

}  // namespace
}  // namespace linkhub
