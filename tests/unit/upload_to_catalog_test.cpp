// workflows/upload-to-catalog.yaml end to end through the real `linkhub`
// binary on SQLite: a real video (the fixture) and a real image (encoded by
// OpenCV) are put into the artifact store as an upload would leave them, and
// each run must save a product with thumbnails and the file as its video or
// its cover. `linkhub validate --strict` passes on the workflow.
#include "cli_runner.hpp"
#include "temp_dir.hpp"

#include <linkhub/engine/artifact_store.hpp>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace linkhub {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using test::shell_quote;

constexpr const char* kCaption =
    "Hand-woven market basket, only $34.50! Comment BUY to order #basket #handmade #homedecor";

fs::path workflow() {
  return fs::path(LINKHUB_SOURCE_DIR) / "workflows" / "upload-to-catalog.yaml";
}

class UploadToCatalog : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir_.path() / "linkhub.yaml") << "database: runs.db\nartifact_dir: artifacts\n";
  }

  // Stores a file as POST /api/v1/uploads does: content-addressed in the artifact store.
  std::string put(const fs::path& file) const {
    const ArtifactStore store(dir_.path() / "artifacts");
    const auto stored = store.put_file(file);
    EXPECT_TRUE(stored.ok()) << stored.error().message;
    return stored.ok() ? stored->hash : std::string();
  }

  // A 480x640 PNG with some structure (thumbnails of a blank picture would say little).
  fs::path image() const {
    cv::Mat picture(640, 480, CV_8UC3, cv::Scalar(40, 120, 200));
    cv::circle(picture, {240, 320}, 150, {30, 200, 90}, cv::FILLED);
    cv::putText(picture, "$34.50", {130, 340}, cv::FONT_HERSHEY_SIMPLEX, 1.6, {255, 255, 255}, 3);
    const fs::path file = dir_.path() / "basket.png";
    EXPECT_TRUE(cv::imwrite(file.string(), picture));
    return file;
  }

  Json run(const std::string& hash, const std::string& extra = "") const {
    const test::CliResult r = test::run_linkhub("run " + shell_quote(workflow().string()) + " --config " +
                                                shell_quote((dir_.path() / "linkhub.yaml").string()) +
                                                " --input artifact=" + shell_quote(hash) +
                                                " --input caption=" + shell_quote(kCaption) + extra + " --format json");
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    Json doc = Json::parse(r.out, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << r.describe();
    return doc.is_discarded() ? Json::object() : doc;
  }

  // Thumbnails: new images in both formats, each stored.
  void expect_thumbnails(const Json& product, const std::string& file_hash) const {
    ASSERT_TRUE(product["thumbnails"].is_array()) << product.dump(2);
    ASSERT_FALSE(product["thumbnails"].empty()) << product.dump(2);
    std::set<std::string> formats;
    const ArtifactStore store(dir_.path() / "artifacts");
    for (const Json& t : product["thumbnails"]) {
      formats.insert(t.value("format", ""));
      EXPECT_NE(t.value("hash", ""), file_hash);
      EXPECT_TRUE(store.stat(t.value("hash", "")).ok()) << t.dump();
    }
    EXPECT_EQ(formats, (std::set<std::string>{"jpeg", "webp"}));
  }

  test::TempDir dir_{"linkhub-upload-"};
};

TEST_F(UploadToCatalog, AnUploadedVideoBecomesAProductWithThumbnailsOfItsFrames) {
  const std::string hash =
      put(fs::path(LINKHUB_TEST_DATA_DIR) / "fixtures" / "videos" / "bbb_sunflower_320x180_10s_vp9.webm");
  ASSERT_FALSE(hash.empty());
  const Json doc = run(hash);
  const Json& product = doc["outputs"]["product"];
  ASSERT_TRUE(product.is_object()) << doc.dump(2);
  EXPECT_EQ(doc["outputs"]["kind"], "video");
  EXPECT_EQ(product["source"], "upload");
  EXPECT_EQ(product["video_id"], hash);
  EXPECT_EQ(product["description"], kCaption);
  EXPECT_EQ(product["price"], (Json{{"amount", 34.5}, {"currency", "USD"}})) << product.dump(2);
  EXPECT_EQ(product["video"].value("hash", ""), hash);
  EXPECT_TRUE(product["cover"].is_null());
  EXPECT_FALSE(product["tags"].empty()) << product.dump(2);
  expect_thumbnails(product, hash);
  for (const Json& t : product["thumbnails"]) {
    EXPECT_LE(t.value("width", 0), 320) << "no wider than the video";
  }
}

TEST_F(UploadToCatalog, AnUploadedImageBecomesAProductWithItAsCover) {
  const std::string hash = put(image());
  ASSERT_FALSE(hash.empty());
  const Json doc =
      run(hash, " --input title=" + shell_quote("Market basket") + " --input price=29 --input currency=EUR");
  const Json& product = doc["outputs"]["product"];
  ASSERT_TRUE(product.is_object()) << doc.dump(2);
  EXPECT_EQ(doc["outputs"]["kind"], "image");
  EXPECT_EQ(product["title"], "Market basket");
  EXPECT_EQ(product["price"], (Json{{"amount", 29}, {"currency", "EUR"}})) << product.dump(2);
  EXPECT_EQ(product["cover"].value("hash", ""), hash);
  EXPECT_EQ(product["cover"].value("width", 0), 480);
  EXPECT_TRUE(product["video"].is_null());
  expect_thumbnails(product, hash);

  // The same file again: the same product, updated, not a second one.
  const Json again = run(hash);
  EXPECT_EQ(again["outputs"]["product"].value("product_id", Json()), product.value("product_id", Json()))
      << again.dump(2);
  EXPECT_GT(again["outputs"]["product"].value("version", 0), product.value("version", 0)) << again.dump(2);
}

TEST_F(UploadToCatalog, AFileThatIsNoVideoOrImageFailsAtTheThumbnails) {
  const fs::path text = dir_.path() / "notes.txt";
  std::ofstream(text) << "not a video";
  const std::string hash = put(text);
  const test::CliResult r = test::run_linkhub(
      "run " + shell_quote(workflow().string()) + " --config " + shell_quote((dir_.path() / "linkhub.yaml").string()) +
      " --input artifact=" + shell_quote(hash) + " --input caption=x --format json");
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  const Json doc = Json::parse(r.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.describe();
  std::map<std::string, std::string> status;
  for (const Json& step : doc.value("steps", Json::array())) {
    status[step.value("id", "")] = step.value("status", "");
  }
  EXPECT_EQ(status["thumbnails"], "failed") << r.describe();
  EXPECT_NE(status["save"], "succeeded") << r.describe();  // no product without thumbnails
}

TEST_F(UploadToCatalog, ValidatesStrictly) {
  const test::CliResult r = test::run_linkhub("validate --strict " + shell_quote(workflow().string()));
  EXPECT_EQ(r.exit_code, 0) << r.describe();
}

}  // namespace
}  // namespace linkhub
