#include "step_support.hpp"

#include <cmath>

namespace linkhub::media {

namespace fs = std::filesystem;
using sdk::Json;

std::string input_path(const sdk::Context& ctx, const Json& input) {
  const std::string path = input.at("path").get<std::string>();
  if (path.rfind("sha256:", 0) == 0) {
    std::string stored = ctx.artifact_path(path);
    if (stored.empty()) {
      throw sdk::StepError("no artifact " + path + " in the artifact store (or this host has no artifact store)");
    }
    return stored;
  }
  fs::path p(path);
  if (p.is_relative() && !path.empty() && !ctx.workflow_dir().empty()) {
    p = fs::path(std::string(ctx.workflow_dir())) / p;
  }
  return p.string();
}

Interrupt interrupt_of(const sdk::Context& ctx) {
  Interrupt interrupt;
  interrupt.cancelled = [&ctx] { return ctx.cancelled(); };
  interrupt.deadline = ctx.deadline();
  return interrupt;
}

double rounded(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

int int_input(const Json& input, const char* key, int fallback, int lo, int hi) {
  if (!input.contains(key) || input[key].is_null()) {
    return fallback;
  }
  const Json& v = input[key];
  if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi) {
    throw sdk::StepError(std::string("'") + key + "' must be an integer from " + std::to_string(lo) + " to " +
                         std::to_string(hi) + ", found " + v.dump());
  }
  return v.get<int>();
}

Json video_json(const VideoInfo& v) {
  const auto text_or_null = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  return {
      {"path", v.path},
      {"bytes", v.bytes},
      {"container", v.container},
      {"container_long_name", v.container_long_name},
      {"duration_s", rounded(v.duration_s)},
      {"duration_estimated", v.duration_estimated},
      {"duration_source", v.duration_source},
      {"fps", v.fps > 0 ? Json(rounded(v.fps)) : Json(nullptr)},
      {"frame_count", v.frame_count},
      {"frame_count_estimated", v.frame_count_estimated},
      {"width", v.width},
      {"height", v.height},
      {"pixel_aspect", rounded(v.pixel_aspect)},
      {"rotation", v.rotation},
      {"display_width", v.display_width},
      {"display_height", v.display_height},
      {"codec", v.codec},
      {"codec_long_name", v.codec_long_name},
      {"fourcc", text_or_null(v.fourcc)},
      {"pixel_format", text_or_null(v.pixel_format)},
      {"has_alpha", v.has_alpha},
      {"bit_rate", v.bit_rate > 0 ? Json(v.bit_rate) : Json(nullptr)},
      {"has_audio", v.has_audio},
      {"audio_codec", text_or_null(v.audio_codec)},
      {"start_time_s", rounded(v.start_time_s)},
  };
}

Json video_schema() {
  const Json integer = {{"type", "integer"}};
  const Json number = {{"type", "number"}};
  const Json text = {{"type", "string"}};
  const Json boolean = {{"type", "boolean"}};
  const Json text_or_null = {{"type", {"string", "null"}}};
  return {
      {"type", "object"},
      {"properties",
       {{"path", {{"type", "string"}, {"description", "the file that was read"}}},
        {"bytes", integer},
        {"container", {{"type", "string"}, {"description", "FFmpeg's demuxer, e.g. mov,mp4,m4a,3gp,3g2,mj2"}}},
        {"container_long_name", text},
        {"duration_s", number},
        {"duration_estimated",
         {{"type", "boolean"}, {"description", "the container states no duration; it was read from the packets"}}},
        {"duration_source", {{"enum", {"container", "stream", "packet_scan"}}}},
        {"fps", {{"type", {"number", "null"}}}},
        {"frame_count", integer},
        {"frame_count_estimated", boolean},
        {"width", {{"type", "integer"}, {"description", "stored width, before pixel aspect and rotation"}}},
        {"height", integer},
        {"pixel_aspect", number},
        {"rotation", {{"enum", {0, 90, 180, 270}}, {"description", "degrees clockwise for display"}}},
        {"display_width", {{"type", "integer"}, {"description", "width as shown: pixel aspect and rotation applied"}}},
        {"display_height", integer},
        {"codec", text},
        {"codec_long_name", text},
        {"fourcc", text_or_null},
        {"pixel_format", text_or_null},
        {"has_alpha", boolean},
        {"bit_rate", {{"type", {"integer", "null"}}}},
        {"has_audio", boolean},
        {"audio_codec", text_or_null},
        {"start_time_s", number}}},
      {"required",
       {"path", "bytes", "container", "duration_s", "duration_estimated", "fps", "frame_count", "width", "height",
        "rotation", "display_width", "display_height", "codec", "has_audio"}}};
}

}  // namespace linkhub::media
