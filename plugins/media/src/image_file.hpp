#pragma once
// A still image (a video's cover) as the source of thumbnails, when there is
// no video. JPEG, PNG and WebP only: the formats TikTok and its scrapers
// serve. The file is checked whole before OpenCV decodes it, because libjpeg
// decodes a truncated JPEG into a picture with a grey bottom and only warns.

#include <opencv2/core.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace linkhub::media {

struct ImageInfo {
  std::string path;
  uint64_t bytes = 0;
  std::string format;  // "jpeg", "png" or "webp"
  int width = 0;       // as shown: EXIF orientation applied
  int height = 0;
};

// "jpeg", "png" or "webp" when the file starts like one; nullopt otherwise
// (a video, HTML, anything else).
std::optional<std::string> still_image_format(const std::string& path);

// Decodes the image (EXIF orientation applied) after checking that it is
// complete (JPEG: an end-of-image marker; PNG: the IEND chunk; WebP: the RIFF
// size) and at most kMaxImagePixels. Throws MediaError naming the file.
cv::Mat read_still_image(const std::string& path, uint64_t bytes, ImageInfo& info);

// 40 megapixels: far beyond any cover; a decompression bomb stops here.
constexpr int64_t kMaxImagePixels = 40'000'000;

}  // namespace linkhub::media
