#pragma once
// media.inspect: whether a file is a video or a still image we can read, and
// its size (and a video's length), decoded far enough to be sure: a video's
// first frame, a whole image. The server checks uploads with it.

#include <linkhub/plugin.hpp>

namespace linkhub::media {

class InspectStep : public sdk::Step {
 public:
  static constexpr const char* name = "inspect";
  static constexpr const char* description =
      "Checks that a file is a readable video (its first frame decodes) or still image (JPEG, PNG or WebP, "
      "decoded whole) and describes it: kind, format, width and height, and for a video duration, frame rate and "
      "frame count. Anything else fails with invalid_input naming what is wrong.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::media
