#pragma once
// Decodes chosen frames of a VideoFile with libavcodec, single-threaded, and
// hands them out as BGR images in display orientation at a working width.
//
// Three ways in, cheapest first:
//   keyframe_between(): one seek and exactly one decoded frame (the keyframe
//     packet is sent alone and the decoder drained), or none decoded when the
//     range holds no keyframe.
//   frame_at(): decodes forward from the keyframe before a time (skipping
//     non-reference frames, which nothing depends on) to the first frame at or
//     after it; continues from the previous call instead of seeking when that
//     is on the way.
//   frames_numbered(): for streams that cannot seek, reads from the start once.
//
// We decode with libavcodec rather than OpenCV's VideoCapture because its
// seeks are frame-accurate: every seek decodes from the previous keyframe
// (seconds for a 60 s 720p clip with 8 s keyframe intervals, see README).

#include "media_error.hpp"
#include "video_file.hpp"

#include <opencv2/core.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

namespace linkhub::media {

struct DecodedFrame {
  cv::Mat image;            // BGR, display orientation (rotation applied)
  double timestamp_s = 0;   // presentation time from the start of the stream
  int64_t frame_index = 0;  // timestamp x fps, rounded; counted frames when read from the start
  bool keyframe = false;
};

// The container cannot seek (frame_at only; keyframe_between just finds nothing).
class SeekFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class FrameReader {
 public:
  // Frames come out `width` pixels wide in display orientation, or the
  // video's own display width when that is smaller (never upscaled), with the
  // display aspect kept. Throws MediaError when the codec cannot be decoded.
  FrameReader(const VideoFile& file, int width);
  ~FrameReader();
  FrameReader(const FrameReader&) = delete;
  FrameReader& operator=(const FrameReader&) = delete;

  // The last keyframe at or before until_s, when it is at or after from_s.
  std::optional<DecodedFrame> keyframe_between(double from_s, double until_s);
  // The first decodable frame at or after at_s; at the end of the stream, the
  // last one. Throws SeekFailed when the container cannot seek.
  std::optional<DecodedFrame> frame_at(double at_s);
  // The frames with these 0-based numbers (ascending) in presentation order,
  // reading from the current position (a freshly opened file: the start).
  // Numbers past the end give the last frame, once.
  std::vector<DecodedFrame> frames_numbered(const std::vector<int64_t>& numbers);

  // Frames the decoder produced so far: what the work cost.
  int64_t frames_decoded() const { return frames_decoded_; }

 private:
  struct State;
  std::unique_ptr<State> s_;
  int64_t frames_decoded_ = 0;
};

}  // namespace linkhub::media
