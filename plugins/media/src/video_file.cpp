#include "video_file.hpp"

#include "av_log_capture.hpp"
#include "ffmpeg.hpp"
#include "rotation.hpp"

#include <cmath>
#include <set>
#include <string_view>

namespace linkhub::media {

// One open file: our AVIOContext (so the protocol is fixed to "file" before
// any probing) and the demuxer on top of it.
struct VideoFile::Input {
  Interrupt interrupt;
  AVIOInterruptCB callback{};
  AVIOContext* io = nullptr;
  AVFormatContext* format = nullptr;
  AvLogCapture log;

  ~Input() {
    avformat_close_input(&format);  // leaves our io open: it is custom I/O to libavformat
    avio_closep(&io);
  }
};

namespace {

int interrupt_callback(void* opaque) {
  return static_cast<const Interrupt*>(opaque)->should_stop() ? 1 : 0;
}

// Demuxers of video containers and elementary video streams. Anything else
// (images, audio-only formats, playlists that open other files, text) is refused.
bool is_video_demuxer(std::string_view names) {
  static const std::set<std::string_view> allowed = {
      "mov",  "mp4",  "m4a", "3gp",       "3g2", "mj2", "matroska", "webm", "avi", "flv", "asf", "mpegts", "mpeg",
      "h264", "hevc", "m4v", "mpegvideo", "ogg", "ivf", "obu",      "nut",  "mxf", "dv",  "rm",  "vc1",    "wtv"};
  size_t start = 0;
  while (start <= names.size()) {
    const size_t comma = std::min(names.find(',', start), names.size());
    if (allowed.count(names.substr(start, comma - start)) != 0) {
      return true;
    }
    start = comma + 1;
  }
  return false;
}

bool is_image_demuxer(std::string_view name) {
  return name == "image2" || name == "gif" || name == "webp" ||
         (name.size() > 5 && name.substr(name.size() - 5) == "_pipe");
}

std::string demuxer_text(const AVInputFormat* format) {
  std::string text = format->name;
  if (format->long_name != nullptr) {
    text += ": " + std::string(format->long_name);
  }
  return text;
}

std::unique_ptr<VideoFile::Input> open_input(const std::string& path, const Interrupt& interrupt) {
  auto in = std::make_unique<VideoFile::Input>();
  in->interrupt = interrupt;
  in->callback = AVIOInterruptCB{&interrupt_callback, &in->interrupt};
  AvLogCapture::clear();

  AVDictionary* options = nullptr;
  av_dict_set(&options, "protocol_whitelist", "file", 0);
  int rc = avio_open2(&in->io, ("file:" + path).c_str(), AVIO_FLAG_READ, &in->callback, &options);
  av_dict_free(&options);
  if (rc < 0) {
    interrupt.check("opening " + quoted(path));
    throw MediaError(quoted(path) + " cannot be opened: " + av_error_text(rc));
  }

  const AVInputFormat* format = nullptr;
  rc = av_probe_input_buffer2(in->io, &format, path.c_str(), nullptr, 0, 0);
  if (rc < 0 || format == nullptr) {
    interrupt.check("reading " + quoted(path));
    throw MediaError(quoted(path) + " is not a video: FFmpeg does not recognise its format");
  }
  if (is_image_demuxer(format->name)) {
    throw MediaError(quoted(path) + " is not a video: it is an image (" + demuxer_text(format) + ")");
  }
  if (!is_video_demuxer(format->name)) {
    throw MediaError(quoted(path) + " is not a video: FFmpeg reads it as " + demuxer_text(format) +
                     ", which is not a video format");
  }

  in->format = avformat_alloc_context();
  if (in->format == nullptr) {
    throw std::bad_alloc();
  }
  in->format->pb = in->io;
  in->format->interrupt_callback = in->callback;
  av_dict_set(&options, "protocol_whitelist", "file", 0);
  rc = avformat_open_input(&in->format, path.c_str(), format, &options);  // frees format on failure
  av_dict_free(&options);
  if (rc < 0) {
    interrupt.check("reading " + quoted(path));
    throw MediaError(quoted(path) + " is not a readable " + format->name + " file: " + av_error_text(rc) +
                     ffmpeg_says() + "; it may be truncated or corrupt");
  }
  rc = avformat_find_stream_info(in->format, nullptr);
  if (rc < 0) {
    interrupt.check("reading " + quoted(path));
    throw MediaError(quoted(path) + " cannot be read: " + av_error_text(rc) + ffmpeg_says() +
                     "; it may be truncated or corrupt");
  }
  return in;
}

// The main video stream: the largest picture that is not cover art.
int find_video_stream(const AVFormatContext* format) {
  int best = -1;
  int64_t best_area = -1;
  for (unsigned i = 0; i < format->nb_streams; ++i) {
    const AVStream* st = format->streams[i];
    if (st->codecpar->codec_type != AVMEDIA_TYPE_VIDEO || (st->disposition & AV_DISPOSITION_ATTACHED_PIC) != 0) {
      continue;
    }
    const int64_t area = int64_t{st->codecpar->width} * st->codecpar->height;
    if (area > best_area) {
      best = static_cast<int>(i);
      best_area = area;
    }
  }
  return best;
}

std::string no_video_message(const std::string& path, const AVFormatContext* format) {
  std::string audio;
  bool cover = false;
  for (unsigned i = 0; i < format->nb_streams; ++i) {
    const AVCodecParameters* p = format->streams[i]->codecpar;
    if (p->codec_type == AVMEDIA_TYPE_AUDIO && audio.empty()) {
      audio = avcodec_get_name(p->codec_id);
    }
    cover = cover || (format->streams[i]->disposition & AV_DISPOSITION_ATTACHED_PIC) != 0;
  }
  if (!audio.empty()) {
    return quoted(path) + " has no video stream: it holds audio only (" + audio + ")" +
           (cover ? " with a cover picture" : "");
  }
  return quoted(path) + " has no video stream";
}

double seconds(int64_t ts, AVRational time_base) {
  return static_cast<double>(ts) * av_q2d(time_base);
}

struct PacketScan {
  int64_t packets = 0;
  double duration_s = 0;
};

// Demuxes (does not decode) every packet of the stream: for files whose
// container states no duration, such as raw .h264 streams or live Matroska.
PacketScan scan_packets(const std::string& path, int stream_index, double fps, const Interrupt& interrupt) {
  auto in = open_input(path, interrupt);
  const AVRational tb = in->format->streams[stream_index]->time_base;
  PacketPtr packet(av_packet_alloc());
  PacketScan scan;
  int64_t first = AV_NOPTS_VALUE;
  int64_t end = AV_NOPTS_VALUE;
  int rc = 0;
  while ((rc = av_read_frame(in->format, packet.get())) >= 0) {
    if (packet->stream_index == stream_index) {
      ++scan.packets;
      if (packet->pts != AV_NOPTS_VALUE) {
        first = first == AV_NOPTS_VALUE ? packet->pts : std::min(first, packet->pts);
        end = std::max(end == AV_NOPTS_VALUE ? packet->pts : end, packet->pts + std::max<int64_t>(packet->duration, 0));
      }
    }
    av_packet_unref(packet.get());
    interrupt.check("reading " + quoted(path));
  }
  if (rc != AVERROR_EOF) {
    interrupt.check("reading " + quoted(path));
  }
  if (first != AV_NOPTS_VALUE && end > first) {
    scan.duration_s = seconds(end - first, tb);
  } else if (fps > 0) {
    scan.duration_s = static_cast<double>(scan.packets) / fps;
  }
  return scan;
}

double frame_rate(const AVStream* st) {
  for (AVRational r : {st->avg_frame_rate, st->r_frame_rate}) {
    if (r.num > 0 && r.den > 0) {
      return av_q2d(r);
    }
  }
  return 0;
}

std::string fourcc_text(uint32_t tag) {
  std::string text;
  for (int i = 0; i < 4; ++i) {
    const char c = static_cast<char>((tag >> (8 * i)) & 0xff);
    if (c < 0x20 || c > 0x7e) {
      return {};
    }
    text += c;
  }
  return text;
}

}  // namespace

VideoFile::VideoFile(const std::string& path, uint64_t bytes, const Interrupt& interrupt)
    : input_(open_input(path, interrupt)) {
  AVFormatContext* format = input_->format;
  stream_index_ = find_video_stream(format);
  if (stream_index_ < 0) {
    throw MediaError(no_video_message(path, format));
  }
  const AVStream* st = format->streams[stream_index_];
  const AVCodecParameters* par = st->codecpar;
  if (par->width <= 0 || par->height <= 0) {
    throw MediaError(quoted(path) + " has a video stream (" + avcodec_get_name(par->codec_id) +
                     ") whose picture size cannot be read" + ffmpeg_says() + "; it may be truncated or corrupt");
  }

  VideoInfo& v = info_;
  v.path = path;
  v.bytes = bytes;
  v.container = format->iformat->name;
  v.container_long_name = format->iformat->long_name != nullptr ? format->iformat->long_name : "";
  v.fps = frame_rate(st);
  v.width = par->width;
  v.height = par->height;
  v.codec = avcodec_get_name(par->codec_id);
  if (const AVCodecDescriptor* d = avcodec_descriptor_get(par->codec_id); d != nullptr && d->long_name != nullptr) {
    v.codec_long_name = d->long_name;
  }
  v.fourcc = fourcc_text(par->codec_tag);
  if (const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(par->format)); name != nullptr) {
    v.pixel_format = name;
  }
  const AVPixFmtDescriptor* pix = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(par->format));
  const AVDictionaryEntry* alpha_mode = av_dict_get(st->metadata, "alpha_mode", nullptr, 0);
  v.has_alpha = (pix != nullptr && (pix->flags & AV_PIX_FMT_FLAG_ALPHA) != 0) ||
                (alpha_mode != nullptr && std::string_view(alpha_mode->value) == "1");
  v.bit_rate = format->bit_rate > 0 ? format->bit_rate : 0;
  for (unsigned i = 0; i < format->nb_streams; ++i) {
    if (format->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO && !v.has_audio) {
      v.has_audio = true;
      v.audio_codec = avcodec_get_name(format->streams[i]->codecpar->codec_id);
    }
  }
  v.start_time_s = st->start_time != AV_NOPTS_VALUE ? seconds(st->start_time, st->time_base) : 0;

  const AVRational sar = av_guess_sample_aspect_ratio(format, const_cast<AVStream*>(st), nullptr);
  v.pixel_aspect = (sar.num > 0 && sar.den > 0) ? av_q2d(sar) : 1.0;
  size_t matrix_size = 0;
  const uint8_t* matrix = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &matrix_size);
  v.rotation =
      clockwise_rotation(matrix_size >= 9 * sizeof(int32_t) ? reinterpret_cast<const int32_t*>(matrix) : nullptr);
  const int shown_width = std::max(1, static_cast<int>(std::lround(v.width * v.pixel_aspect)));
  const bool quarter_turn = v.rotation == 90 || v.rotation == 270;
  v.display_width = quarter_turn ? v.height : shown_width;
  v.display_height = quarter_turn ? shown_width : v.height;

  // A duration guessed from the bit rate can be far off; count packets instead.
  const bool trusted = format->duration_estimation_method != AVFMT_DURATION_FROM_BITRATE;
  if (trusted && format->duration != AV_NOPTS_VALUE && format->duration > 0) {
    v.duration_s = static_cast<double>(format->duration) / AV_TIME_BASE;
    v.duration_source = "container";
  } else if (trusted && st->duration != AV_NOPTS_VALUE && st->duration > 0) {
    v.duration_s = seconds(st->duration, st->time_base);
    v.duration_source = "stream";
  } else {
    const PacketScan scan = scan_packets(path, stream_index_, v.fps, interrupt);
    if (scan.packets == 0) {
      throw MediaError(quoted(path) + " has a video stream without a single frame");
    }
    v.duration_s = scan.duration_s;
    v.duration_estimated = true;
    v.duration_source = "packet_scan";
    v.frame_count = scan.packets;
  }
  if (st->nb_frames > 0) {
    v.frame_count = st->nb_frames;
  } else if (v.frame_count == 0) {
    v.frame_count = std::max<int64_t>(1, std::llround(v.duration_s * v.fps));
    v.frame_count_estimated = true;
  }
}

VideoFile::~VideoFile() = default;

AVFormatContext* VideoFile::format() const {
  return input_->format;
}

AVStream* VideoFile::stream() const {
  return input_->format->streams[stream_index_];
}

const Interrupt& VideoFile::interrupt() const {
  return input_->interrupt;
}

}  // namespace linkhub::media
