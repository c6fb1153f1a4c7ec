#pragma once
// FFmpeg logs through one process-wide callback. While an AvLogCapture lives
// on a thread, FFmpeg's errors on that thread are kept for our messages
// ("moov atom not found") instead of going to stderr. On other threads, and
// for other users of FFmpeg in the process (OpenCV), logging is unchanged.

#include <string>

namespace linkhub::media {

class AvLogCapture {
 public:
  AvLogCapture();
  ~AvLogCapture();
  AvLogCapture(const AvLogCapture&) = delete;
  AvLogCapture& operator=(const AvLogCapture&) = delete;

  // Forgets the errors logged on this thread so far.
  static void clear();
  // The latest error FFmpeg logged on this thread since clear(), empty when none.
  static std::string last_error();
};

// " (FFmpeg: <last error>)" or "", to end a message with.
std::string ffmpeg_says();

}  // namespace linkhub::media
