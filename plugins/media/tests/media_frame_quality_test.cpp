// Frame scoring, rejection and near-duplicates (media_core, called directly)
// on synthetic pictures whose answer is known.
#include "frame_picker.hpp"
#include "frame_quality.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <random>

namespace linkhub::media {
namespace {

// A detailed picture: shapes and lines in several colours over a gradient.
cv::Mat detailed(int width = 640, int height = 360, int seed = 1) {
  cv::Mat image(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      image.at<cv::Vec3b>(y, x) =
          cv::Vec3b(static_cast<uint8_t>(60 + x * 120 / width), static_cast<uint8_t>(60 + y * 120 / height), 110);
    }
  }
  std::mt19937 random(seed);
  for (int i = 0; i < 40; ++i) {
    const cv::Point a(static_cast<int>(random() % width), static_cast<int>(random() % height));
    const cv::Point b(static_cast<int>(random() % width), static_cast<int>(random() % height));
    const cv::Scalar colour(random() % 256, random() % 256, random() % 256);
    if (i % 2 == 0) {
      cv::rectangle(image, a, b, colour, cv::FILLED);
    } else {
      cv::line(image, a, b, colour, 3);
    }
  }
  return image;
}

cv::Mat blurred(const cv::Mat& image) {
  cv::Mat out;
  cv::GaussianBlur(image, out, cv::Size(0, 0), 3);
  return out;
}

cv::Mat flat(uint8_t grey) {
  return cv::Mat(360, 640, CV_8UC3, cv::Scalar(grey, grey, grey));
}

Candidate candidate(const cv::Mat& image, int64_t index) {
  Candidate c;
  c.frame.image = image;
  c.frame.frame_index = index;
  c.quality = measure_frame(image);
  return c;
}

TEST(MediaFrameQuality, RejectsBlackWhiteAndBlankFrames) {
  EXPECT_EQ(rejection_of(measure_frame(flat(0)), 0), "black");
  EXPECT_EQ(rejection_of(measure_frame(flat(10)), 0), "black");
  EXPECT_EQ(rejection_of(measure_frame(flat(255)), 0), "white");
  EXPECT_EQ(rejection_of(measure_frame(flat(128)), 0), "blank");
  EXPECT_EQ(rejection_of(measure_frame(detailed()), 0), "");
}

TEST(MediaFrameQuality, ADarkFrameWithAFewBrightPixelsIsStillBlack) {
  cv::Mat image = flat(0);
  cv::putText(image, "end", cv::Point(300, 180), cv::FONT_HERSHEY_SIMPLEX, 0.5, cv::Scalar(255, 255, 255));
  EXPECT_EQ(rejection_of(measure_frame(image), 0), "black");
}

TEST(MediaFrameQuality, SharpnessIsTheVarianceOfTheLaplacian) {
  const FrameQuality sharp = measure_frame(detailed());
  const FrameQuality soft = measure_frame(blurred(detailed()));
  EXPECT_GT(sharp.sharpness, 10 * soft.sharpness) << sharp.sharpness << " vs " << soft.sharpness;
  EXPECT_GT(sharp.score, soft.score);
  // Blurred next to a sharp frame of the same video; on its own it is just soft.
  EXPECT_EQ(rejection_of(soft, sharp.sharpness), "blurred");
  EXPECT_EQ(rejection_of(soft, soft.sharpness), "");
}

TEST(MediaFrameQuality, ScoresMidExposureAboveDarkOrWashedOut) {
  cv::Mat image = detailed();
  cv::Mat dark, washed;
  image.convertTo(dark, -1, 0.35, 0);
  image.convertTo(washed, -1, 0.5, 150);
  const double good = measure_frame(image).score;
  EXPECT_GT(good, measure_frame(dark).score);
  EXPECT_GT(good, measure_frame(washed).score);
  EXPECT_GE(good, 0.0);
  EXPECT_LE(good, 1.0);
}

TEST(MediaFrameQuality, MeasuresTheSameAtEverySize) {
  const cv::Mat big = detailed(1280, 720);
  cv::Mat small;
  cv::resize(big, small, cv::Size(320, 180), 0, 0, cv::INTER_AREA);
  const FrameQuality a = measure_frame(big);
  const FrameQuality b = measure_frame(small);
  EXPECT_NEAR(a.sharpness, b.sharpness, 0.05 * b.sharpness);
  EXPECT_NEAR(a.brightness, b.brightness, 1.0);
}

TEST(MediaFrameQuality, SpotsNearDuplicatesButNotDifferentPictures) {
  const cv::Mat image = detailed(640, 360, 1);
  cv::Mat noisy = image.clone();
  cv::Mat noise(image.size(), image.type());
  cv::randu(noise, cv::Scalar::all(0), cv::Scalar::all(6));
  noisy += noise;
  EXPECT_TRUE(near_duplicate(measure_frame(image), measure_frame(noisy)));
  EXPECT_FALSE(near_duplicate(measure_frame(image), measure_frame(detailed(640, 360, 2))));
}

TEST(MediaFrameQuality, MeasuresAOnePixelFrame) {
  const FrameQuality q = measure_frame(cv::Mat(1, 1, CV_8UC3, cv::Scalar(30, 140, 200)));
  EXPECT_EQ(q.sharpness, 0);
  EXPECT_EQ(q.contrast, 0);
  EXPECT_EQ(rejection_of(q, 0), "blank");
}

TEST(MediaFrameChoice, TakesTheBestDistinctFramesBestFirst) {
  std::vector<Candidate> candidates = {
      candidate(blurred(detailed(640, 360, 1)), 10),  // soft copy of frame 40
      candidate(flat(0), 20),
      candidate(detailed(640, 360, 2), 30),
      candidate(detailed(640, 360, 1), 40),
      candidate(detailed(640, 360, 1), 50),  // the same picture again
      candidate(detailed(640, 360, 3), 60),
  };
  bool fallback = true;
  const std::vector<size_t> chosen = choose_frames(candidates, 2, fallback);
  EXPECT_FALSE(fallback);
  ASSERT_EQ(chosen.size(), 2u);
  EXPECT_GE(candidates[chosen[0]].quality.score, candidates[chosen[1]].quality.score);
  EXPECT_EQ(candidates[0].status(), "blurred");
  EXPECT_EQ(candidates[1].status(), "black");
  // Frames 40 and 50 are one picture: at most one of them is chosen.
  EXPECT_FALSE(candidates[3].chosen && candidates[4].chosen);
  const int spare_or_duplicate =
      static_cast<int>(candidates[2].status() != "chosen") + static_cast<int>(candidates[3].status() != "chosen") +
      static_cast<int>(candidates[4].status() != "chosen") + static_cast<int>(candidates[5].status() != "chosen");
  EXPECT_EQ(spare_or_duplicate, 2);
}

TEST(MediaFrameChoice, FallsBackToTheBestFramesWhenNoneIsGoodButNeverToBlackOnes) {
  std::vector<Candidate> flat_frames = {candidate(flat(128), 1), candidate(flat(200), 2), candidate(flat(0), 3)};
  bool fallback = false;
  const std::vector<size_t> chosen = choose_frames(flat_frames, 3, fallback);
  EXPECT_TRUE(fallback);
  ASSERT_FALSE(chosen.empty());
  for (size_t i : chosen) {
    EXPECT_NE(flat_frames[i].quality.brightness, 0);
  }

  std::vector<Candidate> black = {candidate(flat(0), 1), candidate(flat(5), 2)};
  EXPECT_TRUE(choose_frames(black, 3, fallback).empty());
}

TEST(MediaFrameChoice, IsTheSameEveryTime) {
  std::vector<Candidate> a, b;
  for (int seed = 1; seed <= 6; ++seed) {
    a.push_back(candidate(detailed(320, 180, seed), seed));
    b.push_back(candidate(detailed(320, 180, seed), seed));
  }
  bool fallback = false;
  EXPECT_EQ(choose_frames(a, 3, fallback), choose_frames(b, 3, fallback));
}

}  // namespace
}  // namespace linkhub::media
