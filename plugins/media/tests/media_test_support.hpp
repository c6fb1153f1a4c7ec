#pragma once
// Shared by the media plugin's tests: the built plugin through its C ABI on
// the SDK's fake host (linkhub/testing.hpp) with an artifact store, the fixture videos, and small clips made with the
// ffmpeg CLI into a temporary folder once per test process. A missing ffmpeg fails the tests that need it
// (scripts/setup.sh installs it); nothing is skipped.

#include "checked_step.hpp"
#include "child_process.hpp"
#include "temp_dir.hpp"

#include <linkhub/testing.hpp>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace linkhub {

using Json = sdk::Json;
using sdk::testing::FakeContext;
using sdk::testing::StepResult;

namespace media_test {

namespace fs = std::filesystem;

inline fs::path fixture_video(const std::string& name) {
  return fs::path(LINKHUB_TEST_DATA_DIR) / "fixtures" / "videos" / name;
}

using test::TempDir;

inline std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && ::access((fs::path(dir) / name).c_str(), X_OK) == 0) {
      return (fs::path(dir) / name).string();
    }
  }
  return {};
}

// Runs the ffmpeg CLI quietly; throws (failing the test) when it is missing or fails.
inline void ffmpeg(std::vector<std::string> args) {
  static const std::string program = find_program("ffmpeg");
  if (program.empty()) {
    throw std::runtime_error("ffmpeg is not on PATH: run scripts/setup.sh (it installs ffmpeg)");
  }
  args.insert(args.begin(), {program, "-nostdin", "-hide_banner", "-loglevel", "error", "-y"});
  test::ChildProcess child(args);
  const test::ChildProcess::Status status = child.wait();
  if (!status.exited || status.code != 0) {
    throw std::runtime_error("ffmpeg failed: " + child.transcript());
  }
}

// Clips made on first use, kept for the whole test process.
class Clips {
 public:
  static Clips& get() {
    static Clips clips;
    return clips;
  }

  // A 1 s 160x90 phone-style clip whose container says "turn it `degrees` for display".
  fs::path rotated(int degrees) {
    return make("rotate" + std::to_string(degrees) + ".mp4", [&](const std::string& out) {
      const std::string plain = (dir_.path() / "plain.mp4").string();
      ffmpeg({"-f", "lavfi", "-i", "testsrc2=duration=1:size=160x90:rate=10", "-c:v", "libx264", "-pix_fmt", "yuv420p",
              plain});
      ffmpeg({"-i", plain, "-c", "copy", "-metadata:s:v", "rotate=" + std::to_string(degrees), out});
    });
  }
  // A 2 s raw H.264 elementary stream: no container, no duration, no index.
  fs::path raw_h264() {
    return make("stream.h264", [](const std::string& out) {
      ffmpeg({"-f", "lavfi", "-i", "testsrc2=duration=2:size=160x90:rate=10", "-c:v", "libx264", "-pix_fmt", "yuv420p",
              "-f", "h264", out});
    });
  }
  // A 2 s live Matroska file: written as a stream, without duration or cues.
  fs::path live_mkv() {
    return make("live.mkv", [](const std::string& out) {
      ffmpeg({"-f", "lavfi", "-i", "testsrc2=duration=2:size=160x90:rate=10", "-c:v", "libx264", "-pix_fmt", "yuv420p",
              "-f", "matroska", "-live", "1", out});
    });
  }
  // 1x1 pixel (x264 needs 4:4:4 for odd sizes).
  fs::path one_pixel() {
    return make("one_pixel.mp4", [](const std::string& out) {
      ffmpeg({"-f", "lavfi", "-i", "testsrc2=duration=1:size=2x2:rate=10", "-vf", "scale=1:1", "-c:v", "libx264",
              "-pix_fmt", "yuv444p", out});
    });
  }
  // VP9 with an alpha channel (yuva420p) in WebM.
  fs::path vp9_alpha() {
    return make("alpha.webm", [](const std::string& out) {
      ffmpeg({"-f", "lavfi", "-i", "testsrc2=duration=1:size=160x90:rate=10:alpha=128", "-c:v", "libvpx-vp9",
              "-pix_fmt", "yuva420p", "-deadline", "realtime", "-cpu-used", "8", out});
    });
  }
  fs::path audio_only() {
    return make("audio.m4a", [](const std::string& out) {
      ffmpeg({"-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", out});
    });
  }
  // An ordinary 2 s mp4 (index at the end, as ffmpeg writes it by default).
  fs::path plain_mp4() {
    return make("plain2s.mp4", [](const std::string& out) {
      ffmpeg({"-f", "lavfi", "-i", "testsrc2=duration=2:size=160x90:rate=10", "-c:v", "libx264", "-pix_fmt", "yuv420p",
              out});
    });
  }
  // plain_mp4 cut to 60% of its bytes: the index at its end is gone.
  fs::path truncated_mp4() {
    return make("truncated.mp4", [this](const std::string& out) { cut(plain_mp4(), out, 0.6); });
  }
  // The index first (faststart), then cut to 60%: frames at the end are missing.
  fs::path truncated_faststart_mp4() {
    return make("truncated_faststart.mp4", [this](const std::string& out) {
      const std::string whole = (dir_.path() / "faststart.mp4").string();
      ffmpeg({"-f", "lavfi", "-i", "testsrc2=duration=2:size=160x90:rate=10", "-c:v", "libx264", "-pix_fmt", "yuv420p",
              "-g", "5", "-movflags", "+faststart", whole});
      cut(whole, out, 0.6);
    });
  }
  fs::path black() {
    return make("black.mp4", [](const std::string& out) {
      ffmpeg({"-f", "lavfi", "-i", "color=c=black:size=160x90:duration=2:rate=10", "-c:v", "libx264", "-pix_fmt",
              "yuv420p", out});
    });
  }
  // 4 s, 320x180: heavily blurred for the first 2 s, sharp after; a keyframe every 0.5 s.
  fs::path blurred_then_sharp() {
    return make("blurred_then_sharp.mp4", [](const std::string& out) {
      ffmpeg({"-f", "lavfi", "-i", "testsrc2=duration=4:size=320x180:rate=10", "-vf",
              "boxblur=luma_radius=12:luma_power=3:chroma_radius=6:enable='lt(t,2)'", "-c:v", "libx264", "-pix_fmt",
              "yuv420p", "-g", "5", out});
    });
  }
  fs::path text_file() {
    return make("notes.txt",
                [](const std::string& out) { std::ofstream(out) << "This is a text file, not a video.\n"; });
  }
  fs::path jpeg_file() {
    return make("photo.jpg", [](const std::string& out) {
      cv::Mat image(90, 160, CV_8UC3, cv::Scalar(40, 120, 200));
      cv::imwrite(out, image);
    });
  }
  fs::path zero_bytes() {
    return make("empty.mp4", [](const std::string& out) { std::ofstream{out}; });
  }
  // Random bytes behind a .mp4 name.
  fs::path random_bytes() {
    return make("noise.mp4", [](const std::string& out) {
      std::mt19937 random(42);
      std::string bytes(64 * 1024, '\0');
      for (char& c : bytes) {
        c = static_cast<char>(random() & 0xff);
      }
      std::ofstream(out, std::ios::binary) << bytes;
    });
  }
  const fs::path& dir() const { return dir_.path(); }

 private:
  template <class Make>
  fs::path make(const std::string& name, Make&& how) {
    const fs::path path = dir_.path() / name;
    if (!fs::exists(path)) {
      how(path.string());
    }
    return path;
  }
  static void cut(const fs::path& from, const fs::path& to, double share) {
    std::ifstream in(from, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bytes.resize(static_cast<size_t>(static_cast<double>(bytes.size()) * share));
    std::ofstream(to, std::ios::binary) << bytes;
  }
  TempDir dir_;
};

// The media plugin's steps through the C ABI, with an artifact store of
// their own (`store_dir()`, shared by every run of one MediaSteps) and a
// scratch folder (`run_dir()`) unless the context names one.
class MediaSteps {
 public:
  MediaSteps() { store_.artifact_store = store_dir(); }

  static const sdk::testing::Plugin& plugin() {
    static const sdk::testing::Plugin media(fs::path(LINKHUB_PLUGIN_BUILD_DIR) / "linkhub_media.so");
    return media;
  }

  // `step` is "probe" or "thumbnails"; a successful output must match the step's output schema.
  StepResult run(const std::string& step, const Json& input, FakeContext& ctx) {
    if (ctx.artifact_dir.empty()) {
      ctx.artifact_dir = run_dir();
    }
    ctx.artifact_store = store_dir();
    return test::run_checked_step(plugin(), step, ctx, input);
  }
  StepResult run(const std::string& step, const Json& input) {
    FakeContext ctx;
    return run(step, input, ctx);
  }
  StepResult probe(const fs::path& path) { return run("probe", {{"path", path.string()}}); }
  StepResult thumbnails(const fs::path& path, const Json& extra = Json::object()) {
    FakeContext ctx;
    return thumbnails(path, extra, ctx);
  }
  StepResult thumbnails(const fs::path& path, const Json& extra, FakeContext& ctx) {
    Json input = {{"path", path.string()}};
    for (const auto& [k, v] : extra.items()) {
      input[k] = v;
    }
    return run("thumbnails", input, ctx);
  }

  // A file put into the store as a step would put it: its descriptor.
  Json put(const fs::path& file, std::string_view media_type) { return store_.put_artifact(file, media_type); }
  // Where the store keeps `hash` ("" when it does not).
  fs::path path_of(const std::string& hash) { return store_.artifact_path(hash); }
  fs::path store_dir() const { return dir_.path() / "store"; }
  fs::path run_dir() const { return dir_.path() / "run"; }

  // Files in the store.
  size_t stored_objects() const {
    size_t n = 0;
    if (fs::exists(store_dir())) {
      for (const auto& e : fs::recursive_directory_iterator(store_dir())) {
        n += e.is_regular_file() ? 1 : 0;
      }
    }
    return n;
  }

 private:
  TempDir dir_;
  FakeContext store_;  // only its artifact store: put() and path_of()
};

// An image file decoded the way any consumer would.
inline cv::Mat decode_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes.empty() ? cv::Mat() : cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
}

inline bool mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace media_test
}  // namespace linkhub
