#pragma once
// What both media steps share: finding the input file, the interrupt that
// follows the step's context, the video's JSON, and turning the media
// library's exceptions into the SDK's.

#include "media_error.hpp"
#include "video_file.hpp"

#include <linkhub/plugin.hpp>

#include <opencv2/core.hpp>

#include <filesystem>
#include <string>

namespace linkhub::media {

// `path` from the input: "sha256:..." is looked up in the artifact store; a
// relative path is relative to the workflow's folder. Throws StepError when a
// hash is unknown.
std::string input_path(const sdk::Context& ctx, const sdk::Json& input);

// Stops work when the step is cancelled or its deadline passes.
Interrupt interrupt_of(const sdk::Context& ctx);

// The probe output: every field of VideoInfo, null where unknown.
sdk::Json video_json(const VideoInfo& v);
sdk::Json video_schema();

// Rounds to micro-units, so outputs print the same everywhere.
double rounded(double value, int decimals = 6);

// An integer input within [lo, hi], or `fallback` when absent. Throws StepError otherwise.
int int_input(const sdk::Json& input, const char* key, int fallback, int lo, int hi);

// Runs `work`: a MediaError becomes a permanent StepError (invalid_input), OutOfTime a
// retryable one, Interrupted becomes Cancelled, and whatever OpenCV or the
// file system throws becomes a StepError with its message.
template <class Work>
auto with_step_errors(Work&& work) -> decltype(work()) {
  try {
    return work();
  } catch (const MediaError& e) {
    throw sdk::StepError(sdk::errors::invalid_input, e.what());
  } catch (const OutOfTime& e) {
    throw sdk::StepError(e.what(), true);
  } catch (const Interrupted&) {
    throw sdk::Cancelled();
  } catch (const cv::Exception& e) {
    throw sdk::StepError(std::string("OpenCV failed: ") + e.what());
  } catch (const std::filesystem::filesystem_error& e) {
    throw sdk::StepError(e.what());
  }
}

}  // namespace linkhub::media
