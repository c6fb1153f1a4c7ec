// Every media step on inputs that are no usable video: each gives a
// permanent error that names the file and says what is wrong, never a crash.
#include "media_test_support.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

namespace linkhub {
namespace {

namespace fs = std::filesystem;
using media_test::Clips;
using media_test::MediaSteps;
using media_test::mentions;

struct BadInput {
  std::string name;
  fs::path path;
  std::string says;
};

void expect_refused(MediaSteps& steps, const BadInput& bad) {
  for (const char* step : {"probe", "thumbnails", "inspect"}) {
    const StepResult out = steps.run(step, {{"path", bad.path.string()}});
    EXPECT_EQ(out.status, LH_ERROR) << bad.name << " through media." << step << ": " << out.output.dump();
    EXPECT_TRUE(mentions(out.error, "'" + bad.path.string() + "'")) << bad.name << ": " << out.error;
    EXPECT_TRUE(mentions(out.error, bad.says)) << bad.name << " through media." << step << ": " << out.error;
  }
}

TEST(MediaBadInput, NamesTheFileAndWhatIsWrongWithIt) {
  MediaSteps steps;
  Clips& clips = Clips::get();
  const std::vector<BadInput> cases = {
      {"missing file", clips.dir() / "nowhere.mp4", "does not exist"},
      {"directory", clips.dir(), "is a directory, not a video file"},
      {"zero bytes", clips.zero_bytes(), "is empty (0 bytes)"},
      {"text file", clips.text_file(), "is not a video"},
      {"audio only", clips.audio_only(), "has no video stream: it holds audio only (aac)"},
      {"truncated mp4", clips.truncated_mp4(), "may be truncated or corrupt"},
      // FFmpeg goes by the .mp4 name when nothing in the bytes says otherwise.
      {"random bytes", clips.random_bytes(), "may be truncated or corrupt"},
  };
  for (const BadInput& bad : cases) {
    expect_refused(steps, bad);
  }
  // An image is no video to probe (media.thumbnails takes it as a still: media_image_thumbnails_test.cpp).
  const StepResult jpeg = steps.probe(clips.jpeg_file());
  EXPECT_EQ(jpeg.status, LH_ERROR);
  EXPECT_TRUE(mentions(jpeg.error, "is not a video: it is an image")) << jpeg.error;
}

TEST(MediaBadInput, RefusesPipesWithoutOpeningThem) {
  MediaSteps steps;
  const fs::path fifo = Clips::get().dir() / "pipe.mp4";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  expect_refused(steps, {"fifo", fifo, "is not a regular file"});
  fs::remove(fifo);
}

TEST(MediaBadInput, TreatsUrlsAndProtocolsAsFileNames) {
  MediaSteps steps;
  // FFmpeg would fetch these; the plugin only ever opens local files.
  for (const char* url : {"http://127.0.0.1:9/video.mp4", "concat:/etc/hostname|/etc/hostname"}) {
    const StepResult out = steps.run("probe", {{"path", url}});
    EXPECT_EQ(out.status, LH_ERROR);
    EXPECT_TRUE(mentions(out.error, std::string("'") + url + "' does not exist")) << url << ": " << out.error;
  }
}

TEST(MediaBadInput, UsesWhatIsLeftOfAVideoCutShortAfterItsIndex) {
  MediaSteps steps;
  // The index (moov) comes first, so the file opens; the last 40% of the frames are gone.
  const fs::path clip = Clips::get().truncated_faststart_mp4();
  const StepResult probe = steps.probe(clip);
  ASSERT_EQ(probe.status, LH_OK) << probe.error;
  EXPECT_NEAR(probe.output["duration_s"].get<double>(), 2.0, 0.15);  // what the index says
  const StepResult out = steps.thumbnails(clip, {{"formats", {"jpeg"}}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  ASSERT_FALSE(out.output["frames"].empty());
  for (const Json& f : out.output["frames"]) {
    EXPECT_LT(f["source_timestamp_s"].get<double>(), 1.3) << out.output["candidates"].dump(1);
  }
}

TEST(MediaBadInput, SurvivesGarbageInTheMiddleOfTheFrames) {
  MediaSteps steps;
  const fs::path whole = Clips::get().plain_mp4();
  const fs::path damaged = Clips::get().dir() / "damaged.mp4";
  std::ifstream in(whole, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (size_t i = bytes.size() / 5; i < bytes.size() / 2; i += 7) {
    bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
  }
  std::ofstream(damaged, std::ios::binary) << bytes;
  const StepResult out = steps.thumbnails(damaged);
  // Either some frames decode or the step says the file is damaged; never a crash.
  if (out.status != LH_OK) {
    EXPECT_EQ(out.status, LH_ERROR);
    EXPECT_TRUE(mentions(out.error, damaged.string())) << out.error;
  } else {
    for (const Json& t : out.output["thumbnails"]) {
      EXPECT_FALSE(media_test::decode_file(t["path"]).empty());
    }
  }
}

}  // namespace
}  // namespace linkhub
