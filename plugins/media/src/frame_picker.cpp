#include "frame_picker.hpp"

#include "av_log_capture.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace linkhub::media {
namespace {

struct Slice {
  double from_s;
  double until_s;
  double middle_s() const { return (from_s + until_s) / 2; }
};

std::vector<Slice> slices_of(double duration_s, const PickOptions& o) {
  const double from = duration_s * o.margin;
  const double width = duration_s * (1 - 2 * o.margin) / o.candidates;
  std::vector<Slice> slices;
  slices.reserve(static_cast<size_t>(o.candidates));
  for (int i = 0; i < o.candidates; ++i) {
    slices.push_back({from + i * width, from + (i + 1) * width});
  }
  return slices;
}

Candidate candidate_of(DecodedFrame frame) {
  Candidate c;
  c.quality = measure_frame(frame.image);
  c.frame = std::move(frame);
  return c;
}

bool has_frame(const std::vector<Candidate>& candidates, int64_t frame_index) {
  return std::any_of(candidates.begin(), candidates.end(),
                     [&](const Candidate& c) { return c.frame.frame_index == frame_index; });
}

void sort_by_time(std::vector<Candidate>& candidates) {
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.frame.frame_index < b.frame.frame_index; });
}

// Seeks: keyframes first, middles of the empty slices only when needed.
void sample_by_seeking(const VideoFile& video, const PickOptions& o, Pick& pick) {
  FrameReader reader(video, o.width);
  const std::vector<Slice> slices = slices_of(video.info().duration_s, o);
  std::vector<bool> filled(slices.size(), false);
  pick.sampling = "keyframes";
  for (size_t i = 0; i < slices.size(); ++i) {
    if (auto frame = reader.keyframe_between(slices[i].from_s, slices[i].until_s)) {
      if (!has_frame(pick.candidates, frame->frame_index)) {
        pick.candidates.push_back(candidate_of(std::move(*frame)));
        filled[i] = true;
      }
    }
  }
  pick.chosen = choose_frames(pick.candidates, o.count, pick.fallback);
  pick.frames_decoded = reader.frames_decoded();
  // Enough good keyframes, even if some look alike: the video looks the same
  // throughout, and frames between its keyframes would look the same too.
  const auto usable = std::count_if(pick.candidates.begin(), pick.candidates.end(),
                                    [](const Candidate& c) { return c.rejection.empty(); });
  const bool all_filled = std::all_of(filled.begin(), filled.end(), [](bool f) { return f; });
  if (usable >= o.count || all_filled) {
    return;
  }
  pick.sampling = "keyframes+exact";
  for (size_t i = 0; i < slices.size(); ++i) {
    if (filled[i]) {
      continue;
    }
    std::optional<DecodedFrame> frame = reader.frame_at(slices[i].middle_s());
    pick.frames_decoded = reader.frames_decoded();
    if (frame && !has_frame(pick.candidates, frame->frame_index)) {
      pick.candidates.push_back(candidate_of(std::move(*frame)));
    }
  }
  sort_by_time(pick.candidates);
  pick.chosen = choose_frames(pick.candidates, o.count, pick.fallback);
}

// Reads from the start once: for streams without a duration or an index.
void sample_from_start(const VideoFile& seekless, const PickOptions& o, Pick& pick) {
  // A fresh open: the earlier attempt may have left the demuxer anywhere.
  const VideoInfo& info = seekless.info();
  VideoFile video(info.path, info.bytes, seekless.interrupt());
  FrameReader reader(video, o.width);
  std::vector<int64_t> numbers;
  const int64_t frames = std::max<int64_t>(1, info.frame_count);
  for (const Slice& s : slices_of(info.duration_s, o)) {
    const double share = info.duration_s > 0 ? s.middle_s() / info.duration_s : 0.5;
    const auto number = static_cast<int64_t>(std::floor(share * static_cast<double>(frames)));
    numbers.push_back(std::clamp<int64_t>(number, 0, frames - 1));
  }
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  pick.candidates.clear();
  for (DecodedFrame& frame : reader.frames_numbered(numbers)) {
    pick.candidates.push_back(candidate_of(std::move(frame)));
  }
  pick.sampling = "sequential";
  pick.frames_decoded += reader.frames_decoded();
  pick.chosen = choose_frames(pick.candidates, o.count, pick.fallback);
}

}  // namespace

std::string Candidate::status() const {
  if (chosen) {
    return "chosen";
  }
  if (!rejection.empty()) {
    return rejection;
  }
  return duplicate ? "duplicate" : "spare";
}

std::vector<size_t> choose_frames(std::vector<Candidate>& candidates, int count, bool& fallback) {
  double sharpest = 0;
  for (Candidate& c : candidates) {
    c.chosen = false;
    c.duplicate = false;
    c.rejection = rejection_of(c.quality, 0);
    if (c.rejection.empty()) {
      sharpest = std::max(sharpest, c.quality.sharpness);
    }
  }
  for (Candidate& c : candidates) {
    c.rejection = rejection_of(c.quality, sharpest);
  }
  // Best score first; ties go to the earlier frame, so the choice is stable.
  std::vector<size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return candidates[a].quality.score > candidates[b].quality.score; });
  const auto take = [&](bool usable_only) {
    std::vector<size_t> chosen;
    for (size_t i : order) {
      Candidate& c = candidates[i];
      if (c.rejection == "black" || (usable_only && !c.rejection.empty())) {
        continue;
      }
      const bool repeats = std::any_of(chosen.begin(), chosen.end(),
                                       [&](size_t j) { return near_duplicate(c.quality, candidates[j].quality); });
      if (repeats) {
        c.duplicate = true;
      } else if (static_cast<int>(chosen.size()) < count) {
        c.chosen = true;
        chosen.push_back(i);
      }
    }
    return chosen;
  };
  std::vector<size_t> chosen = take(true);
  fallback = chosen.empty();
  if (fallback) {
    chosen = take(false);
  }
  return chosen;
}

Pick pick_frames(const VideoFile& video, const PickOptions& options) {
  PickOptions o = options;
  o.count = std::max(1, o.count);
  o.candidates = std::max(o.count, o.candidates);
  const VideoInfo& info = video.info();
  Pick pick;
  bool seekable = !info.duration_estimated && info.duration_s > 0;
  if (seekable) {
    try {
      sample_by_seeking(video, o, pick);
    } catch (const SeekFailed&) {
      seekable = false;
    }
  }
  if (!seekable) {
    sample_from_start(video, o, pick);
  }
  if (pick.candidates.empty()) {
    throw MediaError(quoted(info.path) + " has no frame that could be decoded" + ffmpeg_says() +
                     "; it may be truncated or corrupt");
  }
  if (pick.chosen.empty()) {
    throw MediaError(quoted(info.path) + ": every sampled frame is black (" + std::to_string(pick.candidates.size()) +
                     " frames looked at), so there is nothing to make a thumbnail of");
  }
  return pick;
}

}  // namespace linkhub::media
