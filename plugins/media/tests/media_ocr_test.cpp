// media.ocr: frames rendered with known text (ffmpeg's drawtext with Debian's
// DejaVu fonts, so accented letters come out right) in several languages,
// sizes and contrasts, read back through the C ABI; frames without writing
// give no words; the text region finder called directly.
#include "media_test_support.hpp"
#include "text_regions.hpp"

#include <opencv2/imgproc.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

namespace linkhub {
namespace {

namespace fs = std::filesystem;
using media_test::ffmpeg;
using media_test::MediaSteps;
using media_test::mentions;

const char* const kSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const char* const kSansBold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

struct Line {
  std::string text;
  int size = 48;
  std::string color = "black";
  int x = 80;
  int y = 100;
  const char* font = kSansBold;
};

class MediaOcr : public ::testing::Test {
 protected:
  // One drawtext filter per line, each reading its text from a file (no filter escaping to get wrong).
  std::string drawtext(const std::vector<Line>& lines) {
    std::string filters;
    for (const Line& line : lines) {
      const fs::path text = tmp_.path() / ("line" + std::to_string(++files_) + ".txt");
      std::ofstream(text) << line.text;
      filters += (filters.empty() ? "" : ",") + std::string("drawtext=fontfile=") + line.font +
                 ":textfile=" + text.string() + ":fontsize=" + std::to_string(line.size) + ":fontcolor=" + line.color +
                 ":x=" + std::to_string(line.x) + ":y=" + std::to_string(line.y);
    }
    return filters;
  }
  // A 1280x720 PNG of `lines` on a `background` colour (ffmpeg's colour names or 0xRRGGBB).
  fs::path frame(const std::string& name, const std::vector<Line>& lines, const std::string& background = "white") {
    const fs::path out = tmp_.path() / (name + ".png");
    std::vector<std::string> args = {"-f", "lavfi", "-i", "color=c=" + background + ":s=1280x720:d=1"};
    if (!lines.empty()) {
      args.insert(args.end(), {"-vf", drawtext(lines)});
    }
    args.insert(args.end(), {"-frames:v", "1", out.string()});
    ffmpeg(args);
    return out;
  }
  fs::path image(const std::string& name, const cv::Mat& picture) {
    const fs::path out = tmp_.path() / (name + ".png");
    EXPECT_TRUE(cv::imwrite(out.string(), picture));
    return out;
  }
  StepResult ocr(const fs::path& file, const Json& extra = Json::object()) {
    Json input = {{"path", file.string()}};
    for (const auto& [k, v] : extra.items()) {
      input[k] = v;
    }
    return steps_.run("ocr", input, ctx_);
  }
  static std::vector<std::string> words_of(const Json& output) {
    std::vector<std::string> words;
    for (const Json& f : output["frames"]) {
      for (const Json& w : f["words"]) {
        words.push_back(w.value("text", ""));
      }
    }
    return words;
  }

  test::TempDir tmp_;
  MediaSteps steps_;
  FakeContext ctx_;
  int files_ = 0;
};

TEST_F(MediaOcr, ReadsDarkTextOnLightWithConfidencesAndBoxes) {
  const StepResult r =
      ocr(frame("sale", {{"SUMMER SALE", 72, "black", 200, 150}, {"only today", 40, "black", 200, 400}}));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output.value("source", ""), "image");
  EXPECT_EQ(r.output.value("text", ""), "SUMMER SALE\nonly today") << r.output.dump(2);
  ASSERT_EQ(r.output["frames"].size(), 1u);
  const Json& words = r.output["frames"][0]["words"];
  ASSERT_EQ(words.size(), 4u) << words.dump();
  for (const Json& w : words) {
    EXPECT_GE(w.value("confidence", 0.0), 60.0) << w.dump();
    EXPECT_LE(w.value("confidence", 0.0), 100.0) << w.dump();
  }
  // Boxes are in the frame's pixels: SUMMER starts where it was drawn, its
  // glyphs about as tall as the font's capitals; "today" is on the lower line.
  const Json& summer = words[0]["box"];
  EXPECT_NEAR(summer.value("x", 0), 200, 12) << summer.dump();
  EXPECT_NEAR(summer.value("y", 0), 150 + 72 * 0.2, 20) << summer.dump();
  EXPECT_NEAR(summer.value("height", 0), 72 * 0.73, 12) << summer.dump();
  const Json& today = words[3]["box"];
  EXPECT_GT(today.value("y", 0), 390);
  EXPECT_LT(today.value("y", 0) + today.value("height", 0), 460);
  const Json& only = words[2]["box"];
  EXPECT_GT(today.value("x", 0), only.value("x", 0) + only.value("width", 0));
  // Each word says its line (what ai.caption's screen_text reads a price from).
  std::vector<int> lines;
  for (const Json& w : words) {
    lines.push_back(w.value("line", -1));
  }
  EXPECT_EQ(lines, (std::vector<int>{0, 0, 1, 1})) << words.dump();
}

// Each of the languages sellers use, with its accented letters, read with its own model.
TEST_F(MediaOcr, ReadsEachLanguageWithItsAccents) {
  struct Case {
    const char* language;
    const char* text;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"eng", "Free shipping today", {"Free", "shipping", "today"}},
      {"por", "Preço de promoção", {"Preço", "promoção"}},
      {"spa", "Envío gratis mañana", {"Envío", "gratis", "mañana"}},
      {"fra", "Été à prix réduit", {"Été", "prix", "réduit"}},
      {"ind", "Harga murah sekali", {"Harga", "murah", "sekali"}},
      {"vie", "Giảm giá hôm nay", {"Giảm", "giá", "hôm", "nay"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.language);
    const StepResult r = ocr(frame(std::string("lang_") + c.language, {{c.text, 56, "black", 120, 300, kSans}}),
                             {{"languages", {c.language}}});
    ASSERT_TRUE(r.ok()) << r.error;
    const std::vector<std::string> words = words_of(r.output);
    for (const std::string& expected : c.expected) {
      EXPECT_NE(std::find(words.begin(), words.end(), expected), words.end())
          << expected << " not in " << r.output.value("text", "");
    }
    EXPECT_EQ(r.output["languages"], Json({c.language}));
  }
}

// Small print, light on dark, low contrast and a busy background: the
// preprocessing (scaling, polarity, adaptive threshold) has to carry each.
TEST_F(MediaOcr, ReadsSmallLightAndLowContrastText) {
  struct Case {
    const char* name;
    Line line;
    std::string background;
  };
  const std::vector<Case> cases = {
      {"small", {"Limited stock available", 22, "black", 100, 600, kSans}, "white"},
      {"light_on_dark", {"NEW ARRIVALS", 60, "white", 300, 300}, "0x1a2a6c"},
      {"low_contrast", {"Premium quality", 54, "0x6e6e6e", 200, 320}, "0x9a9a9a"},  // 44 grey levels apart
      {"yellow_on_red", {"HOT DEAL", 80, "yellow", 400, 200}, "0xc0392b"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const StepResult r = ocr(frame(c.name, {c.line}, c.background));
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.output.value("text", ""), c.line.text) << r.output.dump(2);
  }
}

// A photo-like frame: a colour gradient with blurred sensor noise and a
// shape away from the text.
cv::Mat photo_like() {
  cv::Mat image(720, 1280, CV_8UC3);
  for (int y = 0; y < image.rows; ++y) {
    image.row(y).setTo(cv::Scalar(60 + y * 120 / 720, 110, 200 - y * 120 / 720));
  }
  cv::Mat noise(image.size(), CV_8UC3);
  cv::randn(noise, cv::Scalar::all(0), cv::Scalar::all(12));
  cv::GaussianBlur(noise, noise, {3, 3}, 0);
  image += noise;
  cv::circle(image, {1100, 150}, 90, {30, 200, 240}, cv::FILLED);
  return image;
}

// Prices as sellers put them on screen: white letters with a black outline
// (TikTok's caption style) over a picture, no box behind.
TEST_F(MediaOcr, ReadsOutlinedPricesOverAPicture) {
  struct Case {
    const char* language;
    const char* text;
  };
  const std::vector<Case> cases = {
      {"eng", "NOW $19.99"},
      {"por", "R$ 49,90"},
      {"ind", "Rp 150.000"},
  };
  const fs::path background = image("photo", photo_like());
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const fs::path text = tmp_.path() / ("price" + std::to_string(++files_) + ".txt");
    std::ofstream(text) << c.text;
    const fs::path out = tmp_.path() / ("price" + std::to_string(files_) + ".png");
    ffmpeg({"-i", background.string(), "-vf",
            std::string("drawtext=fontfile=") + kSansBold + ":textfile=" + text.string() +
                ":fontsize=90:fontcolor=white:borderw=4:bordercolor=black:x=300:y=420",
            "-frames:v", "1", out.string()});
    const StepResult r = ocr(out, {{"languages", {c.language}}});
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.output.value("text", ""), c.text) << r.output.dump(2);
  }
}

// Frames with no writing: flat, a smooth gradient, shapes, and camera-like
// noise. Nothing may come out: no words, no text.
TEST_F(MediaOcr, FramesWithoutTextGiveNothing) {
  cv::Mat gradient(720, 1280, CV_8UC3);
  for (int y = 0; y < gradient.rows; ++y) {
    gradient.row(y).setTo(cv::Scalar(y * 255 / 720, 128, 255 - y * 255 / 720));
  }
  cv::Mat shapes(720, 1280, CV_8UC3, cv::Scalar(230, 230, 230));
  cv::circle(shapes, {300, 360}, 150, {40, 90, 200}, cv::FILLED);
  cv::rectangle(shapes, {700, 200}, {1100, 520}, {30, 160, 60}, cv::FILLED);
  cv::line(shapes, {0, 700}, {1280, 650}, {0, 0, 0}, 6);
  cv::Mat noise(720, 1280, CV_8UC3);
  cv::randn(noise, cv::Scalar::all(128), cv::Scalar::all(20));
  cv::GaussianBlur(noise, noise, {5, 5}, 0);
  const std::vector<std::pair<std::string, fs::path>> frames = {
      {"flat", frame("flat", {}, "0x336699")},
      {"gradient", image("gradient", gradient)},
      {"shapes", image("shapes", shapes)},
      {"noise", image("noise", noise)},
  };
  for (const auto& [name, file] : frames) {
    SCOPED_TRACE(name);
    const StepResult r = ocr(file);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.output.value("text", "?"), "") << r.output.dump(2);
    EXPECT_EQ(r.output.value("word_count", -1), 0);
    ASSERT_EQ(r.output["frames"].size(), 1u);
    EXPECT_TRUE(r.output["frames"][0]["words"].empty());
  }
}

// A video: its best frames are read (the same picking as media.thumbnails),
// and a caption shown throughout appears once in the joined text.
TEST_F(MediaOcr, ReadsTheChosenFramesOfAVideo) {
  const fs::path clip = tmp_.path() / "price.mp4";
  ffmpeg(
      {"-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25:duration=4", "-vf",
       "drawbox=x=100:y=520:w=1080:h=140:color=white:t=fill," + drawtext({{"PRICE 49.90 USD", 80, "black", 180, 545}}),
       "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "25", clip.string()});
  const StepResult r = ocr(clip, {{"count", 2}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output.value("source", ""), "video");
  ASSERT_GE(r.output["frames"].size(), 1u);
  ASSERT_LE(r.output["frames"].size(), 2u);
  const std::string text = r.output.value("text", "");
  EXPECT_TRUE(mentions(text, "PRICE 49.90 USD")) << r.output.dump(2);
  // testsrc2's own timecode is read too; the caption, on every frame, comes once.
  EXPECT_EQ(text.find("PRICE 49.90 USD"), text.rfind("PRICE 49.90 USD")) << text;
  for (const Json& f : r.output["frames"]) {
    EXPECT_TRUE(mentions(f.value("text", ""), "PRICE 49.90 USD")) << f.dump();
  }
}

// Steps running at once each take their own Tesseract engine from the pool
// (one engine is not thread-safe): every reading is the same.
TEST_F(MediaOcr, ConcurrentStepsReadTheSame) {
  const fs::path file = frame("concurrent", {{"Flash sale 12.50", 64, "black", 150, 300}});
  std::vector<StepResult> results(4);
  std::vector<std::thread> threads;
  for (StepResult& result : results) {
    threads.emplace_back([&] { result = steps_.run("ocr", {{"path", file.string()}, {"languages", {"eng", "spa"}}}); });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  for (const StepResult& r : results) {
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.output.value("text", ""), "Flash sale 12.50");
    EXPECT_EQ(r.output["frames"], results[0].output["frames"]);
  }
}

TEST_F(MediaOcr, LanguagesComeFromTheInputThenTheConfig) {
  const fs::path file = frame("config", {{"Preço especial", 56, "black", 120, 300, kSans}});
  ctx_.plugin_config = {{"ocr_languages", {"por"}}};
  StepResult r = ocr(file);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["languages"], Json({"por"}));
  EXPECT_TRUE(mentions(r.output.value("text", ""), "Preço especial")) << r.output.dump(2);
  r = ocr(file, {{"languages", {"eng", "por"}}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["languages"], Json({"eng", "por"}));
  // As LINKHUB_PLUGIN_MEDIA_OCR_LANGUAGES=por,eng gives it: one string.
  ctx_.plugin_config = {{"ocr_languages", "por,eng"}};
  r = ocr(file);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["languages"], Json({"por", "eng"}));
}

TEST_F(MediaOcr, RefusesLanguagesThatAreNotInstalled) {
  const fs::path file = frame("lang_error", {{"hello", 56}});
  StepResult r = ocr(file, {{"languages", {"eng", "tlh"}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code, "invalid_input");
  EXPECT_TRUE(mentions(r.error, "OCR language 'tlh' is not installed")) << r.error;
  EXPECT_TRUE(mentions(r.error, "eng, fra, ind, por, spa, vie")) << r.error;
  EXPECT_TRUE(mentions(r.error, "tesseract-ocr-tlh")) << r.error;

  ctx_.plugin_config = {{"ocr_languages", 42}};
  r = ocr(file);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(mentions(r.error, "plugins.media.ocr_languages in the config must be a list")) << r.error;
}

TEST(MediaTextRegions, FindsOneRegionPerLineAndNoneOnFlatOrSmoothFrames) {
  cv::Mat grey(720, 1280, CV_8UC1, cv::Scalar(255));
  EXPECT_TRUE(media::find_text_regions(grey).empty());
  cv::Mat light(200, 600, CV_8UC1, cv::Scalar(20));
  cv::putText(light, "WHITE", {50, 130}, cv::FONT_HERSHEY_SIMPLEX, 3.0, 255, 6);
  EXPECT_TRUE(media::looks_light_on_dark(light, {0, 0, 600, 200}));
  cv::bitwise_not(light, light);
  EXPECT_FALSE(media::looks_light_on_dark(light, {0, 0, 600, 200}));
  for (int y = 0; y < grey.rows; ++y) {
    grey.row(y).setTo(y * 255 / 720);
  }
  EXPECT_TRUE(media::find_text_regions(grey).empty());

  grey.setTo(255);
  cv::putText(grey, "FIRST LINE", {100, 200}, cv::FONT_HERSHEY_SIMPLEX, 2.0, 0, 4);
  cv::putText(grey, "second line", {100, 450}, cv::FONT_HERSHEY_SIMPLEX, 1.0, 0, 2);
  const std::vector<cv::Rect> regions = media::find_text_regions(grey);
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_LT(regions[0].y, 200);
  EXPECT_GT(regions[0].y + regions[0].height, 200);
  EXPECT_LT(regions[1].y, 450);
  EXPECT_GT(regions[1].y + regions[1].height, 440);
  const media::TextRegion prepared = media::prepare_region(grey, regions[1], false);
  EXPECT_EQ(prepared.binary.type(), CV_8UC1);
  EXPECT_NEAR((prepared.binary.rows - 2 * prepared.margin) / prepared.scale, regions[1].height, 2);
}

}  // namespace
}  // namespace linkhub
