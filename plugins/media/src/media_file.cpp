#include "media_file.hpp"

#include "media_error.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace linkhub::media {

uint64_t check_media_file(const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty()) {
    throw MediaError("no file given: 'path' is empty");
  }
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) {
    throw MediaError(quoted(path) + " does not exist");
  }
  if (ec) {
    throw MediaError(quoted(path) + " cannot be examined: " + ec.message());
  }
  if (status.type() == fs::file_type::directory) {
    throw MediaError(quoted(path) + " is a directory, not a video file");
  }
  if (status.type() != fs::file_type::regular) {
    // FIFOs and devices could block or never end.
    throw MediaError(quoted(path) + " is not a regular file (a pipe, socket or device?)");
  }
  const uintmax_t bytes = fs::file_size(path, ec);
  if (ec) {
    throw MediaError(quoted(path) + " cannot be examined: " + ec.message());
  }
  if (bytes == 0) {
    throw MediaError(quoted(path) + " is empty (0 bytes), not a video");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.good()) {
    throw MediaError(quoted(path) + " cannot be read: " + std::strerror(errno));
  }
  return static_cast<uint64_t>(bytes);
}

}  // namespace linkhub::media
