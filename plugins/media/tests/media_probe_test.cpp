// media.probe through the C ABI: fixture videos and generated clips.
#include "media_test_support.hpp"

#include <gtest/gtest.h>

namespace linkhub {
namespace {

using media_test::Clips;
using media_test::fixture_video;
using media_test::MediaSteps;

TEST(MediaProbe, DescribesAnH264Mp4WithAudio) {
  MediaSteps steps;
  const auto path = fixture_video("moviepy_smpte-2997_1920x1080_25fps_10s.mp4");
  const StepResult out = steps.probe(path);
  ASSERT_EQ(out.status, LH_OK) << out.error;
  const Json& v = out.output;
  EXPECT_EQ(v["path"], path.string());
  EXPECT_EQ(v["bytes"], 515225);
  EXPECT_EQ(v["container"], "mov,mp4,m4a,3gp,3g2,mj2");
  EXPECT_EQ(v["codec"], "h264");
  EXPECT_EQ(v["fourcc"], "avc1");
  EXPECT_EQ(v["width"], 1920);
  EXPECT_EQ(v["height"], 1080);
  EXPECT_EQ(v["display_width"], 1920);
  EXPECT_EQ(v["display_height"], 1080);
  EXPECT_EQ(v["rotation"], 0);
  EXPECT_DOUBLE_EQ(v["fps"].get<double>(), 25.0);
  EXPECT_EQ(v["frame_count"], 251);
  EXPECT_FALSE(v["frame_count_estimated"].get<bool>());
  EXPECT_NEAR(v["duration_s"].get<double>(), 10.05, 0.05);
  EXPECT_FALSE(v["duration_estimated"].get<bool>());
  EXPECT_EQ(v["duration_source"], "container");
  EXPECT_TRUE(v["has_audio"].get<bool>());
  EXPECT_EQ(v["audio_codec"], "aac");
  EXPECT_FALSE(v["has_alpha"].get<bool>());
}

TEST(MediaProbe, DescribesAVp9WebmWhoseDurationIsOnlyInTheContainer) {
  MediaSteps steps;
  const StepResult out = steps.probe(fixture_video("bbb_sunflower_320x180_10s_vp9.webm"));
  ASSERT_EQ(out.status, LH_OK) << out.error;
  const Json& v = out.output;
  EXPECT_EQ(v["container"], "matroska,webm");
  EXPECT_EQ(v["codec"], "vp9");
  EXPECT_TRUE(v["fourcc"].is_null());  // Matroska has codec ids, not fourccs
  EXPECT_EQ(v["width"], 320);
  EXPECT_EQ(v["height"], 180);
  EXPECT_NEAR(v["duration_s"].get<double>(), 10.0, 0.05);
  EXPECT_FALSE(v["duration_estimated"].get<bool>());
  EXPECT_DOUBLE_EQ(v["fps"].get<double>(), 30.0);
  EXPECT_EQ(v["frame_count"], 300);  // no count in the container: duration x fps
  EXPECT_TRUE(v["frame_count_estimated"].get<bool>());
  EXPECT_FALSE(v["has_audio"].get<bool>());
  EXPECT_TRUE(v["audio_codec"].is_null());
}

TEST(MediaProbe, ReportsRotationClockwiseAndSwapsTheDisplaySize) {
  MediaSteps steps;
  // ffmpeg 5.1 turns "-metadata:s:v rotate=N" into a display matrix that
  // turns the picture N degrees counterclockwise (ffprobe says "rotation: N"):
  // 360-N clockwise, as ffmpeg's own autorotation shows it.
  for (const auto& [tag, clockwise] : {std::pair{90, 270}, std::pair{270, 90}}) {
    const StepResult out = steps.probe(Clips::get().rotated(tag));
    ASSERT_EQ(out.status, LH_OK) << out.error;
    EXPECT_EQ(out.output["rotation"], clockwise) << "rotate=" << tag;
    EXPECT_EQ(out.output["width"], 160);
    EXPECT_EQ(out.output["height"], 90);
    EXPECT_EQ(out.output["display_width"], 90);
    EXPECT_EQ(out.output["display_height"], 160);
  }
}

TEST(MediaProbe, EstimatesTheDurationOfARawH264Stream) {
  MediaSteps steps;
  const StepResult out = steps.probe(Clips::get().raw_h264());
  ASSERT_EQ(out.status, LH_OK) << out.error;
  const Json& v = out.output;
  EXPECT_EQ(v["container"], "h264");
  EXPECT_TRUE(v["duration_estimated"].get<bool>());
  EXPECT_EQ(v["duration_source"], "packet_scan");
  EXPECT_EQ(v["frame_count"], 20);  // counted, not guessed
  EXPECT_FALSE(v["frame_count_estimated"].get<bool>());
  EXPECT_NEAR(v["duration_s"].get<double>(), 2.0, 0.15);
}

TEST(MediaProbe, EstimatesTheDurationOfALiveMatroskaFile) {
  MediaSteps steps;
  const StepResult out = steps.probe(Clips::get().live_mkv());
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_TRUE(out.output["duration_estimated"].get<bool>());
  EXPECT_NEAR(out.output["duration_s"].get<double>(), 2.0, 0.15);
  EXPECT_EQ(out.output["frame_count"], 20);
}

TEST(MediaProbe, NotesAnAlphaChannel) {
  MediaSteps steps;
  const StepResult out = steps.probe(Clips::get().vp9_alpha());
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["codec"], "vp9");
  EXPECT_TRUE(out.output["has_alpha"].get<bool>());
}

TEST(MediaProbe, AcceptsAOnePixelVideo) {
  MediaSteps steps;
  const StepResult out = steps.probe(Clips::get().one_pixel());
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["width"], 1);
  EXPECT_EQ(out.output["height"], 1);
}

TEST(MediaProbe, FindsAStoredArtifactByHash) {
  MediaSteps steps;
  const auto path = fixture_video("bbb_sunflower_320x180_10s_vp9.webm");
  const Json stored = steps.put(path, "video/webm");
  const StepResult out = steps.run("probe", {{"path", stored["hash"]}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["path"], stored["path"]);
  EXPECT_EQ(out.output["codec"], "vp9");

  const StepResult unknown = steps.run("probe", {{"path", "sha256:" + std::string(64, 'a')}});
  EXPECT_EQ(unknown.status, LH_ERROR);
  EXPECT_TRUE(media_test::mentions(unknown.error, "no artifact sha256:aaaa")) << unknown.error;
}

TEST(MediaProbe, ResolvesRelativePathsAgainstTheWorkflowFolder) {
  MediaSteps steps;
  FakeContext call;
  call.workflow_dir = fixture_video("any").parent_path().parent_path().string();  // tests/fixtures
  const StepResult out = steps.run("probe", {{"path", "videos/bbb_sunflower_320x180_10s_vp9.webm"}}, call);
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["path"], call.workflow_dir + "/videos/bbb_sunflower_320x180_10s_vp9.webm");
}

}  // namespace
}  // namespace linkhub
