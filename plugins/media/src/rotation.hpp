#pragma once
// Display rotation from container metadata, applied to decoded frames.
//
// FFmpeg's display matrix says how to turn the stored picture for display;
// av_display_rotation_get() gives that angle counterclockwise. We report and
// apply the clockwise angle, as the legacy "rotate" tag of phone videos did:
// a portrait iPhone clip (matrix angle -90) has rotation 90. ffmpeg's own
// autorotation agrees. OpenCV 4.6's VideoCapture (CAP_PROP_ORIENTATION_AUTO,
// on by default) turns 90/270 the other way; we do not decode through it.

#include <opencv2/core.hpp>

#include <cstdint>

namespace linkhub::media {

// 0, 90, 180 or 270: the matrix's rotation clockwise, to the nearest quarter
// turn. A null or degenerate matrix gives 0. Mirroring is ignored.
int clockwise_rotation(const int32_t* display_matrix);

// `frame` turned clockwise by `degrees` (0, 90, 180 or 270).
cv::Mat rotate_clockwise(const cv::Mat& frame, int degrees);

}  // namespace linkhub::media
