#pragma once
// The media library's failures, and the interruption checks that long
// operations poll between packets and frames. The steps turn these into
// sdk::StepError / sdk::Cancelled; the library itself knows no SDK.

#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

namespace linkhub::media {

// The input is not something we can make thumbnails of (missing, corrupt,
// not a video, ...). The message names the file and says what is wrong.
class MediaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The step's deadline passed while working.
class OutOfTime : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The step was cancelled while working.
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("cancelled") {}
};

// What a long operation asks between frames: stop now? Empty members mean
// "never".
struct Interrupt {
  std::function<bool()> cancelled;
  std::optional<std::chrono::system_clock::time_point> deadline;

  // True when the work should stop (for FFmpeg's interrupt callback, which must not throw).
  bool should_stop() const noexcept;
  // Throws Interrupted or OutOfTime when the work should stop; `doing` goes
  // into the OutOfTime message ("decoding 'a.mp4'").
  void check(const std::string& doing) const;
};

// "'<path>'", the way every message quotes a file.
std::string quoted(const std::string& path);

}  // namespace linkhub::media
