// Display-matrix rotation and thumbnail sizing (media_core, called directly).
#include "ffmpeg.hpp"
#include "rotation.hpp"
#include "thumbnail_image.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

namespace linkhub::media {
namespace {

// FFmpeg 5.1's av_display_rotation_set() takes degrees clockwise;
// av_display_rotation_get() (what ffprobe prints as "rotation") gives them
// counterclockwise.
std::array<int32_t, 9> matrix_turning_clockwise(double degrees) {
  std::array<int32_t, 9> m{};
  av_display_rotation_set(m.data(), degrees);
  return m;
}

TEST(MediaRotation, ReadsTheDisplayMatrixAsAClockwiseQuarterTurn) {
  EXPECT_EQ(clockwise_rotation(nullptr), 0);
  EXPECT_EQ(clockwise_rotation(matrix_turning_clockwise(0).data()), 0);
  // A portrait iPhone clip: ffprobe says "rotation: -90"; it is shown turned 90 clockwise.
  const auto portrait = matrix_turning_clockwise(90);
  EXPECT_DOUBLE_EQ(av_display_rotation_get(portrait.data()), -90);
  EXPECT_EQ(clockwise_rotation(portrait.data()), 90);
  EXPECT_EQ(clockwise_rotation(matrix_turning_clockwise(-90).data()), 270);
  EXPECT_EQ(clockwise_rotation(matrix_turning_clockwise(180).data()), 180);
  EXPECT_EQ(clockwise_rotation(matrix_turning_clockwise(-180).data()), 180);
  EXPECT_EQ(clockwise_rotation(matrix_turning_clockwise(80).data()), 90);  // to the nearest quarter
  const std::array<int32_t, 9> degenerate{};
  EXPECT_EQ(clockwise_rotation(degenerate.data()), 0);
}

TEST(MediaRotation, TurnsFramesClockwise) {
  cv::Mat frame(2, 3, CV_8UC1, cv::Scalar(0));
  frame.at<uint8_t>(0, 0) = 255;  // top left
  const cv::Mat quarter = rotate_clockwise(frame, 90);
  ASSERT_EQ(quarter.size(), cv::Size(2, 3));
  EXPECT_EQ(quarter.at<uint8_t>(0, 1), 255);  // now top right
  const cv::Mat three_quarters = rotate_clockwise(frame, 270);
  EXPECT_EQ(three_quarters.at<uint8_t>(2, 0), 255);  // bottom left
  EXPECT_EQ(rotate_clockwise(frame, 180).at<uint8_t>(1, 2), 255);
  EXPECT_EQ(rotate_clockwise(frame, 0).size(), frame.size());
}

TEST(MediaThumbnailImage, ScalesDownWithTheAspectKeptAndNeverUp) {
  const cv::Mat frame(405, 720, CV_8UC3, cv::Scalar(10, 20, 30));
  EXPECT_EQ(fit_width(frame, 320).size(), cv::Size(320, 180));
  EXPECT_EQ(fit_width(frame, 720).size(), cv::Size(720, 405));
  EXPECT_EQ(fit_width(frame, 1080).size(), cv::Size(720, 405));
  EXPECT_EQ(fit_width(frame, 1).size(), cv::Size(1, 1));
  const cv::Mat tall(1000, 10, CV_8UC3);
  EXPECT_EQ(fit_width(tall, 5).size(), cv::Size(5, 500));
}

TEST(MediaThumbnailImage, EncodesJpegAndWebpThatDecodeBack) {
  const cv::Mat frame(90, 160, CV_8UC3, cv::Scalar(200, 100, 50));
  for (ImageFormat format : {ImageFormat::kJpeg, ImageFormat::kWebp}) {
    const std::vector<unsigned char> bytes = encode_image(frame, format, 80);
    const cv::Mat back = cv::imdecode(bytes, cv::IMREAD_COLOR);
    ASSERT_EQ(back.size(), frame.size()) << format_name(format);
    EXPECT_LT(cv::norm(back, frame, cv::NORM_L1) / static_cast<double>(frame.total()), 12.0) << format_name(format);
  }
  EXPECT_EQ(encode_image(frame, ImageFormat::kJpeg, 90), encode_image(frame, ImageFormat::kJpeg, 90));
  EXPECT_THROW(image_format("png"), std::invalid_argument);
}

}  // namespace
}  // namespace linkhub::media
