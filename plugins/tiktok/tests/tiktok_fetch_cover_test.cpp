// tiktok.fetch's cover: stored as an artifact when there is no video, through
// the SDK's HTTP client against a loopback stand-in, or from a file beside a
// local .info.json; and every bad cover refused with a code. The plugin runs
// through the C ABI with the SDK's fake host (linkhub/testing.hpp).
#include "loopback_server.hpp"
#include "temp_dir.hpp"
#include "tiktok_test_support.hpp"

#include <linkhub/testing.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace linkhub {
namespace {

namespace fs = std::filesystem;
using Json = sdk::Json;
using sdk::testing::FakeContext;
using sdk::testing::StepResult;
using test::LoopbackServer;
using test::Request;
using test::Response;

constexpr const char* kUrl = "https://www.tiktok.com/@a3noticias/video/6806030056956251397";
constexpr const char* kId = "6806030056956251397";

// The smallest JPEG, PNG and WebP headers are enough here: tiktok.fetch checks
// what the bytes are, media.thumbnails decodes them.
const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + "jpeg body" + std::string("\xFF\xD9", 2);
const std::string kWebp = std::string("RIFF\x10\x00\x00\x00WEBPVP8 ", 16);

using tiktok_test::plugin;

class TikTokFetchCover : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.on("/oembed", [this](const Request&) {
      return Response{200,
                      "application/json",
                      Json{{"type", "video"},
                           {"title", "a caption"},
                           {"author_unique_id", "a3noticias"},
                           {"html", "<blockquote></blockquote>"},
                           {"thumbnail_url", server_.url(cover_path_)}}
                          .dump(),
                      {}};
    });
    server_.on("/cover.jpg", [](const Request&) { return Response{200, "image/jpeg", kJpeg, {}}; });
    server_.on("/cover.webp", [](const Request&) { return Response{200, "application/octet-stream", kWebp, {}}; });
    server_.on("/html", [](const Request&) { return Response{200, "text/html", "<html>Access denied</html>", {}}; });
    server_.on("/jpeg-as-html", [](const Request&) { return Response{200, "text/html", kJpeg, {}}; });
    server_.on("/gone", [](const Request&) { return Response{404, "text/plain", "no", {}}; });
    server_.on("/loop", [this](const Request&) {
      return Response{302, "text/plain", "", {{"Location", server_.url("/loop")}}};
    });
    server_.start();
  }
  void TearDown() override { server_.release(); }

  StepResult fetch(const std::string& cover_path, Json extra = Json::object()) {
    cover_path_ = cover_path;
    Json input = {
        {"provider", "oembed"}, {"url", kUrl}, {"base_url", server_.url("")}, {"download_cover", "if_no_video"}};
    input.update(extra);
    ctx_.http_allow = {"127.0.0.1"};
    return plugin().run("fetch", ctx_, input);
  }

  static void expect_refused(const StepResult& r, const std::string& code, const std::string& reason,
                             const std::string& words) {
    EXPECT_EQ(r.status, LH_ERROR) << r.output.dump();
    EXPECT_EQ(r.code, code) << r.error;
    if (!reason.empty()) {
      EXPECT_EQ(r.details.value("reason", ""), reason) << r.details.dump();
    }
    EXPECT_NE(r.error.find(words), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("tiktok.fetch (cover)"), std::string::npos) << r.error;
  }

  LoopbackServer server_;
  FakeContext ctx_;
  std::string cover_path_ = "/cover.jpg";
};

TEST_F(TikTokFetchCover, StoresTheCoverAsAnArtifactWhenThereIsNoVideo) {
  const StepResult r = fetch("/cover.jpg");
  ASSERT_TRUE(r.ok()) << r.error;
  const Json& cover = r.output["cover"];
  EXPECT_EQ(cover.value("hash", ""), "sha256:" + sdk::testing::detail::sha256_hex(kJpeg));
  EXPECT_EQ(cover.value("media_type", ""), "image/jpeg");
  EXPECT_EQ(cover.value("bytes", 0), static_cast<int64_t>(kJpeg.size()));
  EXPECT_EQ(cover.value("source", ""), "url");
  EXPECT_TRUE(r.output["video_path"].is_null());
  EXPECT_EQ(server_.requests("/cover.jpg"), 1);
}

TEST_F(TikTokFetchCover, GoesByTheBytesWhenTheServerSaysOctetStream) {
  const StepResult r = fetch("/cover.webp");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["cover"].value("media_type", ""), "image/webp");
}

TEST_F(TikTokFetchCover, NothingIsFetchedUnlessAsked) {
  const StepResult r = fetch("/cover.jpg", {{"download_cover", false}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.output["cover"].is_null());
  EXPECT_EQ(server_.requests("/cover.jpg"), 0);
}

TEST_F(TikTokFetchCover, AnHtmlPageIsNotACover) {
  expect_refused(fetch("/html"), "bad_output", "not_an_image", "text/html");
}

TEST_F(TikTokFetchCover, ImageBytesUnderAnHtmlContentTypeAreRefused) {
  expect_refused(fetch("/jpeg-as-html"), "bad_output", "not_an_image", "Content-Type text/html");
}

TEST_F(TikTokFetchCover, ACoverOverMaxCoverBytesIsRefused) {
  expect_refused(fetch("/cover.jpg", {{"max_cover_bytes", 8}}), "bad_output", "too_large", "max_cover_bytes (8 bytes)");
}

TEST_F(TikTokFetchCover, ARedirectLoopIsRefused) {
  expect_refused(fetch("/loop"), "bad_output", "transport", "redirect");
  EXPECT_LE(server_.requests("/loop"), 6) << "at most 5 redirects are followed";
}

TEST_F(TikTokFetchCover, AMissingCoverKeepsTheClientsCode) {
  expect_refused(fetch("/gone"), "not_found", "", "answered 404");
}

TEST_F(TikTokFetchCover, TheLocalProviderStoresTheCoverFileBesideTheInfoJson) {
  const test::TempDir tmp;
  const fs::path dir = tmp.path();
  fs::create_directories(dir / "samples");
  std::ofstream(dir / "samples" / (std::string(kId) + ".info.json"))
      << Json{{"id", kId}, {"description", "offline"}, {"thumbnail", server_.url("/cover.jpg")}}.dump();
  std::ofstream(dir / "samples" / (std::string(kId) + ".webp"), std::ios::binary) << kWebp;
  ctx_.http_allow = {"127.0.0.1"};
  StepResult r = plugin().run(
      "fetch", ctx_,
      {{"provider", "local"}, {"url", kUrl}, {"dir", (dir / "samples").string()}, {"download_cover", true}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["cover"].value("source", ""), "file");
  EXPECT_EQ(r.output["cover"].value("media_type", ""), "image/webp");
  EXPECT_EQ(server_.requests("/cover.jpg"), 0) << "the local provider never goes online";

  // A cover file that is no image is refused like a downloaded one.
  std::ofstream(dir / "samples" / (std::string(kId) + ".webp"), std::ios::binary) << "<html></html>";
  r = plugin().run(
      "fetch", ctx_,
      {{"provider", "local"}, {"url", kUrl}, {"dir", (dir / "samples").string()}, {"download_cover", true}});
  EXPECT_EQ(r.code, "bad_output") << r.error;
  EXPECT_EQ(r.details.value("reason", ""), "not_an_image");

  // Without a cover file and a video there is no cover, and no request either.
  fs::remove(dir / "samples" / (std::string(kId) + ".webp"));
  r = plugin().run(
      "fetch", ctx_,
      {{"provider", "local"}, {"url", kUrl}, {"dir", (dir / "samples").string()}, {"download_cover", true}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.output["cover"].is_null());
}

}  // namespace
}  // namespace linkhub
