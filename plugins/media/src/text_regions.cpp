#include "text_regions.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace linkhub::media {

namespace {

// Two boxes of one line: they share most of their height and the gap
// between them is less than a letter high (a space between words is narrower
// than that, the gap between columns of text wider); or one lies mostly
// inside the other (an accent, a dot). A line that merely touches a busy
// patch of footage stays apart from it, so the line keeps its scale.
bool same_line(const cv::Rect& a, const cv::Rect& b) {
  const int low = std::min(a.height, b.height);
  const int high = std::max(a.height, b.height);
  if ((a & b).area() * 2 > std::min(a.area(), b.area())) {
    return true;
  }
  const int shared = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
  const int gap = std::max(a.x, b.x) - std::min(a.x + a.width, b.x + b.width);
  return high < 2 * low && shared > low / 2 && gap < high;
}

// The boxes of one line (words, a line's accents) become one, so Tesseract
// reads the line whole.
std::vector<cv::Rect> merged(std::vector<cv::Rect> boxes) {
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t i = 0; i < boxes.size() && !changed; ++i) {
      for (size_t j = i + 1; j < boxes.size(); ++j) {
        if (same_line(boxes[i], boxes[j])) {
          boxes[i] |= boxes[j];
          boxes.erase(boxes.begin() + static_cast<std::ptrdiff_t>(j));
          changed = true;
          break;
        }
      }
    }
  }
  return boxes;
}

int odd_at_least_3(int n) {
  n = std::max(n, 3);
  return n % 2 == 0 ? n + 1 : n;
}

}  // namespace

std::vector<cv::Rect> find_text_regions(const cv::Mat& grey) {
  CV_Assert(grey.type() == CV_8UC1);
  if (grey.cols < 8 || grey.rows < 8) {
    return {};
  }
  cv::Mat gradient;
  cv::morphologyEx(grey, gradient, cv::MORPH_GRADIENT, cv::getStructuringElement(cv::MORPH_ELLIPSE, {3, 3}));
  cv::Mat edges;
  const double otsu = cv::threshold(gradient, edges, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  if (otsu < kMinEdge) {
    cv::threshold(gradient, edges, kMinEdge, 255, cv::THRESH_BINARY);
  }
  // Joins the letters of a line; the width follows the frame so a 720p and
  // a 360p frame join the same share of a line.
  const int join = std::max(5, grey.cols / 120);
  cv::Mat joined;
  cv::morphologyEx(edges, joined, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, {join, 1}));

  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(joined, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  const cv::Rect frame(0, 0, grey.cols, grey.rows);
  std::vector<cv::Rect> boxes;
  for (const auto& contour : contours) {
    const cv::Rect box = cv::boundingRect(contour);
    // Too small to read, or taller than a third of the frame (a shape, not a line).
    if (box.height < 8 || box.width < 4 || box.height > grey.rows / 3) {
      continue;
    }
    // Writing is dense with edges, but not solid: a filled shape's inside has none.
    const double fill = cv::countNonZero(edges(box)) / static_cast<double>(box.area());
    if (fill < 0.12 || fill > 0.9) {
      continue;
    }
    const int pad = std::max(4, box.height / 4);
    boxes.push_back(cv::Rect(box.x - pad, box.y - pad, box.width + 2 * pad, box.height + 2 * pad) & frame);
  }
  boxes = merged(std::move(boxes));
  // A line no wider than high is a dot, a bar or a shape (two characters
  // with their padding are wider); only after merging, since a word's
  // letters can be separate blobs.
  std::erase_if(boxes, [](const cv::Rect& box) { return box.width * 10 <= box.height * 11; });
  if (boxes.size() > static_cast<size_t>(kMaxTextRegions)) {
    std::stable_sort(boxes.begin(), boxes.end(),
                     [](const cv::Rect& a, const cv::Rect& b) { return a.area() > b.area(); });
    boxes.resize(kMaxTextRegions);
  }
  std::sort(boxes.begin(), boxes.end(),
            [](const cv::Rect& a, const cv::Rect& b) { return a.y != b.y ? a.y < b.y : a.x < b.x; });
  return boxes;
}

bool looks_light_on_dark(const cv::Mat& grey, const cv::Rect& box) {
  cv::Mat split;
  cv::threshold(grey(box), split, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  return static_cast<size_t>(cv::countNonZero(split)) * 2 < split.total();
}

TextRegion prepare_region(const cv::Mat& grey, const cv::Rect& box, bool light_on_dark) {
  TextRegion region;
  region.box = box;
  // Small print is enlarged (Tesseract reads lines of 30-50 pixels best), big
  // titles shrunk (fewer pixels, same words).
  region.scale = std::clamp(static_cast<double>(kLineHeight) / box.height, 0.25, 4.0);
  cv::Mat scaled;
  cv::resize(grey(box), scaled, {}, region.scale, region.scale, region.scale > 1 ? cv::INTER_CUBIC : cv::INTER_AREA);

  if (light_on_dark) {
    cv::bitwise_not(scaled, scaled);
  }
  cv::Mat binary;
  cv::adaptiveThreshold(scaled, binary, 255, cv::ADAPTIVE_THRESH_GAUSSIAN_C, cv::THRESH_BINARY,
                        odd_at_least_3(scaled.rows), 8);
  region.margin = 12;
  cv::copyMakeBorder(binary, region.binary, region.margin, region.margin, region.margin, region.margin,
                     cv::BORDER_CONSTANT, cv::Scalar(255));
  return region;
}

}  // namespace linkhub::media
