// media.thumbnails of a still image (a video's cover, when there is no video):
// one frame, at every width and format, through the C ABI with the SDK's fake
// host; and images that are cut short or too large refused with a code.
#include "media_test_support.hpp"
#include "temp_dir.hpp"

#include <linkhub/testing.hpp>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace linkhub {
namespace {

namespace fs = std::filesystem;
using Json = sdk::Json;
using sdk::testing::FakeContext;
using sdk::testing::StepResult;

// The plugin this build produced, loaded once (media_test_support.hpp).
const sdk::testing::Plugin& plugin() {
  return media_test::MediaSteps::plugin();
}

// A 360x640 portrait picture with some structure, encoded as `ext`.
std::string picture(const std::string& ext) {
  cv::Mat image(640, 360, CV_8UC3, cv::Scalar(40, 120, 200));
  cv::rectangle(image, {40, 160}, {320, 480}, {20, 20, 220}, cv::FILLED);
  cv::putText(image, "SALE", {70, 340}, cv::FONT_HERSHEY_SIMPLEX, 2.0, {255, 255, 255}, 4);
  std::vector<unsigned char> out;
  EXPECT_TRUE(cv::imencode(ext, image, out)) << ext;
  return std::string(out.begin(), out.end());
}

class MediaImageThumbnails : public ::testing::Test {
 protected:
  fs::path write(const std::string& name, const std::string& bytes) const {
    const fs::path file = tmp_.path() / name;
    std::ofstream(file, std::ios::binary) << bytes;
    return file;
  }
  StepResult thumbnails(const fs::path& file) { return plugin().run("thumbnails", ctx_, {{"path", file.string()}}); }

  test::TempDir tmp_;
  FakeContext ctx_;
};

TEST_F(MediaImageThumbnails, MakesEveryWidthAndFormatOfOneStill) {
  for (const char* ext : {".jpg", ".png", ".webp"}) {
    SCOPED_TRACE(ext);
    const StepResult r = thumbnails(write(std::string("cover") + ext, picture(ext)));
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.output.value("source", ""), "image");
    EXPECT_EQ(r.output.value("sampling", ""), "image");
    EXPECT_TRUE(r.output["video"].is_null());
    EXPECT_EQ(r.output["image"].value("width", 0), 360);
    EXPECT_EQ(r.output["image"].value("height", 0), 640);
    ASSERT_EQ(r.output["frames"].size(), 1u);
    std::set<std::tuple<int, int, std::string>> made;
    for (const Json& t : r.output["thumbnails"]) {
      const cv::Mat decoded = cv::imread(t.value("path", ""), cv::IMREAD_COLOR);
      ASSERT_FALSE(decoded.empty()) << t.dump();
      EXPECT_EQ(decoded.cols, t.value("width", 0));
      EXPECT_EQ(decoded.rows, t.value("height", 0));
      EXPECT_EQ(t.value("rank", 0), 1);
      made.insert({t.value("width", 0), t.value("height", 0), t.value("format", "")});
    }
    // 720 is clamped to the image's own 360 (never upscaled); the aspect is kept.
    EXPECT_EQ(made, (std::set<std::tuple<int, int, std::string>>{
                        {320, 569, "jpeg"}, {320, 569, "webp"}, {360, 640, "jpeg"}, {360, 640, "webp"}}));
  }
}

TEST_F(MediaImageThumbnails, RefusesAnImageCutShort) {
  for (const char* ext : {".jpg", ".png", ".webp"}) {
    SCOPED_TRACE(ext);
    const std::string whole = picture(ext);
    const fs::path file = write(std::string("cut") + ext, whole.substr(0, whole.size() / 2));
    const StepResult r = thumbnails(file);
    EXPECT_EQ(r.status, LH_ERROR);
    EXPECT_EQ(r.code, "invalid_input") << r.error;
    EXPECT_NE(r.error.find("'" + file.string() + "' is a truncated"), std::string::npos) << r.error;
  }
}

TEST_F(MediaImageThumbnails, RefusesAHeaderPromisingTooManyPixels) {
  std::string png = picture(".png");
  // IHDR: width and height, big-endian, at bytes 16 and 20; 20000 x 20000 is 400 megapixels.
  for (size_t at : {16u, 20u}) {
    png[at] = 0;
    png[at + 1] = 0;
    png[at + 2] = static_cast<char>(20000 >> 8);
    png[at + 3] = static_cast<char>(20000 & 0xFF);
  }
  const StepResult r = thumbnails(write("bomb.png", png));
  EXPECT_EQ(r.status, LH_ERROR);
  EXPECT_EQ(r.code, "invalid_input") << r.error;
  EXPECT_NE(r.error.find("20000x20000"), std::string::npos) << r.error;
}

TEST_F(MediaImageThumbnails, ProbeStillSaysAnImageIsNoVideo) {
  const StepResult r = plugin().run("probe", ctx_, {{"path", write("cover.jpg", picture(".jpg")).string()}});
  EXPECT_EQ(r.status, LH_ERROR);
  EXPECT_NE(r.error.find("is not a video: it is an image"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace linkhub
