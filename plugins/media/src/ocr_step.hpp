#pragma once
// media.ocr: the text shown on a video's best frames (or on a still image),
// read with Tesseract after OpenCV finds and binarises the text regions.

#include <linkhub/plugin.hpp>

namespace linkhub::media {

class OcrStep : public sdk::Step {
 public:
  static constexpr const char* name = "ocr";
  static constexpr const char* description =
      "Reads the text on screen: picks a video's sharpest distinct frames (as media.thumbnails does; a still image "
      "is one frame), finds the text regions with OpenCV and reads them with Tesseract in the given languages. "
      "Gives each frame's words with their confidence and box, and the text joined; words Tesseract is not sure "
      "of are dropped, so a frame without writing gives nothing.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::media
