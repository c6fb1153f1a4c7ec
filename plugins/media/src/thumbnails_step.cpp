#include "thumbnails_step.hpp"

#include "av_log_capture.hpp"
#include "frame_picker.hpp"
#include "image_file.hpp"
#include "media_file.hpp"
#include "step_support.hpp"
#include "thumbnail_image.hpp"
#include "video_file.hpp"

#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

namespace linkhub::media {
namespace {

namespace fs = std::filesystem;
using sdk::Json;

constexpr int kMaxCount = 20;
constexpr int kMaxCandidates = 60;
constexpr int kMaxWidth = 8192;
constexpr int kMaxWidths = 8;

struct Options {
  int count = 3;
  int candidates = 12;
  std::vector<int> widths;  // ascending, distinct
  std::vector<ImageFormat> formats;
  int jpeg_quality = 85;
  int webp_quality = 80;
};

Options options_of(const Json& input) {
  Options o;
  o.count = int_input(input, "count", 3, 1, kMaxCount);
  o.candidates = int_input(input, "candidates", 12, 1, kMaxCandidates);
  o.jpeg_quality = int_input(input, "jpeg_quality", 85, 1, 100);
  o.webp_quality = int_input(input, "webp_quality", 80, 1, 100);

  const Json widths = input.value("widths", Json{320, 720});
  if (!widths.is_array() || widths.empty() || widths.size() > kMaxWidths) {
    throw sdk::StepError("'widths' must be a list of 1 to " + std::to_string(kMaxWidths) + " widths, found " +
                         widths.dump());
  }
  std::set<int> distinct;
  for (const Json& w : widths) {
    if (!w.is_number_integer() || w.get<int64_t>() < 1 || w.get<int64_t>() > kMaxWidth) {
      throw sdk::StepError("each of 'widths' must be an integer from 1 to " + std::to_string(kMaxWidth) + ", found " +
                           w.dump());
    }
    distinct.insert(w.get<int>());
  }
  o.widths.assign(distinct.begin(), distinct.end());

  const Json formats = input.value("formats", Json{"jpeg", "webp"});
  if (!formats.is_array() || formats.empty()) {
    throw sdk::StepError("'formats' must be a non-empty list of \"jpeg\" and \"webp\", found " + formats.dump());
  }
  for (const Json& f : formats) {
    if (!f.is_string() || (f != "jpeg" && f != "webp")) {
      throw sdk::StepError("each of 'formats' must be \"jpeg\" or \"webp\", found " + f.dump());
    }
    const ImageFormat format = image_format(f.get<std::string>());
    if (std::find(o.formats.begin(), o.formats.end(), format) == o.formats.end()) {
      o.formats.push_back(format);
    }
  }
  return o;
}

// A private scratch folder for the encoded files until the store has them;
// removed however the step ends.
class ScratchDir {
 public:
  explicit ScratchDir(std::string_view artifact_dir) {
    const fs::path base = artifact_dir.empty() ? fs::temp_directory_path() : fs::path(std::string(artifact_dir));
    fs::create_directories(base);
    std::string pattern = (base / ".media-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw sdk::StepError("cannot create a scratch folder in " + base.string() + ": " + std::strerror(errno));
    }
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_file(const fs::path& file, const std::vector<unsigned char>& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    throw sdk::StepError("cannot write " + file.string() + ": " + std::strerror(errno));
  }
}

Json quality_json(const Candidate& c) {
  return {{"source_timestamp_s", rounded(c.frame.timestamp_s)},
          {"frame_index", c.frame.frame_index},
          {"keyframe", c.frame.keyframe},
          {"score", rounded(c.quality.score, 4)},
          {"sharpness", rounded(c.quality.sharpness, 2)},
          {"brightness", rounded(c.quality.brightness, 2)},
          {"contrast", rounded(c.quality.contrast, 2)}};
}

// Every chosen frame in every width (widths clamped to the frame's own
// collapse into one) and format, stored as artifacts; best frame first.
Json store_thumbnails(const sdk::Context& ctx, const Pick& pick, const Options& o) {
  ScratchDir scratch(ctx.artifact_dir());
  Json thumbnails = Json::array();
  for (size_t rank = 0; rank < pick.chosen.size(); ++rank) {
    const Candidate& c = pick.candidates[pick.chosen[rank]];
    std::set<int> done;
    for (int width : o.widths) {
      const cv::Mat image = fit_width(c.frame.image, width);
      if (!done.insert(image.cols).second) {
        continue;
      }
      for (ImageFormat format : o.formats) {
        ctx.throw_if_cancelled();
        const int quality = format == ImageFormat::kJpeg ? o.jpeg_quality : o.webp_quality;
        const fs::path file = scratch.path() / ("frame" + std::to_string(c.frame.frame_index) + "-" +
                                                std::to_string(image.cols) + extension(format));
        write_file(file, encode_image(image, format, quality));
        const Json stored = ctx.put_artifact(file.string(), media_type(format));
        thumbnails.push_back({{"hash", stored.at("hash")},
                              {"path", stored.at("path")},
                              {"media_type", media_type(format)},
                              {"format", format_name(format)},
                              {"width", image.cols},
                              {"height", image.rows},
                              {"bytes", stored.at("bytes")},
                              {"rank", rank + 1},
                              {"source_timestamp_s", rounded(c.frame.timestamp_s)},
                              {"frame_index", c.frame.frame_index},
                              {"score", rounded(c.quality.score, 4)}});
      }
    }
  }
  return thumbnails;
}

// A still image (a cover) is its own one frame: measured like a video's, at
// every width and format, so the thumbnails look the same to what follows.
Json image_thumbnails(const sdk::Context& ctx, const std::string& path, uint64_t bytes, const Options& o) {
  ImageInfo info;
  Candidate c;
  c.frame.image = read_still_image(path, bytes, info);
  c.frame.keyframe = true;
  c.quality = measure_frame(c.frame.image);
  c.quality.score = score_of(c.quality);
  c.chosen = true;
  Pick pick;
  pick.candidates.push_back(std::move(c));
  pick.chosen.push_back(0);
  Json frame = quality_json(pick.candidates.front());
  frame["rank"] = 1;
  Json candidate = quality_json(pick.candidates.front());
  candidate["status"] = "chosen";
  return Json{{"thumbnails", store_thumbnails(ctx, pick, o)},
              {"frames", Json::array({frame})},
              {"candidates", Json::array({candidate})},
              {"quality_fallback", false},
              {"sampling", "image"},
              {"frames_decoded", 1},
              {"source", "image"},
              {"video", nullptr},
              {"image",
               {{"path", info.path},
                {"bytes", info.bytes},
                {"format", info.format},
                {"width", info.width},
                {"height", info.height}}}};
}

}  // namespace

Json ThumbnailsStep::input_schema() {
  const auto quality = [](int fallback, const char* what) {
    return Json{{"type", "integer"}, {"minimum", 1}, {"maximum", 100}, {"default", fallback}, {"description", what}};
  };
  return {{"type", "object"},
          {"properties",
           {{"path",
             {{"type", "string"},
              {"minLength", 1},
              {"description",
               "The video, or a still image (JPEG, PNG or WebP, such as a video's cover): a file path (relative "
               "paths are relative to the workflow's folder) or an artifact hash \"sha256:...\". An image gives "
               "one frame, thumbnailed at every width and format"}}},
            {"count",
             {{"type", "integer"},
              {"minimum", 1},
              {"maximum", kMaxCount},
              {"default", 3},
              {"description",
               "How many frames to make thumbnails of (fewer when the video has fewer distinct good "
               "frames)"}}},
            {"widths",
             {{"type", "array"},
              {"items", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxWidth}}},
              {"minItems", 1},
              {"maxItems", kMaxWidths},
              {"default", {320, 720}},
              {"description",
               "Widths in pixels, aspect kept; a width beyond the video's is clamped to it (no upscaling)"}}},
            {"formats",
             {{"type", "array"},
              {"items", {{"enum", {"jpeg", "webp"}}}},
              {"minItems", 1},
              {"maxItems", 2},
              {"default", {"jpeg", "webp"}},
              {"description", "Image formats to write"}}},
            {"jpeg_quality", quality(85, "JPEG quality, 1 to 100")},
            {"webp_quality", quality(80, "WebP quality, 1 to 100 (lossy)")},
            {"candidates",
             {{"type", "integer"},
              {"minimum", 1},
              {"maximum", kMaxCandidates},
              {"default", 12},
              {"description", "Slices of the video to sample one frame from each (at least count)"}}}}},
          {"required", {"path"}},
          {"additionalProperties", false}};
}

Json ThumbnailsStep::output_schema() {
  const Json frame = {{"type", "object"},
                      {"properties",
                       {{"source_timestamp_s", {{"type", "number"}}},
                        {"frame_index", {{"type", "integer"}}},
                        {"keyframe", {{"type", "boolean"}}},
                        {"score", {{"type", "number"}}},
                        {"sharpness", {{"type", "number"}}},
                        {"brightness", {{"type", "number"}}},
                        {"contrast", {{"type", "number"}}},
                        {"status", {{"type", "string"}}}}},
                      {"required", {"source_timestamp_s", "frame_index", "score"}}};
  const Json thumbnail = {
      {"type", "object"},
      {"properties",
       {{"hash", {{"type", "string"}}},
        {"path", {{"type", "string"}}},
        {"media_type", {{"type", "string"}}},
        {"format", {{"enum", {"jpeg", "webp"}}}},
        {"width", {{"type", "integer"}}},
        {"height", {{"type", "integer"}}},
        {"bytes", {{"type", "integer"}}},
        {"rank", {{"type", "integer"}}},
        {"source_timestamp_s", {{"type", "number"}}},
        {"frame_index", {{"type", "integer"}}},
        {"score", {{"type", "number"}}}}},
      {"required",
       {"hash", "path", "format", "width", "height", "bytes", "source_timestamp_s", "frame_index", "score"}}};
  Json video_or_null = video_schema();
  video_or_null["type"] = {"object", "null"};
  video_or_null["description"] = "the video probed; null when the input was an image";
  return {
      {"type", "object"},
      {"properties",
       {{"thumbnails", {{"type", "array"}, {"items", thumbnail}}},
        {"frames", {{"type", "array"}, {"items", frame}, {"description", "the chosen frames, best first"}}},
        {"candidates", {{"type", "array"}, {"items", frame}, {"description", "every frame looked at, in time order"}}},
        {"quality_fallback", {{"type", "boolean"}}},
        {"sampling", {{"enum", {"keyframes", "keyframes+exact", "sequential", "image"}}}},
        {"frames_decoded", {{"type", "integer"}}},
        {"source", {{"enum", {"video", "image"}}, {"description", "what the thumbnails were made of"}}},
        {"video", video_or_null},
        {"image",
         {{"type", "object"},
          {"properties",
           {{"path", {{"type", "string"}}},
            {"bytes", {{"type", "integer"}}},
            {"format", {{"enum", {"jpeg", "png", "webp"}}}},
            {"width", {{"type", "integer"}}},
            {"height", {{"type", "integer"}}}}},
          {"description", "the still image, when the input was one (EXIF orientation applied)"}}}}},
      {"required", {"thumbnails", "frames", "candidates", "quality_fallback", "sampling", "source", "video"}}};
}

Json ThumbnailsStep::run(sdk::Context& ctx, const Json& input) {
  const std::string path = input_path(ctx, input);
  const Options o = options_of(input);
  return with_step_errors([&] {
    AvLogCapture log;
    const uint64_t bytes = check_media_file(path);
    if (still_image_format(path)) {
      return image_thumbnails(ctx, path, bytes, o);
    }
    const VideoFile video(path, bytes, interrupt_of(ctx));
    PickOptions pick_options;
    pick_options.count = o.count;
    pick_options.candidates = o.candidates;
    pick_options.width = o.widths.back();
    const Pick pick = pick_frames(video, pick_options);

    Json frames = Json::array();
    for (size_t rank = 0; rank < pick.chosen.size(); ++rank) {
      Json f = quality_json(pick.candidates[pick.chosen[rank]]);
      f["rank"] = rank + 1;
      frames.push_back(f);
    }
    Json candidates = Json::array();
    for (const Candidate& c : pick.candidates) {
      Json j = quality_json(c);
      j["status"] = c.status();
      candidates.push_back(j);
    }
    return Json{{"thumbnails", store_thumbnails(ctx, pick, o)},
                {"frames", frames},
                {"candidates", candidates},
                {"quality_fallback", pick.fallback},
                {"sampling", pick.sampling},
                {"frames_decoded", pick.frames_decoded},
                {"source", "video"},
                {"video", video_json(video.info())}};
  });
}

}  // namespace linkhub::media
