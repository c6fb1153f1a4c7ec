#pragma once
// Picks the frames to make thumbnails of, without decoding the whole video.
//
// The video minus a margin at each end (intros, fades, end cards) is cut into
// `candidates` equal slices. Each slice contributes its last keyframe, when it
// has one: one seek and one decoded frame each. Only when that yields fewer
// than `count` usable frames (near-duplicates count: a video that looks the
// same at every keyframe looks the same between them) are the empty slices
// filled with the frame at their middle, decoded forward from the keyframe
// before it. Streams that
// cannot seek (no duration in the container, or a failed seek) are read once
// from the start, taking the frame at each slice's middle.
//
// Every candidate is measured (frame_quality.hpp); black, white, blank and
// blurred frames are rejected; the rest are taken best score first, skipping
// near-duplicates of frames already taken. Same file, same choice.

#include "frame_quality.hpp"
#include "frame_reader.hpp"
#include "video_file.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace linkhub::media {

struct Candidate {
  DecodedFrame frame;
  FrameQuality quality;
  std::string rejection;   // rejection_of(), "" when usable
  bool duplicate = false;  // usable, but too like a better frame that was chosen
  bool chosen = false;

  // "chosen", a rejection, "duplicate" or "spare" (usable, not needed).
  std::string status() const;
};

struct PickOptions {
  int count = 3;
  int candidates = 12;
  int width = 720;       // frames are decoded this wide (never wider than the video)
  double margin = 0.05;  // share of the duration skipped at each end
};

struct Pick {
  std::vector<Candidate> candidates;  // in time order
  std::vector<size_t> chosen;         // indices into candidates, best first
  // No frame passed the checks, so the best non-black ones were taken anyway
  // (a 1x1 or single-colour video).
  bool fallback = false;
  std::string sampling;  // "keyframes", "keyframes+exact" or "sequential"
  int64_t frames_decoded = 0;
};

// Throws MediaError when no frame can be decoded or every sampled frame is
// black; Interrupted / OutOfTime from the video's Interrupt.
Pick pick_frames(const VideoFile& video, const PickOptions& options);

// Judges the candidates and marks the chosen ones (at most `count`); returns
// their indices best first. Sets `fallback` as Pick::fallback says.
std::vector<size_t> choose_frames(std::vector<Candidate>& candidates, int count, bool& fallback);

}  // namespace linkhub::media
