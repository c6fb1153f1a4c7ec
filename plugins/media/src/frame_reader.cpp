#include "frame_reader.hpp"

#include "av_log_capture.hpp"
#include "ffmpeg.hpp"
#include "rotation.hpp"

#include <algorithm>
#include <cmath>

namespace linkhub::media {
namespace {

// How far frame_at() decodes on from where it stopped before it prefers a
// seek, when the index cannot say where the next keyframe is.
constexpr double kContinueWithoutIndexS = 1.0;
// Packets read after a seek while looking for a keyframe before giving up.
constexpr int kMaxPacketsToKeyframe = 1000;

bool is_full_range(const AVFrame* frame) {
  switch (frame->format) {
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUVJ444P:
    case AV_PIX_FMT_YUVJ440P:
      return true;
    default:
      return frame->color_range == AVCOL_RANGE_JPEG;
  }
}

int yuv_matrix(const AVFrame* frame) {
  switch (frame->colorspace) {
    case AVCOL_SPC_BT709:
      return SWS_CS_ITU709;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL:
      return SWS_CS_BT2020;
    case AVCOL_SPC_SMPTE170M:
    case AVCOL_SPC_BT470BG:
      return SWS_CS_ITU601;
    default:
      // Untagged: the usual convention is BT.709 for HD, BT.601 below.
      return frame->height >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601;
  }
}

bool is_damaged(const AVFrame* frame) {
  return (frame->flags & AV_FRAME_FLAG_CORRUPT) != 0 || frame->decode_error_flags != 0;
}

}  // namespace

struct FrameReader::State {
  const VideoFile& file;
  AVFormatContext* format;
  AVStream* stream;
  int width;
  int64_t start_pts;
  CodecContextPtr codec;
  PacketPtr packet{av_packet_alloc()};
  FramePtr frame{av_frame_alloc()};
  FramePtr last{av_frame_alloc()};  // the latest decoded frame, for "past the end"
  SwsContext* sws = nullptr;
  // frame_at() left the decoder mid-stream, just after last_pts.
  bool positioned = false;
  int64_t last_pts = AV_NOPTS_VALUE;

  State(const VideoFile& f, int w)
      : file(f),
        format(f.format()),
        stream(f.stream()),
        width(w),
        start_pts(f.stream()->start_time != AV_NOPTS_VALUE ? f.stream()->start_time : 0) {}
  ~State() { sws_freeContext(sws); }

  int64_t to_pts(double seconds) const {
    return start_pts + static_cast<int64_t>(std::llround(seconds / av_q2d(stream->time_base)));
  }
  double to_seconds(int64_t pts) const { return static_cast<double>(pts - start_pts) * av_q2d(stream->time_base); }

  void check() const { file.interrupt().check("decoding " + quoted(file.info().path)); }

  // The next packet of our stream into `packet`; false at the end or on a read error.
  bool read_packet() {
    while (true) {
      av_packet_unref(packet.get());
      const int rc = av_read_frame(format, packet.get());
      if (rc < 0) {
        check();  // an interrupted read looks like an error
        return false;
      }
      if (packet->stream_index == stream->index) {
        return true;
      }
    }
  }

  // BGR in display orientation, `width` wide at most.
  DecodedFrame convert(const AVFrame* f) {
    const VideoInfo& info = file.info();
    const double aspect = f->sample_aspect_ratio.num > 0 && f->sample_aspect_ratio.den > 0
                              ? av_q2d(f->sample_aspect_ratio)
                              : info.pixel_aspect;
    const int shown_width = std::max(1, static_cast<int>(std::lround(f->width * aspect)));
    const bool quarter_turn = info.rotation == 90 || info.rotation == 270;
    const int display_w = quarter_turn ? f->height : shown_width;
    const int display_h = quarter_turn ? shown_width : f->height;
    const int out_w = std::min(width, display_w);
    const int out_h = std::max(1, static_cast<int>(std::lround(static_cast<double>(display_h) * out_w / display_w)));
    const int scaled_w = quarter_turn ? out_h : out_w;
    const int scaled_h = quarter_turn ? out_w : out_h;

    const bool shrinking = scaled_w <= f->width && scaled_h <= f->height;
    sws = sws_getCachedContext(sws, f->width, f->height, static_cast<AVPixelFormat>(f->format), scaled_w, scaled_h,
                               AV_PIX_FMT_BGR24, shrinking ? SWS_AREA : SWS_BICUBIC, nullptr, nullptr, nullptr);
    if (sws == nullptr) {
      const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(f->format));
      throw MediaError(quoted(info.path) + ": frames in pixel format " + (name != nullptr ? name : "unknown") +
                       " cannot be converted to BGR");
    }
    // Fails (harmlessly) for RGB sources, which have no YUV matrix.
    sws_setColorspaceDetails(sws, sws_getCoefficients(yuv_matrix(f)), is_full_range(f) ? 1 : 0,
                             sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
    // swscale's SIMD paths write whole vectors, past the end of a row (and of
    // the last row) when the width is not a multiple of them: convert into an
    // aligned stride with a spare row, then keep only the pixels.
    const int stride = (scaled_w * 3 + 63) / 64 * 64;
    cv::Mat padded(scaled_h + 1, stride, CV_8UC1);
    uint8_t* planes[4] = {padded.data, nullptr, nullptr, nullptr};
    int strides[4] = {stride, 0, 0, 0};
    sws_scale(sws, f->data, f->linesize, 0, f->height, planes, strides);
    const cv::Mat bgr = cv::Mat(scaled_h, scaled_w, CV_8UC3, padded.data, static_cast<size_t>(stride)).clone();

    DecodedFrame out;
    out.image = rotate_clockwise(bgr, info.rotation);
    const int64_t pts = f->best_effort_timestamp != AV_NOPTS_VALUE ? f->best_effort_timestamp : f->pts;
    out.timestamp_s = pts != AV_NOPTS_VALUE ? std::max(0.0, to_seconds(pts)) : 0.0;
    out.frame_index = std::llround(out.timestamp_s * info.fps);
    out.keyframe = f->key_frame != 0;
    return out;
  }

  void remember(const AVFrame* f) {
    av_frame_unref(last.get());
    av_frame_ref(last.get(), f);
  }

  // Seeks to the last keyframe at or before `pts`; false when the container cannot.
  bool seek_before(int64_t pts) {
    positioned = false;
    av_frame_unref(last.get());
    const int rc = av_seek_frame(format, stream->index, pts, AVSEEK_FLAG_BACKWARD);
    avcodec_flush_buffers(codec.get());
    if (rc < 0) {
      check();
      return false;
    }
    return true;
  }

  // Whether decoding on from last_pts reaches `target` without passing a keyframe we could seek to.
  bool can_continue_to(int64_t target) const {
    if (!positioned || last_pts == AV_NOPTS_VALUE || last_pts >= target) {
      return false;
    }
    const int i = av_index_search_timestamp(stream, target, AVSEEK_FLAG_BACKWARD);
    if (i < 0) {
      return to_seconds(target) - to_seconds(last_pts) <= kContinueWithoutIndexS;
    }
    const AVIndexEntry* entry = avformat_index_get_entry(stream, i);
    return entry != nullptr && entry->timestamp <= last_pts;
  }
};

FrameReader::FrameReader(const VideoFile& file, int width) : s_(std::make_unique<State>(file, std::max(1, width))) {
  const AVCodecParameters* par = file.stream()->codecpar;
  const AVCodec* decoder = avcodec_find_decoder(par->codec_id);
  if (decoder == nullptr) {
    throw MediaError(quoted(file.info().path) + " uses the " + file.info().codec +
                     " codec, which this FFmpeg build cannot decode");
  }
  s_->codec.reset(avcodec_alloc_context3(decoder));
  if (!s_->codec || !s_->packet || !s_->frame || !s_->last) {
    throw std::bad_alloc();
  }
  int rc = avcodec_parameters_to_context(s_->codec.get(), par);
  // One thread: a seek decodes one or a few frames, where frame threads only add delay.
  s_->codec->thread_count = 1;
  s_->codec->pkt_timebase = file.stream()->time_base;
  if (rc >= 0) {
    rc = avcodec_open2(s_->codec.get(), decoder, nullptr);
  }
  if (rc < 0) {
    throw MediaError(quoted(file.info().path) + ": the " + file.info().codec +
                     " decoder cannot start: " + av_error_text(rc) + ffmpeg_says());
  }
}

FrameReader::~FrameReader() = default;

std::optional<DecodedFrame> FrameReader::keyframe_between(double from_s, double until_s) {
  State& s = *s_;
  const int64_t from = s.to_pts(from_s);
  const int64_t until = s.to_pts(until_s);
  s.codec->skip_frame = AVDISCARD_DEFAULT;
  if (!s.seek_before(until)) {
    return std::nullopt;
  }
  for (int n = 0; n < kMaxPacketsToKeyframe; ++n) {
    s.check();
    if (!s.read_packet()) {
      return std::nullopt;
    }
    if ((s.packet->flags & AV_PKT_FLAG_KEY) == 0) {
      continue;  // a container that seeks to any packet: wait for the keyframe
    }
    const int64_t pts = s.packet->pts != AV_NOPTS_VALUE ? s.packet->pts : s.packet->dts;
    if (pts != AV_NOPTS_VALUE && (pts < from || pts > until)) {
      return std::nullopt;  // the keyframe before `until` is before `from`: none in range, nothing decoded
    }
    // The keyframe alone, then drain: the decoder gives it back without waiting for more.
    std::optional<DecodedFrame> out;
    if (avcodec_send_packet(s.codec.get(), s.packet.get()) >= 0 && avcodec_send_packet(s.codec.get(), nullptr) >= 0) {
      while (avcodec_receive_frame(s.codec.get(), s.frame.get()) >= 0) {
        ++frames_decoded_;
        if (!out && !is_damaged(s.frame.get())) {
          out = s.convert(s.frame.get());
        }
        av_frame_unref(s.frame.get());
      }
    }
    avcodec_flush_buffers(s.codec.get());
    return out;
  }
  return std::nullopt;
}

std::optional<DecodedFrame> FrameReader::frame_at(double at_s) {
  State& s = *s_;
  const int64_t target = s.to_pts(std::max(0.0, at_s));
  // Nothing depends on non-reference frames, so skipping them is free; they
  // are also the lowest-quality frames of a stream.
  s.codec->skip_frame = AVDISCARD_NONREF;
  if (!s.can_continue_to(target) && !s.seek_before(target)) {
    throw SeekFailed(quoted(s.file.info().path) + " cannot seek");
  }
  s.positioned = true;
  bool draining = false;
  while (true) {
    s.check();
    const int rc = avcodec_receive_frame(s.codec.get(), s.frame.get());
    if (rc >= 0) {
      ++frames_decoded_;
      const AVFrame* f = s.frame.get();
      const int64_t pts = f->best_effort_timestamp;
      if (!is_damaged(f)) {
        s.remember(f);
        if (pts != AV_NOPTS_VALUE) {
          s.last_pts = pts;
          if (pts >= target) {
            DecodedFrame out = s.convert(f);
            av_frame_unref(s.frame.get());
            return out;
          }
        }
      }
      av_frame_unref(s.frame.get());
      continue;
    }
    if (rc == AVERROR(EAGAIN) && !draining) {
      if (s.read_packet()) {
        avcodec_send_packet(s.codec.get(), s.packet.get());  // a damaged packet is skipped
      } else {
        avcodec_send_packet(s.codec.get(), nullptr);
        draining = true;
      }
      continue;
    }
    // The end of the stream (or a decoder that gave up): the last frame, if any.
    s.positioned = false;
    std::optional<DecodedFrame> out;
    if (s.last->data[0] != nullptr) {
      out = s.convert(s.last.get());
    }
    avcodec_flush_buffers(s.codec.get());
    return out;
  }
}

std::vector<DecodedFrame> FrameReader::frames_numbered(const std::vector<int64_t>& numbers) {
  State& s = *s_;
  s.codec->skip_frame = AVDISCARD_DEFAULT;  // every frame counts
  s.positioned = false;
  std::vector<DecodedFrame> out;
  const double fps = s.file.info().fps;
  size_t next = 0;
  int64_t number = 0;
  bool draining = false;
  const auto take = [&](const AVFrame* f, int64_t n) {
    DecodedFrame d = s.convert(f);
    d.frame_index = n;
    d.timestamp_s = fps > 0 ? static_cast<double>(n) / fps : d.timestamp_s;
    out.push_back(std::move(d));
  };
  int64_t last_number = -1;
  while (next < numbers.size()) {
    s.check();
    const int rc = avcodec_receive_frame(s.codec.get(), s.frame.get());
    if (rc >= 0) {
      ++frames_decoded_;
      if (!is_damaged(s.frame.get())) {
        if (number == numbers[next]) {
          take(s.frame.get(), number);
          while (next < numbers.size() && numbers[next] <= number) {
            ++next;
          }
        } else {
          s.remember(s.frame.get());
          last_number = number;
        }
        ++number;
      }
      av_frame_unref(s.frame.get());
      continue;
    }
    if (rc == AVERROR(EAGAIN) && !draining) {
      if (s.read_packet()) {
        avcodec_send_packet(s.codec.get(), s.packet.get());
      } else {
        avcodec_send_packet(s.codec.get(), nullptr);
        draining = true;
      }
      continue;
    }
    break;
  }
  if (next < numbers.size() && s.last->data[0] != nullptr && (out.empty() || out.back().frame_index < last_number)) {
    take(s.last.get(), last_number);
  }
  avcodec_flush_buffers(s.codec.get());
  return out;
}

}  // namespace linkhub::media
