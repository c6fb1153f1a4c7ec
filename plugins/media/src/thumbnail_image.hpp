#pragma once
// Scaling and encoding one thumbnail image.

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace linkhub::media {

enum class ImageFormat { kJpeg, kWebp };

// "jpeg" / "webp"; throws std::invalid_argument for anything else.
ImageFormat image_format(const std::string& name);
const char* format_name(ImageFormat format);
const char* media_type(ImageFormat format);  // "image/jpeg"
const char* extension(ImageFormat format);   // ".jpg"

// `frame` scaled to `width` with its aspect kept; never wider than it is.
cv::Mat fit_width(const cv::Mat& frame, int width);

// The encoded file's bytes; quality 1..100. Throws std::runtime_error when
// OpenCV cannot encode (a build without WebP).
std::vector<unsigned char> encode_image(const cv::Mat& image, ImageFormat format, int quality);

}  // namespace linkhub::media
