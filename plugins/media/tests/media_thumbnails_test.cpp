// media.thumbnails through the C ABI: what comes out, in which sizes and
// formats, which frames win, and how little of the video is decoded.
#include "media_test_support.hpp"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <atomic>
#include <chrono>
#include <set>

namespace linkhub {
namespace {

using media_test::Clips;
using media_test::decode_file;
using media_test::fixture_video;
using media_test::MediaSteps;
using media_test::mentions;

constexpr const char* kSmpte = "moviepy_smpte-2997_1920x1080_25fps_10s.mp4";
constexpr const char* kWebm = "bbb_sunflower_320x180_10s_vp9.webm";
constexpr const char* kBbb1080 = "bbb_sunflower_1920x1080_60fps_2s_h264_aac.mp4";

std::vector<std::string> hashes_of(const Json& output) {
  std::vector<std::string> hashes;
  for (const Json& t : output["thumbnails"]) {
    hashes.push_back(t["hash"].get<std::string>());
  }
  return hashes;
}

TEST(MediaThumbnails, WritesEveryChosenFrameInEachWidthAndFormat) {
  MediaSteps steps;
  // Two scenes with a moving character: three distinct frames.
  const StepResult out = steps.thumbnails(fixture_video(kBbb1080));
  ASSERT_EQ(out.status, LH_OK) << out.error;
  const Json& o = out.output;
  ASSERT_EQ(o["frames"].size(), 3u) << o.dump(1);
  ASSERT_EQ(o["thumbnails"].size(), 3u * 2 * 2) << o.dump(1);
  std::set<std::pair<int, std::string>> sizes;
  for (const Json& t : o["thumbnails"]) {
    const std::string format = t["format"];
    const cv::Mat image = decode_file(t["path"]);
    ASSERT_FALSE(image.empty()) << t.dump();
    EXPECT_EQ(image.cols, t["width"].get<int>());
    EXPECT_EQ(image.rows, t["height"].get<int>());
    EXPECT_EQ(image.channels(), 3);
    EXPECT_EQ(t["bytes"].get<uint64_t>(), std::filesystem::file_size(t["path"].get<std::string>()));
    EXPECT_EQ(t["hash"].get<std::string>().rfind("sha256:", 0), 0u);
    EXPECT_EQ(t["media_type"], format == "jpeg" ? "image/jpeg" : "image/webp");
    EXPECT_EQ(std::filesystem::path(t["path"].get<std::string>()).extension(), format == "jpeg" ? ".jpg" : ".webp");
    EXPECT_EQ(steps.path_of(t["hash"]).string(), t["path"]);
    sizes.insert({t["width"].get<int>() * 10000 + t["height"].get<int>(), format});
  }
  // 16:9 kept: 320x180 and 720x405.
  EXPECT_EQ(sizes, (std::set<std::pair<int, std::string>>{
                       {3200180, "jpeg"}, {3200180, "webp"}, {7200405, "jpeg"}, {7200405, "webp"}}));
  // Best first, from inside the video (5% margins), each a sampled candidate.
  double previous = 2.0;
  for (const Json& f : o["frames"]) {
    EXPECT_LE(f["score"].get<double>(), previous);
    previous = f["score"];
    EXPECT_GE(f["source_timestamp_s"].get<double>(), 0.05 * 2.0);
    EXPECT_LE(f["source_timestamp_s"].get<double>(), 0.95 * 2.02);
  }
  EXPECT_EQ(o["video"]["codec"], "h264");
  EXPECT_EQ(o["video"]["frame_count"], 120);
}

TEST(MediaThumbnails, ChoosesOneFrameOfAVideoThatLooksTheSameThroughout) {
  MediaSteps steps;
  // A static test pattern: every keyframe is a near-duplicate of the best one.
  const StepResult out = steps.thumbnails(fixture_video(kSmpte), {{"formats", {"jpeg"}}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["frames"].size(), 1u);
  EXPECT_EQ(out.output["thumbnails"].size(), 2u);
  int duplicates = 0;
  for (const Json& c : out.output["candidates"]) {
    duplicates += c["status"] == "duplicate" ? 1 : 0;
  }
  EXPECT_EQ(duplicates, static_cast<int>(out.output["candidates"].size()) - 1);
}

TEST(MediaThumbnails, SeeksToKeyframesInsteadOfDecodingTheVideo) {
  MediaSteps steps;
  const StepResult out = steps.thumbnails(fixture_video(kSmpte));
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["sampling"], "keyframes");
  // 251 frames, a keyframe every 0.6 s: one decoded frame per slice with a keyframe.
  EXPECT_LE(out.output["frames_decoded"].get<int>(), 12);
  for (const Json& c : out.output["candidates"]) {
    EXPECT_TRUE(c["keyframe"].get<bool>()) << c.dump();
  }
}

TEST(MediaThumbnails, DecodesForwardWhenTheVideoHasTooFewKeyframes) {
  MediaSteps steps;
  // 2 s at 60 fps with a single keyframe, at 0 s: outside the sampled window.
  const StepResult out = steps.thumbnails(fixture_video(kBbb1080), {{"widths", {320}}, {"formats", {"jpeg"}}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["sampling"], "keyframes+exact");
  EXPECT_GE(out.output["frames"].size(), 1u);
  EXPECT_LT(out.output["frames_decoded"].get<int>(), 120);  // not every frame: non-reference frames are skipped
  for (const Json& c : out.output["candidates"]) {
    EXPECT_GE(c["source_timestamp_s"].get<double>(), 0.05 * 2.0) << c.dump();
  }
}

TEST(MediaThumbnails, NeverScalesAboveTheVideosOwnWidth) {
  MediaSteps steps;
  const StepResult out = steps.thumbnails(fixture_video(kWebm), {{"widths", {320, 720, 1080}}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  ASSERT_FALSE(out.output["thumbnails"].empty());
  for (const Json& t : out.output["thumbnails"]) {
    EXPECT_EQ(t["width"], 320) << t.dump();  // 720 and 1080 clamp to 320 and collapse into it
    EXPECT_EQ(t["height"], 180) << t.dump();
  }
  EXPECT_EQ(out.output["thumbnails"].size(), out.output["frames"].size() * 2);
}

TEST(MediaThumbnails, SameFileGivesTheSameImagesStoredOnce) {
  MediaSteps steps;
  const StepResult first = steps.thumbnails(fixture_video(kWebm));
  ASSERT_EQ(first.status, LH_OK) << first.error;
  const size_t stored = steps.stored_objects();
  const std::vector<std::string> hashes = hashes_of(first.output);
  EXPECT_EQ(stored, std::set<std::string>(hashes.begin(), hashes.end()).size());

  const StepResult second = steps.thumbnails(fixture_video(kWebm));
  ASSERT_EQ(second.status, LH_OK) << second.error;
  EXPECT_EQ(hashes_of(second.output), hashes);
  EXPECT_EQ(second.output["frames"], first.output["frames"]);
  EXPECT_EQ(steps.stored_objects(), stored);
}

TEST(MediaThumbnails, HonoursCountFormatsAndQuality) {
  MediaSteps steps;
  const StepResult low = steps.thumbnails(
      fixture_video(kSmpte), {{"count", 1}, {"widths", {640}}, {"formats", {"webp"}}, {"webp_quality", 10}});
  ASSERT_EQ(low.status, LH_OK) << low.error;
  ASSERT_EQ(low.output["thumbnails"].size(), 1u);
  EXPECT_EQ(low.output["thumbnails"][0]["format"], "webp");
  EXPECT_EQ(low.output["thumbnails"][0]["width"], 640);
  EXPECT_EQ(low.output["thumbnails"][0]["height"], 360);
  const StepResult high = steps.thumbnails(
      fixture_video(kSmpte), {{"count", 1}, {"widths", {640}}, {"formats", {"webp"}}, {"webp_quality", 95}});
  ASSERT_EQ(high.status, LH_OK) << high.error;
  EXPECT_EQ(high.output["frames"], low.output["frames"]);
  EXPECT_LT(low.output["thumbnails"][0]["bytes"].get<int>(), high.output["thumbnails"][0]["bytes"].get<int>());
}

TEST(MediaThumbnails, TurnsRotatedVideosTheWayFfmpegShowsThem) {
  MediaSteps steps;
  for (int tag : {90, 270}) {
    const auto clip = Clips::get().rotated(tag);
    const StepResult out = steps.thumbnails(clip, {{"count", 1}, {"formats", {"webp"}}, {"webp_quality", 100}});
    ASSERT_EQ(out.status, LH_OK) << out.error;
    const Json& t = out.output["thumbnails"][0];
    EXPECT_EQ(t["width"], 90);  // portrait: the stored 160x90 turned a quarter
    EXPECT_EQ(t["height"], 160);
    const cv::Mat ours = decode_file(t["path"]);
    ASSERT_EQ(ours.size(), cv::Size(90, 160));

    // ffmpeg's own autorotation of the same frame is the reference.
    const auto reference_png = Clips::get().dir() / ("reference" + std::to_string(tag) + ".png");
    media_test::ffmpeg({"-i", clip.string(), "-vf", "select=eq(n\\," + t["frame_index"].dump() + ")", "-frames:v", "1",
                        reference_png.string()});
    const cv::Mat reference = cv::imread(reference_png.string());
    ASSERT_EQ(reference.size(), ours.size()) << "ffmpeg shows it " << reference.cols << "x" << reference.rows;
    cv::Mat upside_down;
    cv::rotate(reference, upside_down, cv::ROTATE_180);
    const double same = cv::norm(ours, reference, cv::NORM_L1) / static_cast<double>(ours.total());
    const double turned = cv::norm(ours, upside_down, cv::NORM_L1) / static_cast<double>(ours.total());
    EXPECT_LT(same * 4, turned) << "rotate=" << tag << ": per-pixel difference " << same << " vs " << turned;
  }
}

TEST(MediaThumbnails, PrefersTheSharpFramesOfAPartlyBlurredVideo) {
  MediaSteps steps;
  const StepResult out = steps.thumbnails(Clips::get().blurred_then_sharp(), {{"formats", {"jpeg"}}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  ASSERT_FALSE(out.output["frames"].empty());
  for (const Json& f : out.output["frames"]) {
    EXPECT_GE(f["source_timestamp_s"].get<double>(), 2.0) << out.output["candidates"].dump(1);
  }
  int blurred = 0;
  for (const Json& c : out.output["candidates"]) {
    if (c["source_timestamp_s"].get<double>() < 1.9) {
      EXPECT_EQ(c["status"], "blurred") << c.dump();
      ++blurred;
    }
  }
  EXPECT_GT(blurred, 0);
}

TEST(MediaThumbnails, ReadsAStreamWithoutDurationFromTheStart) {
  MediaSteps steps;
  for (const auto& clip : {Clips::get().raw_h264(), Clips::get().live_mkv()}) {
    const StepResult out = steps.thumbnails(clip, {{"widths", {160}}});
    ASSERT_EQ(out.status, LH_OK) << clip << ": " << out.error;
    EXPECT_EQ(out.output["sampling"], "sequential") << clip;
    EXPECT_TRUE(out.output["video"]["duration_estimated"].get<bool>());
    ASSERT_FALSE(out.output["thumbnails"].empty());
    for (const Json& t : out.output["thumbnails"]) {
      EXPECT_EQ(t["width"], 160);
      EXPECT_EQ(t["height"], 90);
      EXPECT_GE(t["frame_index"].get<int>(), 1);
      EXPECT_LE(t["frame_index"].get<int>(), 19);
    }
  }
}

TEST(MediaThumbnails, MakesOnePixelThumbnailsOfAOnePixelVideo) {
  MediaSteps steps;
  const StepResult out = steps.thumbnails(Clips::get().one_pixel());
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_TRUE(out.output["quality_fallback"].get<bool>());  // every frame is "blank": taken anyway
  ASSERT_FALSE(out.output["thumbnails"].empty());
  for (const Json& t : out.output["thumbnails"]) {
    EXPECT_EQ(t["width"], 1);
    EXPECT_EQ(t["height"], 1);
    EXPECT_EQ(decode_file(t["path"]).size(), cv::Size(1, 1)) << t.dump();
  }
}

TEST(MediaThumbnails, MakesOpaqueThumbnailsOfVp9WithAlpha) {
  MediaSteps steps;
  const StepResult out = steps.thumbnails(Clips::get().vp9_alpha());
  ASSERT_EQ(out.status, LH_OK) << out.error;
  ASSERT_FALSE(out.output["thumbnails"].empty());
  for (const Json& t : out.output["thumbnails"]) {
    const cv::Mat image = decode_file(t["path"]);
    EXPECT_EQ(image.size(), cv::Size(160, 90));
    EXPECT_EQ(image.channels(), 3) << t.dump();
  }
}

TEST(MediaThumbnails, RefusesAVideoThatIsBlackThroughout) {
  MediaSteps steps;
  const auto clip = Clips::get().black();
  const StepResult out = steps.thumbnails(clip);
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_TRUE(mentions(out.error, clip.string())) << out.error;
  EXPECT_TRUE(mentions(out.error, "every sampled frame is black")) << out.error;
}

TEST(MediaThumbnails, TakesTheVideoFromTheArtifactStore) {
  MediaSteps steps;
  const Json stored = steps.put(fixture_video(kWebm), "video/webm");
  const StepResult out = steps.run("thumbnails", {{"path", stored["hash"]}, {"count", 1}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["video"]["path"], stored["path"]);
}

TEST(MediaThumbnails, StopsWhenCancelled) {
  MediaSteps steps;
  FakeContext call;
  call.cancelled = true;
  const StepResult out = steps.thumbnails(fixture_video(kSmpte), Json::object(), call);
  EXPECT_EQ(out.status, LH_CANCELLED) << out.error;
}

TEST(MediaThumbnails, GivesUpRetryablyOnceTheDeadlineHasPassed) {
  MediaSteps steps;
  FakeContext call;
  call.deadline_ms = 1;  // long past
  const StepResult out = steps.thumbnails(fixture_video(kSmpte), Json::object(), call);
  EXPECT_EQ(out.status, LH_RETRYABLE) << out.error;
  EXPECT_TRUE(mentions(out.error, "deadline")) << out.error;
}

TEST(MediaThumbnails, ExplainsBadOptions) {
  MediaSteps steps;
  const auto video = fixture_video(kWebm);
  const std::vector<std::pair<Json, std::string>> cases = {
      {{{"count", 0}}, "'count' must be an integer from 1 to 20"},
      {{{"widths", Json::array()}}, "'widths' must be a list"},
      {{{"widths", {320, -5}}}, "each of 'widths'"},
      {{{"formats", {"png"}}}, "each of 'formats' must be \"jpeg\" or \"webp\""},
      {{{"jpeg_quality", 101}}, "'jpeg_quality' must be an integer from 1 to 100"},
  };
  for (const auto& [extra, message] : cases) {
    const StepResult out = steps.thumbnails(video, extra);
    EXPECT_EQ(out.status, LH_ERROR) << extra.dump();
    EXPECT_TRUE(mentions(out.error, message)) << extra.dump() << ": " << out.error;
  }
}

}  // namespace
}  // namespace linkhub
