#pragma once
// media.thumbnails: the best few frames of a video as JPEG and WebP images
// in the artifact store, found by seeking rather than decoding everything.

#include <linkhub/plugin.hpp>

namespace linkhub::media {

class ThumbnailsStep : public sdk::Step {
 public:
  static constexpr const char* name = "thumbnails";
  static constexpr const char* description =
      "Picks the sharpest, best exposed, distinct frames of a video (seeking to keyframes, never decoding it all) "
      "and stores each in the requested widths as JPEG and WebP artifacts.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::media
