// The media plugin on a 60 s 1280x720 30 fps H.264 clip (testsrc2 with its
// hue turning, so frames differ; ffmpeg's default 250-frame keyframe
// interval), made once with the ffmpeg CLI into /tmp/linkhub-media-bench/.
// Run on one core: taskset -c 0 build/bin/media_bench
//   BM_Thumbnails720p60s   media.thumbnails with its defaults (3 frames, 320 and 720 wide, JPEG and WebP)
//   BM_Probe720p60s        media.probe
//   BM_ThumbnailsFromCover720x1280  media.thumbnails on a cover image (no video: oembed, apify)
//   BM_Ocr720pKeyframe     media.ocr on one 1280x720 keyframe (testsrc2 with two lines of drawtext, as PNG)
//   BM_Ocr720p60s3Frames   media.ocr on the clip: 3 frames picked, decoded and read
// Goals: thumbnails under 300 ms; OCR under 150 ms per 720p keyframe. Counters:
// frames decoded, thumbnails written; OCR words read.
#include "builtin_plugins.hpp"
#include "child_process.hpp"

#include <linkhub/engine/artifact_store.hpp>
#include <linkhub/engine/plugin_host.hpp>

#include <benchmark/benchmark.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace linkhub {
namespace {

namespace fs = std::filesystem;

const fs::path kDir = "/tmp/linkhub-media-bench";

std::string ffmpeg_program() {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    const fs::path candidate = fs::path(dirs.substr(start, end - start)) / "ffmpeg";
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate.string();
    }
    start = end + 1;
  }
  std::fprintf(stderr, "ffmpeg is not on PATH: run scripts/setup.sh\n");
  std::abort();
}

// Makes `name` in kDir once with ffmpeg from a lavfi source and `args` (output options).
fs::path made_once(const std::string& name, const std::string& source, const std::vector<std::string>& args) {
  const fs::path path = kDir / name;
  if (fs::exists(path)) {
    return path;
  }
  fs::create_directories(kDir);
  const fs::path partial = kDir / ("partial-" + name);
  std::vector<std::string> argv = {ffmpeg_program(), "-nostdin", "-loglevel", "error", "-y", "-f",
                                   "lavfi",          "-i",       source};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(partial.string());
  test::ChildProcess ffmpeg(argv);
  const test::ChildProcess::Status status = ffmpeg.wait();
  if (!status.exited || status.code != 0) {
    std::fprintf(stderr, "cannot make %s with ffmpeg: %s\n", name.c_str(), ffmpeg.transcript().c_str());
    std::abort();
  }
  fs::rename(partial, path);
  return path;
}

const fs::path& bench_video() {
  static const fs::path video =
      made_once("testsrc2_hue_1280x720_30fps_60s.mp4", "testsrc2=size=1280x720:rate=30:duration=60,hue=H=2*PI*t/20",
                {"-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"});
  return video;
}

// A TikTok cover: one 720x1280 JPEG, what oembed and apify give instead of a video.
const fs::path& bench_cover() {
  static const fs::path cover =
      made_once("testsrc2_720x1280_cover.jpg", "testsrc2=size=720x1280:rate=1:duration=1", {"-frames:v", "1"});
  return cover;
}

// A 720p keyframe with a price on screen, as sellers put it: testsrc2's busy
// pattern behind two lines of DejaVu text.
const fs::path& bench_text_frame() {
  static const fs::path frame = [] {
    fs::create_directories(kDir);
    const fs::path text = kDir / "ocr-line.txt";
    std::ofstream(text) << "Only today 49.90 USD";
    return made_once("testsrc2_1280x720_text.png", "testsrc2=size=1280x720:rate=1:duration=1",
                     {"-vf",
                      "drawbox=x=80:y=480:w=1120:h=200:color=white:t=fill,"
                      "drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf:text=SUMMER SALE:"
                      "fontsize=72:fontcolor=black:x=120:y=500,"
                      "drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:textfile=" +
                          text.string() + ":fontsize=48:fontcolor=black:x=120:y=600",
                      "-frames:v", "1"});
  }();
  return frame;
}

void run_step(benchmark::State& state, const std::string& uses, const Json& input) {
  const LoadedStep* step = test::builtin_plugins().step(uses);
  if (step == nullptr) {
    state.SkipWithError((uses + " is not loaded").c_str());
    return;
  }
  ArtifactStore store(kDir / "store");
  StepCall call;
  call.artifact_dir = (kDir / "run").string();
  call.artifacts = &store;
  const std::string text = input.dump();
  StepOutcome out;
  for (auto _ : state) {
    out = test::builtin_plugins().invoke(*step, call, text);
    if (out.status != LH_OK) {
      state.SkipWithError(out.error.c_str());
      return;
    }
  }
  if (out.output.contains("frames_decoded")) {
    state.counters["frames_decoded"] = out.output["frames_decoded"].get<double>();
    state.counters["thumbnails"] = static_cast<double>(out.output["thumbnails"].size());
  }
  if (out.output.contains("word_count")) {
    state.counters["words"] = out.output["word_count"].get<double>();
  }
}

void BM_Thumbnails720p60s(benchmark::State& state) {
  run_step(state, "media.thumbnails", {{"path", bench_video().string()}});
}
BENCHMARK(BM_Thumbnails720p60s)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_Probe720p60s(benchmark::State& state) {
  run_step(state, "media.probe", {{"path", bench_video().string()}});
}
BENCHMARK(BM_Probe720p60s)->Unit(benchmark::kMillisecond);

void BM_ThumbnailsFromCover720x1280(benchmark::State& state) {
  run_step(state, "media.thumbnails", {{"path", bench_cover().string()}});
}
BENCHMARK(BM_ThumbnailsFromCover720x1280)->Unit(benchmark::kMillisecond);

// The first run loads the English model (kept in the plugin's engine pool), so MinTime amortises it away.
void BM_Ocr720pKeyframe(benchmark::State& state) {
  run_step(state, "media.ocr", {{"path", bench_text_frame().string()}});
}
BENCHMARK(BM_Ocr720pKeyframe)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_Ocr720p60s3Frames(benchmark::State& state) {
  run_step(state, "media.ocr", {{"path", bench_video().string()}, {"count", 3}});
}
BENCHMARK(BM_Ocr720p60s3Frames)->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace
}  // namespace linkhub
