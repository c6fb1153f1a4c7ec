// libFuzzer: any text given to the TikTok URL parsers gets a link or a
// message, never a crash; an accepted link's canonical URL parses back to
// itself with the same id, and ids are digits only; no text is both a video
// and a profile, and a profile's handle passes is_valid_user.
#include "tiktok_url.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkhub::tiktok;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ProfileParseResult p = parse_profile_url(text);
  if (p.profile) {
    const ProfileParseResult again = parse_profile_url(p.profile->url);
    if (!is_valid_user(p.profile->user) || !again.profile || again.profile->url != p.profile->url ||
        parse_video_url(text).link) {
      __builtin_trap();
    }
  } else if (p.error.empty() || p.problem == UrlProblem::kNone) {
    __builtin_trap();
  }
  const UrlParseResult r = parse_video_url(text);
  if (!r.link) {
    if (r.error.empty() || r.problem == UrlProblem::kNone) {
      __builtin_trap();
    }
    return 0;
  }
  const VideoLink& link = *r.link;
  if (!std::all_of(link.video_id.begin(), link.video_id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    __builtin_trap();
  }
  if (link.needs_resolution() == link.short_code.empty()) {
    __builtin_trap();  // exactly one of id and short code
  }
  const UrlParseResult again = parse_video_url(link.url);
  if (!again.link || again.link->url != link.url || again.link->video_id != link.video_id ||
      again.link->short_code != link.short_code) {
    __builtin_trap();
  }
  return 0;
}
