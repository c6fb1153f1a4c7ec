// workflows/tiktok-to-catalog.yaml end to end through the real `linkhub`
// binary, once per tiktok.fetch provider, each remote service played by a
// loopback stand-in: oEmbed and its cover (oembed), the Apify scraper with
// and without the video download (apify), a stand-in yt-dlp program that
// writes the recorded .info.json (ytdlp), and a local folder with the video,
// with only a cover file, or with neither (local). Every run must save a
// product; with no video its thumbnails are made of the cover. Bad covers
// (HTML, a truncated JPEG, too large, a redirect loop) fail with a code.
// The bundled sample whose price is only on screen gets it in the catalog
// (media.ocr, then ai.caption's second source); `ocr: false` and a failing
// OCR step leave the run as it was without it.
#include "child_process.hpp"
#include "cli_runner.hpp"
#include "loopback_server.hpp"
#include "temp_dir.hpp"

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace linkhub {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using test::LoopbackServer;
using test::Request;
using test::Response;
using test::shell_quote;

constexpr const char* kA3Url = "https://www.tiktok.com/@a3noticias/video/6806030056956251397";
constexpr const char* kA3Id = "6806030056956251397";
constexpr const char* kYtdlpId = "6984138651336838402";
constexpr const char* kYtdlpUrl = "https://www.tiktok.com/@barudakhb_/video/6984138651336838402";
// The gate keeps captions that sell something: a price does.
constexpr const char* kCaption =
    "Obsessed with this linen shirt only $24.99 today! Tap the yellow basket to shop #linenshirt #summerstyle";
// examples/tiktok/7378901234567890123.info.json: a mug whose caption has no
// price; the video shows "ONLY $18.50".
constexpr const char* kMugId = "7378901234567890123";
constexpr const char* kMugUrl = "https://www.tiktok.com/@clay.by.maya/video/7378901234567890123";
constexpr int kCoverWidth = 360;  // a portrait cover, as TikTok's are
constexpr int kCoverHeight = 640;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path fixture(const std::string& name) {
  return fs::path(LINKHUB_TEST_DATA_DIR) / "fixtures" / name;
}

// A cover with some structure (thumbnails of a blank picture would say little).
std::string cover_bytes(const std::string& ext) {
  cv::Mat image(kCoverHeight, kCoverWidth, CV_8UC3);
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) {
      image.at<cv::Vec3b>(y, x) =
          cv::Vec3b(static_cast<uchar>(x * 255 / kCoverWidth), static_cast<uchar>(y * 255 / kCoverHeight), 128);
    }
  }
  cv::rectangle(image, {60, 200}, {300, 440}, {20, 20, 220}, cv::FILLED);
  cv::putText(image, "$24.99", {80, 330}, cv::FONT_HERSHEY_SIMPLEX, 1.5, {255, 255, 255}, 3);
  std::vector<unsigned char> out;
  EXPECT_TRUE(cv::imencode(ext, image, out)) << "OpenCV cannot encode " << ext;
  return std::string(out.begin(), out.end());
}

struct RunReport {
  int exit_code = -1;
  Json doc;
  std::string text;  // for failure messages

  const Json& product() const { return doc["outputs"]["product"]; }
  const Json* step(const std::string& id) const {
    for (const Json& s : doc["steps"]) {
      if (s.value("id", "") == id) {
        return &s;
      }
    }
    return nullptr;
  }
};

class TiktokToCatalog : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.on("/cover.jpg", [](const Request&) { return Response{200, "image/jpeg", cover_bytes(".jpg"), {}}; });
    server_.on("/cover.webp", [](const Request&) { return Response{200, "image/webp", cover_bytes(".webp"), {}}; });
    server_.on("/cover.png", [](const Request&) { return Response{200, "image/png", cover_bytes(".png"), {}}; });
    server_.on("/video.webm", [](const Request&) {
      return Response{200, "video/webm", read_file(fixture("videos/bbb_sunflower_320x180_10s_vp9.webm")), {}};
    });
    server_.on("/oembed", [this](const Request&) { return Response{200, "application/json", oembed_.dump(), {}}; });
    server_.on("/v2/acts/clockworks~tiktok-scraper/run-sync-get-dataset-items", [this](const Request&) {
      return Response{201, "application/json", apify_.dump(), {}};
    });
    server_.on("/html", [](const Request&) {
      return Response{200, "text/html; charset=utf-8", "<!doctype html><html><body>Access denied</body></html>", {}};
    });
    server_.on("/truncated.jpg", [](const Request&) {
      const std::string whole = cover_bytes(".jpg");
      return Response{200, "image/jpeg", whole.substr(0, whole.size() / 2), {}};
    });
    server_.on("/big.jpg", [](const Request&) {
      std::string body = cover_bytes(".jpg");
      body.resize(11 << 20, '\0');  // over the default max_cover_bytes (10 MiB)
      return Response{200, "image/jpeg", body, {}};
    });
    server_.on("/loop", [this](const Request&) {
      return Response{302, "text/plain", "", {{"Location", server_.url("/loop")}}};
    });
    server_.start();

    oembed_ = Json::parse(read_file(fixture("tiktok/tiktok_oembed_response_a3noticias.json")));
    oembed_["title"] = kCaption;
    oembed_["thumbnail_url"] = server_.url("/cover.jpg");
    apify_ = Json::parse(read_file(fixture("tiktok/apify_dataset_item.json")));
    apify_[0]["text"] = kCaption;
    apify_[0]["hashtags"] = Json::array();
    apify_[0]["videoMeta"]["coverUrl"] = server_.url("/cover.webp");
    apify_[0]["videoMeta"]["downloadAddr"] = server_.url("/video.webm");
  }
  void TearDown() override { server_.release(); }

  // linkhub.yaml: this folder's database and artifacts, the stand-ins
  // allowed, and plugins.tiktok as given.
  fs::path config(const Json& tiktok) const {
    std::string yaml =
        "database: runs.db\nartifact_dir: artifacts\nhttp: { allow: [\"127.0.0.1\"] }\n"
        "secrets: { APIFY_TOKEN: test-token }\nplugins:\n  tiktok: " +
        tiktok.dump() + "\n";
    const fs::path file = dir_.path() / "linkhub.yaml";
    std::ofstream(file) << yaml;
    return file;
  }

  RunReport run(const Json& tiktok, const std::string& url, const std::string& more_args = "",
                const std::string& more_config = "") const {
    const fs::path workflow = fs::path(LINKHUB_SOURCE_DIR) / "workflows" / "tiktok-to-catalog.yaml";
    const fs::path config_file = config(tiktok);
    std::ofstream(config_file, std::ios::app) << more_config;
    const test::CliResult r =
        test::run_linkhub("run " + shell_quote(workflow.string()) + " --config " + shell_quote(config_file.string()) +
                          " --input url=" + shell_quote(url) + more_args + " --format json");
    RunReport report;
    report.exit_code = r.exit_code;
    report.text = r.describe();
    report.doc = Json::parse(r.out, nullptr, false);
    if (report.doc.is_discarded()) {
      report.doc = Json::object();
    }
    return report;
  }

  // A product saved with thumbnails in both formats and widths 320 and the cover's own.
  static void expect_thumbnails_of_cover(const RunReport& r, const std::string& media_type) {
    ASSERT_EQ(r.exit_code, 0) << r.text;
    const Json& product = r.product();
    ASSERT_TRUE(product.is_object()) << r.text;
    EXPECT_EQ(product["price"], (Json{{"amount", 24.99}, {"currency", "USD"}})) << product.dump(2);
    const Json& cover = product["cover"];
    ASSERT_TRUE(cover.is_object()) << product.dump(2);
    EXPECT_EQ(cover.value("media_type", ""), media_type);
    EXPECT_EQ(cover.value("hash", "").rfind("sha256:", 0), 0u) << cover.dump();
    ASSERT_EQ(product["thumbnails"].size(), 4u) << product.dump(2);  // 2 widths x 2 formats
    std::set<std::pair<int, int>> sizes;
    std::set<std::string> formats;
    for (const Json& t : product["thumbnails"]) {
      sizes.insert({t.value("width", 0), t.value("height", 0)});
      formats.insert(t.value("format", ""));
      EXPECT_NE(t.value("hash", ""), cover.value("hash", "")) << "a thumbnail is a new image";
    }
    // 720 is clamped to the cover's 360; the aspect is kept.
    EXPECT_EQ(sizes, (std::set<std::pair<int, int>>{{320, 569}, {kCoverWidth, kCoverHeight}}));
    EXPECT_EQ(formats, (std::set<std::string>{"jpeg", "webp"}));
    const Json* thumbnails = r.step("thumbnails");
    ASSERT_NE(thumbnails, nullptr) << r.text;
    EXPECT_EQ((*thumbnails)["outputs"].value("source", ""), "image");
  }

  static void expect_thumbnails_of_video(const RunReport& r) {
    ASSERT_EQ(r.exit_code, 0) << r.text;
    const Json& product = r.product();
    ASSERT_TRUE(product.is_object()) << r.text;
    EXPECT_TRUE(product["cover"].is_null()) << "a video needs no cover: " << product.dump(2);
    ASSERT_FALSE(product["thumbnails"].empty()) << product.dump(2);
    const Json* thumbnails = r.step("thumbnails");
    ASSERT_NE(thumbnails, nullptr) << r.text;
    EXPECT_EQ((*thumbnails)["outputs"].value("source", ""), "video");
    EXPECT_EQ((*thumbnails)["outputs"]["video"].value("width", 0), 320);  // the fixture video's
  }

  // A failed run whose failing step and code are these.
  static void expect_failure(const RunReport& r, const std::string& step, const std::string& code,
                             const std::string& words) {
    EXPECT_EQ(r.exit_code, 1) << r.text;
    EXPECT_EQ(r.doc.value("status", ""), "failed") << r.text;
    const Json* s = r.step(step);
    ASSERT_NE(s, nullptr) << r.text;
    EXPECT_EQ(s->value("status", ""), "failed") << r.text;
    EXPECT_EQ(s->value("error_code", ""), code) << s->dump(2);
    EXPECT_NE(s->value("error", "").find(words), std::string::npos) << s->dump(2);
  }

  // bin/yt-dlp: writes the recorded .info.json (its thumbnail pointing at the
  // stand-in) into -P's folder, and the fixture video unless --skip-download.
  std::string fake_ytdlp() {
    Json info = Json::parse(read_file(fixture("tiktok/ytdlp_barudakhb_6984138651336838402.info.json")));
    info["description"] = kCaption;
    info["thumbnail"] = server_.url("/cover.png");
    info["ext"] = "webm";
    const fs::path info_file = dir_.path() / "recorded.info.json";
    std::ofstream(info_file) << info.dump();
    const fs::path script = dir_.path() / "yt-dlp";
    std::ofstream(script) << "#!/bin/sh\ndir=''; skip=0\n"
                          << "while [ $# -gt 0 ]; do\n"
                          << "  case \"$1\" in -P) dir=\"$2\"; shift ;; --skip-download) skip=1 ;; esac\n"
                          << "  shift\ndone\n"
                          << "cp " << shell_quote(info_file.string()) << " \"$dir/" << kYtdlpId << ".info.json\"\n"
                          << "[ $skip = 1 ] || cp "
                          << shell_quote(fixture("videos/bbb_sunflower_320x180_10s_vp9.webm").string()) << " \"$dir/"
                          << kYtdlpId << ".webm\"\n";
    ::chmod(script.c_str(), 0755);
    return script.string();
  }

  // samples/<id>.info.json, with the video and the cover file when asked.
  std::string local_folder(bool video, bool cover) {
    const fs::path folder = dir_.path() / "samples";
    fs::create_directories(folder);
    Json info = Json::parse(read_file(fixture("tiktok/ytdlp_barudakhb_6984138651336838402.info.json")));
    info["description"] = kCaption;
    info["thumbnail"] = server_.url("/cover.png");  // never fetched: local stays offline
    info["ext"] = "webm";
    std::ofstream(folder / (std::string(kYtdlpId) + ".info.json")) << info.dump();
    if (video) {
      fs::copy_file(fixture("videos/bbb_sunflower_320x180_10s_vp9.webm"), folder / (std::string(kYtdlpId) + ".webm"));
    }
    if (cover) {
      std::ofstream(folder / (std::string(kYtdlpId) + ".jpg"), std::ios::binary) << cover_bytes(".jpg");
    }
    return folder.string();
  }

  // The main job's sample whose price is shown only on screen, rendered by
  // examples/make-samples.sh into samples/; with `caption`, its .info.json says that instead.
  std::string mug_sample(const std::string& caption = "") {
    const fs::path folder = dir_.path() / "samples";
    const fs::path script = fs::path(LINKHUB_SOURCE_DIR) / "examples" / "make-samples.sh";
    test::ChildProcess render({"/bin/bash", script.string(), folder.string(), kMugId});
    const test::ChildProcess::Status status = render.wait();
    EXPECT_TRUE(status.exited && status.code == 0) << render.transcript();
    if (!caption.empty()) {
      const fs::path info_file = folder / (std::string(kMugId) + ".info.json");
      Json info = Json::parse(read_file(info_file));
      info["description"] = caption;
      std::ofstream(info_file) << info.dump();
    }
    return folder.string();
  }

  Json oembed_config() const { return {{"provider", "oembed"}, {"oembed_base_url", server_.url("")}}; }

  test::TempDir dir_{"linkhub-flagship-"};
  LoopbackServer server_;
  Json oembed_;
  Json apify_;
};

TEST_F(TiktokToCatalog, OembedMakesThumbnailsOfTheCover) {
  const RunReport r = run(oembed_config(), kA3Url);
  expect_thumbnails_of_cover(r, "image/jpeg");
  EXPECT_EQ(server_.requests("/cover.jpg"), 1);
  EXPECT_EQ(r.product().value("video_id", ""), kA3Id);
}

TEST_F(TiktokToCatalog, ApifyWithoutVideoMakesThumbnailsOfTheScrapersCover) {
  const RunReport r = run({{"provider", "apify"}, {"apify_base_url", server_.url("")}}, kA3Url);
  expect_thumbnails_of_cover(r, "image/webp");
  EXPECT_EQ(server_.requests("/video.webm"), 0);
}

TEST_F(TiktokToCatalog, ApifyWithVideoMakesThumbnailsOfItsFrames) {
  const RunReport r =
      run({{"provider", "apify"}, {"apify_base_url", server_.url("")}, {"download_video", true}}, kA3Url);
  expect_thumbnails_of_video(r);
  EXPECT_EQ(server_.requests("/video.webm"), 1);
  EXPECT_EQ(server_.requests("/cover.webp"), 0) << "no cover is fetched when there is a video";
}

TEST_F(TiktokToCatalog, YtdlpMakesThumbnailsOfTheVideo) {
  const RunReport r = run({{"provider", "ytdlp"}, {"ytdlp_path", fake_ytdlp()}}, kYtdlpUrl);
  expect_thumbnails_of_video(r);
  EXPECT_EQ(server_.requests("/cover.png"), 0);
}

TEST_F(TiktokToCatalog, YtdlpWithoutVideoMakesThumbnailsOfTheInfoJsonThumbnail) {
  const RunReport r = run({{"provider", "ytdlp"}, {"ytdlp_path", fake_ytdlp()}, {"download_video", false}}, kYtdlpUrl);
  expect_thumbnails_of_cover(r, "image/png");
  EXPECT_EQ(server_.requests("/cover.png"), 1);
}

TEST_F(TiktokToCatalog, LocalWithVideoMakesThumbnailsOfTheVideo) {
  const RunReport r = run({{"provider", "local"}, {"local_dir", local_folder(true, true)}}, kYtdlpUrl);
  expect_thumbnails_of_video(r);
}

TEST_F(TiktokToCatalog, LocalWithoutVideoMakesThumbnailsOfTheCoverFile) {
  const RunReport r = run({{"provider", "local"}, {"local_dir", local_folder(false, true)}}, kYtdlpUrl);
  expect_thumbnails_of_cover(r, "image/jpeg");
  EXPECT_EQ(r.product()["cover"].value("source", ""), "file");
  EXPECT_EQ(server_.requests("/cover.png"), 0) << "the local provider never goes online";
}

TEST_F(TiktokToCatalog, LocalWithNeitherVideoNorCoverSavesTheProductWithoutThumbnails) {
  const RunReport r = run({{"provider", "local"}, {"local_dir", local_folder(false, false)}}, kYtdlpUrl);
  ASSERT_EQ(r.exit_code, 0) << r.text;
  ASSERT_TRUE(r.product().is_object()) << r.text;
  EXPECT_EQ(r.product()["thumbnails"], Json::array());
  EXPECT_TRUE(r.product()["cover"].is_null());
  const Json* thumbnails = r.step("thumbnails");
  ASSERT_NE(thumbnails, nullptr) << r.text;
  EXPECT_EQ(thumbnails->value("status", ""), "skipped");
}

TEST_F(TiktokToCatalog, AnHtmlPageInsteadOfACoverFailsTheFetchWithBadOutput) {
  oembed_["thumbnail_url"] = server_.url("/html");
  expect_failure(run(oembed_config(), kA3Url), "fetch", "bad_output", "text/html");
}

TEST_F(TiktokToCatalog, ATruncatedCoverFailsTheThumbnailsWithInvalidInput) {
  oembed_["thumbnail_url"] = server_.url("/truncated.jpg");
  expect_failure(run(oembed_config(), kA3Url), "thumbnails", "invalid_input", "truncated jpeg image");
}

TEST_F(TiktokToCatalog, ACoverOverMaxCoverBytesFailsTheFetchWithBadOutput) {
  oembed_["thumbnail_url"] = server_.url("/big.jpg");
  expect_failure(run(oembed_config(), kA3Url), "fetch", "bad_output", "max_cover_bytes");
}

TEST_F(TiktokToCatalog, ACoverRedirectLoopFailsTheFetchWithBadOutput) {
  oembed_["thumbnail_url"] = server_.url("/loop");
  expect_failure(run(oembed_config(), kA3Url), "fetch", "bad_output", "redirect");
}

TEST_F(TiktokToCatalog, APriceShownOnlyOnScreenGetsIntoTheCatalog) {
  const RunReport r = run({{"provider", "local"}, {"local_dir", mug_sample()}}, kMugUrl);
  ASSERT_EQ(r.exit_code, 0) << r.text;
  ASSERT_TRUE(r.product().is_object()) << r.text;
  EXPECT_EQ(r.product()["price"], (Json{{"amount", 18.5}, {"currency", "USD"}})) << r.product().dump(2);
  EXPECT_EQ(r.doc["outputs"]["price_source"], "screen") << r.text;
  EXPECT_TRUE(r.doc["outputs"]["price_conflict"].is_null()) << r.text;
  EXPECT_EQ(r.doc["outputs"]["reason"], "has a price on screen ($18.50)");
  const Json* ocr = r.step("screen_text");
  ASSERT_NE(ocr, nullptr) << r.text;
  EXPECT_NE((*ocr)["outputs"].value("text", "").find("$18.50"), std::string::npos) << ocr->dump(2);
}

TEST_F(TiktokToCatalog, ACaptionPriceTheScreenContradictsIsKeptAndReported) {
  const RunReport r =
      run({{"provider", "local"}, {"local_dir", mug_sample("Stoneware mug, only $22 today! #mug")}}, kMugUrl);
  ASSERT_EQ(r.exit_code, 0) << r.text;
  EXPECT_EQ(r.product()["price"], (Json{{"amount", 22}, {"currency", "USD"}})) << r.product().dump(2);
  EXPECT_EQ(r.doc["outputs"]["price_source"], "caption");
  const Json& conflict = r.doc["outputs"]["price_conflict"];
  ASSERT_TRUE(conflict.is_object()) << r.text;
  EXPECT_EQ(conflict["caption"]["amount"], 22);
  EXPECT_EQ(conflict["screen"]["amount"], 18.5);
}

TEST_F(TiktokToCatalog, WithOcrOffThePriceOnScreenIsNotRead) {
  const RunReport r = run({{"provider", "local"}, {"local_dir", mug_sample()}}, kMugUrl, " --input ocr=false");
  ASSERT_EQ(r.exit_code, 0) << r.text;
  ASSERT_TRUE(r.product().is_object()) << "kept for its call to action: " << r.text;
  EXPECT_TRUE(r.product()["price"].is_null()) << r.product().dump(2);
  const Json* ocr = r.step("screen_text");
  ASSERT_NE(ocr, nullptr) << r.text;
  EXPECT_EQ(ocr->value("status", ""), "skipped");
  EXPECT_TRUE(r.doc["outputs"]["price_source"].is_null()) << r.text;
}

TEST_F(TiktokToCatalog, AFailingOcrStepLeavesTheRunAsWithoutIt) {
  // A language Tesseract does not have fails media.ocr; the run goes on on the caption alone.
  const RunReport r =
      run({{"provider", "local"}, {"local_dir", mug_sample()}}, kMugUrl, "", "  media: { ocr_languages: [xxx] }\n");
  ASSERT_EQ(r.exit_code, 0) << r.text;
  const Json* ocr = r.step("screen_text");
  ASSERT_NE(ocr, nullptr) << r.text;
  EXPECT_EQ(ocr->value("status", ""), "failed") << ocr->dump(2);
  ASSERT_TRUE(r.product().is_object()) << r.text;
  EXPECT_TRUE(r.product()["price"].is_null()) << r.product().dump(2);
  EXPECT_FALSE(r.product()["thumbnails"].empty());
}

}  // namespace
}  // namespace linkhub
