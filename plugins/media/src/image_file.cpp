#include "image_file.hpp"

#include "media_error.hpp"

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <fstream>
#include <string_view>
#include <vector>

namespace linkhub::media {
namespace {

std::string read_range(const std::string& path, uint64_t offset, size_t count) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  std::string out(count, '\0');
  in.read(out.data(), static_cast<std::streamsize>(count));
  out.resize(static_cast<size_t>(std::max<std::streamsize>(0, in.gcount())));
  return out;
}

uint32_t big_endian(std::string_view s, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) {
    v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  }
  return v;
}

uint32_t little_endian(std::string_view s, size_t at, size_t n) {
  uint32_t v = 0;
  for (size_t i = n; i-- > 0;) {
    v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  }
  return v;
}

// Width and height from the header, before any pixel is decoded; {0, 0}
// when the header does not say (the decoder then decides).
std::pair<int64_t, int64_t> header_size(const std::string& path, const std::string& format) {
  if (format == "png") {
    const std::string h = read_range(path, 0, 24);
    return h.size() == 24 ? std::pair<int64_t, int64_t>{big_endian(h, 16), big_endian(h, 20)}
                          : std::pair<int64_t, int64_t>{0, 0};
  }
  if (format == "webp") {
    const std::string h = read_range(path, 0, 30);
    if (h.size() < 30) {
      return {0, 0};
    }
    const std::string_view chunk(h.data() + 12, 4);
    if (chunk == "VP8X") {
      return {little_endian(h, 24, 3) + 1, little_endian(h, 27, 3) + 1};
    }
    if (chunk == "VP8 ") {
      return {little_endian(h, 26, 2) & 0x3FFF, little_endian(h, 28, 2) & 0x3FFF};
    }
    if (chunk == "VP8L") {
      const uint32_t bits = little_endian(h, 21, 4);
      return {(bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1};
    }
    return {0, 0};
  }
  // JPEG: walk the markers to the first start-of-frame (SOF0..SOF15 but DHT, JPG, DAC).
  std::ifstream in(path, std::ios::binary);
  in.seekg(2);
  for (int markers = 0; markers < 512 && in; ++markers) {
    unsigned char m[4];
    if (!in.read(reinterpret_cast<char*>(m), 4) || m[0] != 0xFF) {
      return {0, 0};
    }
    const unsigned marker = m[1];
    const unsigned length = (m[2] << 8) | m[3];
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      unsigned char sof[5];
      if (!in.read(reinterpret_cast<char*>(sof), 5)) {
        return {0, 0};
      }
      return {(sof[3] << 8) | sof[4], (sof[1] << 8) | sof[2]};
    }
    if (length < 2) {
      return {0, 0};
    }
    in.seekg(length - 2, std::ios::cur);
  }
  return {0, 0};
}

// Why the file is cut short, or "" when it looks whole.
std::string truncation(const std::string& path, uint64_t bytes, const std::string& format) {
  if (format == "jpeg") {
    // The end-of-image marker closes the last scan; a few bytes of padding may follow it.
    const size_t tail = static_cast<size_t>(std::min<uint64_t>(bytes, 4096));
    const std::string end = read_range(path, bytes - tail, tail);
    return end.rfind("\xFF\xD9") == std::string::npos ? "it has no JPEG end-of-image marker" : "";
  }
  if (format == "png") {
    const size_t tail = static_cast<size_t>(std::min<uint64_t>(bytes, 64));
    return read_range(path, bytes - tail, tail).find("IEND") == std::string::npos ? "it has no PNG IEND chunk" : "";
  }
  const std::string head = read_range(path, 0, 8);
  const uint64_t riff = head.size() == 8 ? little_endian(head, 4, 4) + 8ULL : 0;
  return riff > bytes ? "its RIFF header says " + std::to_string(riff) + " bytes" : "";
}

}  // namespace

std::optional<std::string> still_image_format(const std::string& path) {
  const std::string head = read_range(path, 0, 12);
  const std::string_view h(head);
  if (h.substr(0, 3) == "\xFF\xD8\xFF") {
    return "jpeg";
  }
  if (h.substr(0, 8) == "\x89PNG\r\n\x1A\n") {
    return "png";
  }
  if (h.size() == 12 && h.substr(0, 4) == "RIFF" && h.substr(8, 4) == "WEBP") {
    return "webp";
  }
  return std::nullopt;
}

cv::Mat read_still_image(const std::string& path, uint64_t bytes, ImageInfo& info) {
  const auto format = still_image_format(path);
  if (!format) {
    throw MediaError(quoted(path) + " is not a JPEG, PNG or WebP image");
  }
  info.path = path;
  info.bytes = bytes;
  info.format = *format;
  if (const std::string why = truncation(path, bytes, *format); !why.empty()) {
    throw MediaError(quoted(path) + " is a truncated " + *format + " image (" + std::to_string(bytes) + " bytes; " +
                     why + ")");
  }
  const auto [w, h] = header_size(path, *format);
  if (w > 0 && h > 0 && w * h > kMaxImagePixels) {
    throw MediaError(quoted(path) + " is a " + std::to_string(w) + "x" + std::to_string(h) + " image, over the " +
                     std::to_string(kMaxImagePixels / 1'000'000) + " megapixels allowed");
  }
  cv::Mat image = cv::imread(path, cv::IMREAD_COLOR);  // applies EXIF orientation
  if (image.empty()) {
    throw MediaError(quoted(path) + " is a damaged " + *format + " image: it cannot be decoded");
  }
  if (static_cast<int64_t>(image.cols) * image.rows > kMaxImagePixels) {
    throw MediaError(quoted(path) + " is a " + std::to_string(image.cols) + "x" + std::to_string(image.rows) +
                     " image, over the " + std::to_string(kMaxImagePixels / 1'000'000) + " megapixels allowed");
  }
  info.width = image.cols;
  info.height = image.rows;
  return image;
}

}  // namespace linkhub::media
