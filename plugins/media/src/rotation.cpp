#include "rotation.hpp"

#include "ffmpeg.hpp"

#include <cmath>

namespace linkhub::media {

int clockwise_rotation(const int32_t* display_matrix) {
  if (display_matrix == nullptr) {
    return 0;
  }
  const double counterclockwise = av_display_rotation_get(display_matrix);
  if (!std::isfinite(counterclockwise)) {
    return 0;
  }
  const long quarters = std::lround(-counterclockwise / 90.0);
  return static_cast<int>(((quarters % 4) + 4) % 4) * 90;
}

cv::Mat rotate_clockwise(const cv::Mat& frame, int degrees) {
  cv::Mat out;
  switch (degrees) {
    case 90:
      cv::rotate(frame, out, cv::ROTATE_90_CLOCKWISE);
      return out;
    case 180:
      cv::rotate(frame, out, cv::ROTATE_180);
      return out;
    case 270:
      cv::rotate(frame, out, cv::ROTATE_90_COUNTERCLOCKWISE);
      return out;
    default:
      return frame;
  }
}

}  // namespace linkhub::media
