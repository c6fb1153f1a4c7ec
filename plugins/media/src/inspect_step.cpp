#include "inspect_step.hpp"

#include "av_log_capture.hpp"
#include "frame_reader.hpp"
#include "image_file.hpp"
#include "media_file.hpp"
#include "step_support.hpp"
#include "video_file.hpp"

namespace linkhub::media {

using sdk::Json;

namespace {

// Small frames: only whether the first one decodes matters.
constexpr int kCheckWidth = 64;

Json video_check(const std::string& path, uint64_t bytes, const Interrupt& interrupt) {
  const VideoFile video(path, bytes, interrupt);
  FrameReader reader(video, kCheckWidth);
  if (reader.frames_numbered({0}).empty()) {
    throw MediaError(path + ": no frame of the video decodes (the file is damaged or cut short)");
  }
  const VideoInfo& v = video.info();
  return {{"kind", "video"},
          {"format", v.container},
          {"codec", v.codec},
          {"width", v.display_width},
          {"height", v.display_height},
          {"duration_s", rounded(v.duration_s)},
          {"fps", v.fps > 0 ? Json(rounded(v.fps)) : Json()},
          {"frame_count", v.frame_count},
          {"bytes", bytes}};
}

}  // namespace

Json InspectStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"path",
             {{"type", "string"},
              {"minLength", 1},
              {"description",
               "The file: a path (relative paths are relative to the workflow's folder) or an artifact hash "
               "\"sha256:...\""}}}}},
          {"required", {"path"}},
          {"additionalProperties", false}};
}

Json InspectStep::output_schema() {
  const Json number_or_null = {{"type", {"number", "null"}}};
  return {{"type", "object"},
          {"properties",
           {{"kind", {{"enum", {"video", "image"}}}},
            {"format", {{"type", "string"}, {"description", "jpeg, png, webp, or FFmpeg's demuxer name"}}},
            {"codec", {{"type", "string"}}},
            {"width", {{"type", "integer"}, {"description", "as shown (rotation applied)"}}},
            {"height", {{"type", "integer"}}},
            {"duration_s", {{"type", "number"}}},
            {"fps", number_or_null},
            {"frame_count", {{"type", "integer"}}},
            {"bytes", {{"type", "integer"}}}}},
          {"required", {"kind", "format", "width", "height", "bytes"}}};
}

Json InspectStep::run(sdk::Context& ctx, const Json& input) {
  const std::string path = input_path(ctx, input);
  return with_step_errors([&] {
    AvLogCapture log;
    const uint64_t bytes = check_media_file(path);
    if (auto format = still_image_format(path)) {
      ImageInfo info;
      read_still_image(path, bytes, info);
      return Json{
          {"kind", "image"}, {"format", *format}, {"width", info.width}, {"height", info.height}, {"bytes", bytes}};
    }
    return video_check(path, bytes, interrupt_of(ctx));
  });
}

}  // namespace linkhub::media
