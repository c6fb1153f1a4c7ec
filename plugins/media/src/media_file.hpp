#pragma once
// Checks that a path names something we can open as a media file, before
// FFmpeg sees it, so the common mistakes get plain messages.

#include <cstdint>
#include <string>

namespace linkhub::media {

// Returns the file's size in bytes. Throws MediaError naming the file when it
// does not exist, is a directory or another non-regular file, is empty, or
// cannot be read.
uint64_t check_media_file(const std::string& path);

}  // namespace linkhub::media
