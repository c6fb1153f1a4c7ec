#include "frame_quality.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <bit>
#include <cmath>

namespace linkhub::media {
namespace {

// Thresholds, on the analysis-size grey image.
constexpr double kBlackLuma = 24;
constexpr double kWhiteLuma = 232;
constexpr double kClippedShare = 0.97;    // this much of the picture black (or white) is a black (white) frame
constexpr double kBlankContrast = 6;      // luma stddev below this: a flat picture
constexpr double kMinSharpness = 8;       // Laplacian variance below this: no detail at all
constexpr double kRelativeBlur = 0.15;    // this share of the sharpest frame's sharpness: blurred
constexpr int kDuplicateHashBits = 10;    // of 64
constexpr double kDuplicateColour = 0.2;  // Bhattacharyya distance of the histograms

uint64_t difference_hash(const cv::Mat& grey) {
  cv::Mat small;
  cv::resize(grey, small, cv::Size(9, 8), 0, 0, cv::INTER_AREA);
  uint64_t hash = 0;
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 8; ++x) {
      hash = (hash << 1) | (small.at<uint8_t>(y, x) < small.at<uint8_t>(y, x + 1) ? 1u : 0u);
    }
  }
  return hash;
}

cv::Mat colour_histogram(const cv::Mat& bgr) {
  cv::Mat hsv;
  cv::cvtColor(bgr, hsv, cv::COLOR_BGR2HSV);
  const int channels[] = {0, 1};
  const int bins[] = {16, 8};
  const float hue_range[] = {0, 180};
  const float sat_range[] = {0, 256};
  const float* ranges[] = {hue_range, sat_range};
  cv::Mat hist;
  cv::calcHist(&hsv, 1, channels, cv::Mat(), hist, 2, bins, ranges);
  cv::normalize(hist, hist, 1, 0, cv::NORM_L1);
  return hist;
}

}  // namespace

FrameQuality measure_frame(const cv::Mat& bgr) {
  cv::Mat small = bgr;
  if (bgr.cols > kAnalysisWidth) {
    const int height =
        std::max(1, static_cast<int>(std::lround(static_cast<double>(bgr.rows) * kAnalysisWidth / bgr.cols)));
    cv::resize(bgr, small, cv::Size(kAnalysisWidth, height), 0, 0, cv::INTER_AREA);
  }
  cv::Mat grey;
  cv::cvtColor(small, grey, cv::COLOR_BGR2GRAY);

  FrameQuality q;
  cv::Scalar mean, stddev;
  cv::meanStdDev(grey, mean, stddev);
  q.brightness = mean[0];
  q.contrast = stddev[0];
  const double pixels = static_cast<double>(grey.total());
  q.dark_share = cv::countNonZero(grey < kBlackLuma) / pixels;
  q.bright_share = cv::countNonZero(grey > kWhiteLuma) / pixels;
  if (grey.rows >= 3 && grey.cols >= 3) {
    cv::Mat laplacian;
    cv::Laplacian(grey, laplacian, CV_64F);
    cv::Scalar lap_mean, lap_stddev;
    cv::meanStdDev(laplacian, lap_mean, lap_stddev);
    q.sharpness = lap_stddev[0] * lap_stddev[0];
  }
  q.dhash = difference_hash(grey);
  q.histogram = colour_histogram(small);
  q.score = score_of(q);
  return q;
}

double score_of(const FrameQuality& q) {
  const double sharp = std::clamp(std::log10(1.0 + q.sharpness) / 3.0, 0.0, 1.0);  // 1000 and up: 1
  const double contrast = std::clamp(q.contrast / 64.0, 0.0, 1.0);
  const double exposure =
      std::clamp(1.0 - std::abs(q.brightness - 128.0) / 128.0, 0.0, 1.0) * (1.0 - q.dark_share - q.bright_share);
  return 0.5 * sharp + 0.25 * contrast + 0.25 * std::max(0.0, exposure);
}

std::string rejection_of(const FrameQuality& q, double sharpest) {
  if (q.dark_share >= kClippedShare) {
    return "black";
  }
  if (q.bright_share >= kClippedShare) {
    return "white";
  }
  if (q.contrast < kBlankContrast) {
    return "blank";
  }
  if (q.sharpness < kMinSharpness || q.sharpness < kRelativeBlur * sharpest) {
    return "blurred";
  }
  return {};
}

bool near_duplicate(const FrameQuality& a, const FrameQuality& b) {
  if (std::popcount(a.dhash ^ b.dhash) > kDuplicateHashBits) {
    return false;
  }
  return cv::compareHist(a.histogram, b.histogram, cv::HISTCMP_BHATTACHARYYA) < kDuplicateColour;
}

}  // namespace linkhub::media
