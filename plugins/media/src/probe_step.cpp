#include "probe_step.hpp"

#include "av_log_capture.hpp"
#include "media_file.hpp"
#include "step_support.hpp"
#include "video_file.hpp"

namespace linkhub::media {

using sdk::Json;

Json ProbeStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"path",
             {{"type", "string"},
              {"minLength", 1},
              {"description",
               "The video: a file path (relative paths are relative to the workflow's folder) or an artifact "
               "hash \"sha256:...\""}}}}},
          {"required", {"path"}},
          {"additionalProperties", false}};
}

Json ProbeStep::output_schema() {
  return video_schema();
}

Json ProbeStep::run(sdk::Context& ctx, const Json& input) {
  const std::string path = input_path(ctx, input);
  return with_step_errors([&] {
    AvLogCapture log;
    const uint64_t bytes = check_media_file(path);
    const VideoFile video(path, bytes, interrupt_of(ctx));
    return video_json(video.info());
  });
}

}  // namespace linkhub::media
