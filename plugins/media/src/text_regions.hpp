#pragma once
// Where text probably is in a frame, and each such region made ready for
// Tesseract. OCR on a whole 720p frame costs hundreds of milliseconds and
// reads noise out of textures; OCR on the few line-shaped regions with dense
// strong edges costs a fraction and sees only what looks like writing.
//
// Detection (on the grey frame): morphological gradient, thresholded (Otsu,
// but never below kMinEdge, so a flat or softly shaded frame has no edges),
// closed horizontally so the letters of a line join, then the bounding boxes
// of the blobs that are shaped like a line of text and filled with edges.
// Preparation (per region): scaled so the line is about kLineHeight pixels,
// turned dark-on-light when the text is light, adaptive threshold (Gaussian,
// window about a line high) so uneven backgrounds and low contrast still
// binarise, and a white margin.

#include <opencv2/core.hpp>

#include <vector>

namespace linkhub::media {

struct TextRegion {
  cv::Rect box;      // in the grey frame's pixels, padded
  cv::Mat binary;    // ready for OCR: 8-bit, black text on white, with a margin
  double scale = 1;  // binary pixels per frame pixel
  int margin = 0;    // white pixels added on each side of binary
};

// At most this many regions per frame (the largest first): bounds the OCR time on busy frames.
constexpr int kMaxTextRegions = 24;
// Gradient strength (0-255) below which an edge is ignored.
constexpr int kMinEdge = 28;
// Line height the regions are scaled to for Tesseract.
constexpr int kLineHeight = 48;

// Line-shaped regions of `grey` (8-bit, one channel) that probably hold text, top to bottom.
std::vector<cv::Rect> find_text_regions(const cv::Mat& grey);

// A guess at the text's polarity: the text is the minority of a line's
// pixels, so when the bright side is the minority the text is light on dark.
bool looks_light_on_dark(const cv::Mat& grey, const cv::Rect& box);

// The region of `grey` binarised and scaled for OCR, inverted first when
// the text is light on dark.
TextRegion prepare_region(const cv::Mat& grey, const cv::Rect& box, bool light_on_dark);

}  // namespace linkhub::media
