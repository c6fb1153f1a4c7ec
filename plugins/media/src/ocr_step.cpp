#include "ocr_step.hpp"

#include "av_log_capture.hpp"
#include "frame_picker.hpp"
#include "image_file.hpp"
#include "media_file.hpp"
#include "ocr_engine.hpp"
#include "step_support.hpp"
#include "video_file.hpp"

#include <set>

namespace linkhub::media {
namespace {

using sdk::Json;

constexpr int kMaxFrames = 10;
constexpr int kMaxCandidates = 60;
// Frames are decoded this wide at most: 720p stays as it is, 1080p loses little legibility.
constexpr int kFrameWidth = 1280;

struct Options {
  OcrOptions ocr;
  int count = 3;
  int candidates = 12;
};

// `languages` from the input, else `ocr_languages` from the plugin's config, else English.
std::vector<std::string> languages_of(const sdk::Context& ctx, const Json& input) {
  Json value = input.contains("languages") ? input["languages"] : Json();
  const char* where = "'languages'";
  bool from_config = false;
  if (value.is_null()) {
    const Json config = ctx.plugin_config();
    if (config.is_object() && config.contains("ocr_languages")) {
      value = config["ocr_languages"];
      where = "plugins.media.ocr_languages in the config";
      from_config = true;
    }
  }
  if (value.is_null()) {
    return {"eng"};
  }
  // The config may come from LINKHUB_PLUGIN_MEDIA_OCR_LANGUAGES=eng,por: a string.
  if (value.is_string() && from_config) {
    std::vector<std::string> languages;
    std::string code;
    for (const char c : value.get<std::string>() + ",") {
      if (c == ',' || c == '+' || c == ' ') {
        if (!code.empty()) {
          languages.push_back(code);
        }
        code.clear();
      } else {
        code += c;
      }
    }
    return languages;
  }
  if (!value.is_array()) {
    throw sdk::StepError(std::string(where) +
                         " must be a list of Tesseract language codes such as [\"eng\", "
                         "\"por\"], found " +
                         value.dump());
  }
  std::vector<std::string> languages;
  for (const Json& l : value) {
    if (!l.is_string()) {
      throw sdk::StepError(std::string("each of ") + where + " must be a language code string, found " + l.dump());
    }
    languages.push_back(l.get<std::string>());
  }
  return languages;
}

Options options_of(const sdk::Context& ctx, const Json& input) {
  Options o;
  o.count = int_input(input, "count", 3, 1, kMaxFrames);
  o.candidates = int_input(input, "candidates", 12, 1, kMaxCandidates);
  o.ocr.min_confidence = int_input(input, "min_confidence", 60, 0, 100);
  o.ocr.languages = languages_of(ctx, input);
  return o;
}

Json box_json(const cv::Rect& r) {
  return {{"x", r.x}, {"y", r.y}, {"width", r.width}, {"height", r.height}};
}

Json frame_json(const OcrResult& result, int rank, double timestamp_s, int64_t frame_index) {
  Json words = Json::array();
  int line_number = 0;
  for (const OcrLine& line : result.lines) {
    for (const OcrWord& w : line.words) {
      words.push_back({{"text", w.text},
                       {"confidence", rounded(w.confidence, 1)},
                       {"box", box_json(w.box)},
                       {"line", line_number}});
    }
    ++line_number;
  }
  return {{"rank", rank},
          {"source_timestamp_s", rounded(timestamp_s)},
          {"frame_index", frame_index},
          {"text", result.text()},
          {"words", words},
          {"regions", result.regions}};
}

// Each distinct line once, in the order the frames (best first) show them:
// a caption on screen for the whole clip is read on every frame.
std::string all_text(const Json& frames) {
  std::set<std::string> seen;
  std::string out;
  for (const Json& f : frames) {
    const std::string text = f.value("text", "");
    size_t start = 0;
    while (start < text.size()) {
      const size_t end = std::min(text.find('\n', start), text.size());
      const std::string line = text.substr(start, end - start);
      if (!line.empty() && seen.insert(line).second) {
        out += (out.empty() ? "" : "\n") + line;
      }
      start = end + 1;
    }
  }
  return out;
}

Json output_of(Json frames, const Options& o, const char* source, int64_t frames_decoded) {
  int64_t words = 0;
  for (const Json& f : frames) {
    words += static_cast<int64_t>(f["words"].size());
  }
  return {{"text", all_text(frames)},
          {"word_count", words},
          {"frames", std::move(frames)},
          {"languages", o.ocr.languages},
          {"min_confidence", o.ocr.min_confidence},
          {"source", source},
          {"frames_decoded", frames_decoded}};
}

}  // namespace

Json OcrStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"path",
             {{"type", "string"},
              {"minLength", 1},
              {"description",
               "The video, or a still image (JPEG, PNG or WebP): a file path (relative paths are relative to the "
               "workflow's folder) or an artifact hash \"sha256:...\""}}},
            {"languages",
             {{"type", "array"},
              {"items", {{"type", "string"}, {"pattern", "^[a-z]{3}(_[a-z]+)?$"}}},
              {"minItems", 1},
              {"maxItems", 4},
              {"description",
               "Tesseract languages to read, as eng, por, spa, ind, vie, fra (each one installed; more are slower). "
               "Default: plugins.media.ocr_languages from the config, else [\"eng\"]"}}},
            {"count",
             {{"type", "integer"},
              {"minimum", 1},
              {"maximum", kMaxFrames},
              {"default", 3},
              {"description", "How many of the video's best distinct frames to read"}}},
            {"candidates",
             {{"type", "integer"},
              {"minimum", 1},
              {"maximum", kMaxCandidates},
              {"default", 12},
              {"description", "Slices of the video to sample a frame from (as media.thumbnails)"}}},
            {"min_confidence",
             {{"type", "integer"},
              {"minimum", 0},
              {"maximum", 100},
              {"default", 60},
              {"description", "Words Tesseract is less sure of (0-100) are dropped"}}}}},
          {"required", {"path"}},
          {"additionalProperties", false}};
}

Json OcrStep::output_schema() {
  const Json box = {{"type", "object"},
                    {"properties",
                     {{"x", {{"type", "integer"}}},
                      {"y", {{"type", "integer"}}},
                      {"width", {{"type", "integer"}}},
                      {"height", {{"type", "integer"}}}}},
                    {"required", {"x", "y", "width", "height"}}};
  const Json word = {
      {"type", "object"},
      {"properties",
       {{"text", {{"type", "string"}}},
        {"confidence", {{"type", "number"}, {"description", "0-100, Tesseract's"}}},
        {"box", box},
        {"line",
         {{"type", "integer"}, {"description", "which line of the frame's text the word is on, from 0 (top)"}}}}},
      {"required", {"text", "confidence", "box", "line"}}};
  const Json frame = {
      {"type", "object"},
      {"properties",
       {{"rank", {{"type", "integer"}}},
        {"source_timestamp_s", {{"type", "number"}}},
        {"frame_index", {{"type", "integer"}}},
        {"text", {{"type", "string"}, {"description", "the frame's lines, top to bottom, joined by newlines"}}},
        {"words", {{"type", "array"}, {"items", word}, {"description", "boxes in the frame's pixels as shown"}}},
        {"regions", {{"type", "integer"}, {"description", "text regions found and read"}}}}},
      {"required", {"rank", "source_timestamp_s", "frame_index", "text", "words", "regions"}}};
  return {{"type", "object"},
          {"properties",
           {{"text",
             {{"type", "string"},
              {"description", "every distinct line of every frame, best frame first; empty when no text was read"}}},
            {"word_count", {{"type", "integer"}}},
            {"frames", {{"type", "array"}, {"items", frame}, {"description", "the frames read, best first"}}},
            {"languages", {{"type", "array"}, {"items", {{"type", "string"}}}}},
            {"min_confidence", {{"type", "number"}}},
            {"source", {{"enum", {"video", "image"}}}},
            {"frames_decoded", {{"type", "integer"}}}}},
          {"required", {"text", "word_count", "frames", "languages", "source"}}};
}

Json OcrStep::run(sdk::Context& ctx, const Json& input) {
  const std::string path = input_path(ctx, input);
  return with_step_errors([&] {
    const Options o = options_of(ctx, input);
    check_languages(o.ocr.languages);
    AvLogCapture log;
    const Interrupt interrupt = interrupt_of(ctx);
    const uint64_t bytes = check_media_file(path);
    if (still_image_format(path)) {
      ImageInfo info;
      const cv::Mat image = read_still_image(path, bytes, info);
      Json frames = Json::array({frame_json(read_text(image, o.ocr, interrupt), 1, 0, 0)});
      return output_of(std::move(frames), o, "image", 1);
    }
    const VideoFile video(path, bytes, interrupt);
    PickOptions pick_options;
    pick_options.count = o.count;
    pick_options.candidates = o.candidates;
    pick_options.width = kFrameWidth;
    const Pick pick = pick_frames(video, pick_options);
    Json frames = Json::array();
    for (size_t rank = 0; rank < pick.chosen.size(); ++rank) {
      const DecodedFrame& f = pick.candidates[pick.chosen[rank]].frame;
      frames.push_back(
          frame_json(read_text(f.image, o.ocr, interrupt), static_cast<int>(rank) + 1, f.timestamp_s, f.frame_index));
    }
    return output_of(std::move(frames), o, "video", pick.frames_decoded);
  });
}

}  // namespace linkhub::media
