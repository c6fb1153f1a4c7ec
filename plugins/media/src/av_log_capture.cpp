#include "av_log_capture.hpp"

#include "ffmpeg.hpp"

#include <cstdarg>
#include <mutex>

namespace linkhub::media {
namespace {

// A count, not a flag: captures may nest and end in any order.
thread_local int capture_depth = 0;
thread_local std::string last_line;

void log_callback(void* avcl, int level, const char* format, va_list args) {
  if (capture_depth == 0) {
    av_log_default_callback(avcl, level, format, args);
    return;
  }
  if (level > AV_LOG_ERROR) {
    return;
  }
  char line[512];
  int print_prefix = 0;
  av_log_format_line2(avcl, level, format, args, line, sizeof line, &print_prefix);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  if (!text.empty()) {
    last_line = std::move(text);
  }
}

}  // namespace

AvLogCapture::AvLogCapture() {
  // Installed once and never removed: plugins are never unloaded, and the
  // callback behaves like FFmpeg's default wherever no capture is active.
  static std::once_flag installed;
  std::call_once(installed, [] { av_log_set_callback(&log_callback); });
  ++capture_depth;
}

AvLogCapture::~AvLogCapture() {
  --capture_depth;
}

void AvLogCapture::clear() {
  last_line.clear();
}

std::string AvLogCapture::last_error() {
  return last_line;
}

std::string ffmpeg_says() {
  const std::string line = AvLogCapture::last_error();
  return line.empty() ? std::string() : " (FFmpeg: " + line + ")";
}

}  // namespace linkhub::media
