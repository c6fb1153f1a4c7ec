#pragma once
// Opens a video file with FFmpeg's libavformat, in process, and describes it.
//
// Only the file protocol is allowed (a path such as "http://..." or
// "concat:..." is a file name, not a URL), and only video containers: images,
// audio formats, playlists and text are refused with a message before their
// demuxer runs. Blocking reads poll the Interrupt.

#include "media_error.hpp"

#include <cstdint>
#include <memory>
#include <string>

struct AVFormatContext;
struct AVStream;

namespace linkhub::media {

struct VideoInfo {
  std::string path;
  uint64_t bytes = 0;
  std::string container;            // FFmpeg's demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
  std::string container_long_name;  // "QuickTime / MOV"
  double duration_s = 0;
  // True when the container states no duration and it was worked out by
  // reading every packet (duration_source "packet_scan").
  bool duration_estimated = false;
  std::string duration_source;  // "container", "stream" or "packet_scan"
  double fps = 0;               // average frame rate, 0 when unknown
  int64_t frame_count = 0;
  bool frame_count_estimated = false;  // duration x fps, when neither the container nor a scan counted them
  int width = 0;                       // as stored (coded), before pixel aspect and rotation
  int height = 0;
  double pixel_aspect = 1;  // sample aspect ratio; 1 for square pixels
  int rotation = 0;         // degrees clockwise for display: 0, 90, 180, 270
  int display_width = 0;    // as shown: pixel aspect applied, then rotation
  int display_height = 0;
  std::string codec;            // "h264"
  std::string codec_long_name;  // "H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10"
  std::string fourcc;           // "avc1"; empty when the container has no tag (Matroska)
  std::string pixel_format;     // "yuv420p"; empty when unknown
  bool has_alpha = false;       // an alpha channel is stored (it is not used for thumbnails)
  int64_t bit_rate = 0;         // bits per second over the whole file, 0 when unknown
  bool has_audio = false;
  std::string audio_codec;  // first audio stream's codec, empty without audio
  double start_time_s = 0;  // the video stream's first timestamp
};

class VideoFile {
 public:
  // Opens and probes `path` (already checked with check_media_file).
  // Throws MediaError naming the file when it is not a readable video,
  // Interrupted / OutOfTime when the interrupt says stop.
  VideoFile(const std::string& path, uint64_t bytes, const Interrupt& interrupt);
  ~VideoFile();
  VideoFile(const VideoFile&) = delete;
  VideoFile& operator=(const VideoFile&) = delete;

  const VideoInfo& info() const { return info_; }
  AVFormatContext* format() const;
  AVStream* stream() const;
  const Interrupt& interrupt() const;

  struct Input;

 private:
  std::unique_ptr<Input> input_;
  int stream_index_ = -1;
  VideoInfo info_;
};

}  // namespace linkhub::media
