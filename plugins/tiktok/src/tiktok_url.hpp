#pragma once
// Recognises and normalises TikTok video and profile links. Pure functions, no I/O, so
// they can be tested directly, through the plugin ABI and by a fuzzer.
//
//   auto parsed = parse_video_url("  m.tiktok.com/v/6606727368545406213.html?lang=en ");
//   parsed.link->video_id  == "6606727368545406213"
//   parsed.link->url       == "https://www.tiktok.com/@/video/6606727368545406213"

#include <optional>
#include <string>
#include <string_view>

namespace linkhub::tiktok {

// A link to one TikTok video, either with its id or as a short link that
// must be resolved (followed) to learn the id.
struct VideoLink {
  std::string video_id;    // digits; empty for a short link
  std::string user;        // handle without '@'; empty when the URL does not say
  std::string short_code;  // the code of a vm./vt./t/ short link; empty otherwise
  std::string url;         // canonical video URL, or the canonical short link

  bool needs_resolution() const { return video_id.empty(); }
};

// Why a text is not a video link. Callers that follow redirects need to tell
// "some other host" (keep following) from "a TikTok page that is no video".
enum class UrlProblem {
  kNone,
  kMalformed,  // not a URL, bad characters, bad port, bad id ...
  kNotTikTok,  // a host that is not TikTok's (including look-alikes)
  kNotAVideo,  // a TikTok page, but not of the kind asked for (parse_video_url: a profile, photo, tag ...;
               // parse_profile_url: a video, a tag ...)
};

struct UrlParseResult {
  std::optional<VideoLink> link;
  UrlProblem problem = UrlProblem::kNone;
  std::string error;   // a sentence naming the URL and the reason, when !link
  std::string reason;  // the reason alone ("the host 'x' is not TikTok")
};

// A creator's profile: https://www.tiktok.com/@<user>.
struct ProfileLink {
  std::string user;  // the handle without '@'
  std::string url;   // canonical https://www.tiktok.com/@<user>
};

struct ProfileParseResult {
  std::optional<ProfileLink> profile;
  UrlProblem problem = UrlProblem::kNone;
  std::string error;   // a sentence naming the text and the reason, when !profile
  std::string reason;  // the reason alone
};

// Accepts every public form of a TikTok video URL (with or without scheme,
// www./m. hosts, /@user/video/ID, /v/ID.html, /embed/ID, /embed/v2/ID,
// /player/v1/ID, /share/video/ID, /trending?shareId=ID, tiktokv.com) and the
// short links vm.tiktok.com/CODE, vt.tiktok.com/CODE and tiktok.com/t/CODE.
// Query strings, fragments and trailing slashes are ignored.
UrlParseResult parse_video_url(std::string_view text);

// A profile link: https://www.tiktok.com/@<user> (also tiktok.com, m.tiktok.com,
// no scheme, %40 for '@', trailing slashes, query strings such as ?lang=en,
// fragments), or "@<user>" alone. The handle's case is kept. Video links,
// short links (which may lead anywhere), the numeric-id profile links of
// 2019 (/share/user/<id>) and pages under a profile (/@user/live) are refused.
ProfileParseResult parse_profile_url(std::string_view text);

// https://www.tiktok.com/@<user>
std::string canonical_profile_url(std::string_view user);

// https://www.tiktok.com/@<user>/video/<id>; the user may be empty.
std::string canonical_video_url(std::string_view user, std::string_view video_id);

// True for a TikTok handle (letters, digits, '_', '.', '-'; the long
// "MS4wLjABAAAA..." ids TikTok also puts after '@' qualify).
bool is_valid_user(std::string_view user);

// The text as it may appear in a message: trimmed, cut to max_bytes, with
// anything that is not printable ASCII percent-encoded.
std::string url_for_message(std::string_view text, size_t max_bytes = 200);

}  // namespace linkhub::tiktok
