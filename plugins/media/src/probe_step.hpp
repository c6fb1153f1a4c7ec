#pragma once
// media.probe: what a video file is (duration, frame rate, size, rotation,
// codec, audio, container), read in process with libavformat.

#include <linkhub/plugin.hpp>

namespace linkhub::media {

class ProbeStep : public sdk::Step {
 public:
  static constexpr const char* name = "probe";
  static constexpr const char* description =
      "Describes a video file: duration (estimated from its packets when the container states none), frame rate, "
      "frame count, size, rotation, codec, audio, container and size in bytes.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::media
