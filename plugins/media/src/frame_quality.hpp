#pragma once
// How good a frame is as a thumbnail, measured on a small grey copy so the
// numbers mean the same at every video size.

#include <opencv2/core.hpp>

#include <cstdint>
#include <string>

namespace linkhub::media {

// Frames are measured at this width (smaller frames as they are).
constexpr int kAnalysisWidth = 320;

struct FrameQuality {
  double sharpness = 0;     // variance of the Laplacian of the grey image
  double brightness = 0;    // mean luma, 0..255
  double contrast = 0;      // standard deviation of luma
  double dark_share = 0;    // share of pixels with luma below 24
  double bright_share = 0;  // share of pixels with luma above 232
  double score = 0;         // 0..1, higher is better (see score_of)
  uint64_t dhash = 0;       // 64-bit difference hash of the grey image
  cv::Mat histogram;        // normalised hue/saturation histogram, for near-duplicates
};

FrameQuality measure_frame(const cv::Mat& bgr);

// Half sharpness, a quarter contrast, a quarter exposure (mid-grey mean, few
// clipped pixels), each scaled to 0..1.
double score_of(const FrameQuality& q);

// Why a frame is no thumbnail, or "" when it may be one: "black", "white",
// "blank" (almost no variation) or "blurred" (far less sharp than the
// sharpest usable frame of the video, or hardly any detail at all).
std::string rejection_of(const FrameQuality& q, double sharpest);

// Two frames that would make the same thumbnail: nearly the same structure
// (difference hash) and nearly the same colours (histogram).
bool near_duplicate(const FrameQuality& a, const FrameQuality& b);

}  // namespace linkhub::media
