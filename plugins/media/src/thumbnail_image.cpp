#include "thumbnail_image.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace linkhub::media {

ImageFormat image_format(const std::string& name) {
  if (name == "jpeg") {
    return ImageFormat::kJpeg;
  }
  if (name == "webp") {
    return ImageFormat::kWebp;
  }
  throw std::invalid_argument("unknown image format '" + name + "' (expected jpeg or webp)");
}

const char* format_name(ImageFormat format) {
  return format == ImageFormat::kJpeg ? "jpeg" : "webp";
}

const char* media_type(ImageFormat format) {
  return format == ImageFormat::kJpeg ? "image/jpeg" : "image/webp";
}

const char* extension(ImageFormat format) {
  return format == ImageFormat::kJpeg ? ".jpg" : ".webp";
}

cv::Mat fit_width(const cv::Mat& frame, int width) {
  if (width >= frame.cols) {
    return frame;
  }
  const int w = std::max(1, width);
  const int h = std::max(1, static_cast<int>(std::lround(static_cast<double>(frame.rows) * w / frame.cols)));
  cv::Mat out;
  cv::resize(frame, out, cv::Size(w, h), 0, 0, cv::INTER_AREA);
  return out;
}

std::vector<unsigned char> encode_image(const cv::Mat& image, ImageFormat format, int quality) {
  const int q = std::clamp(quality, 1, 100);
  const std::vector<int> params = format == ImageFormat::kJpeg ? std::vector<int>{cv::IMWRITE_JPEG_QUALITY, q}
                                                               : std::vector<int>{cv::IMWRITE_WEBP_QUALITY, q};
  std::vector<unsigned char> bytes;
  if (!cv::imencode(extension(format), image, bytes, params) || bytes.empty()) {
    throw std::runtime_error(std::string("OpenCV could not encode a ") + format_name(format) + " image");
  }
  return bytes;
}

}  // namespace linkhub::media
