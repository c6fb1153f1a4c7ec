#include "tiktok_url.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace linkhub::tiktok {
namespace {

// Longer than any real share link with its tracking parameters; a bound keeps
// pathological input cheap.
constexpr size_t kMaxUrlBytes = 4096;
constexpr size_t kMaxUserBytes = 128;
constexpr size_t kMaxShortCodeBytes = 64;
// TikTok ids are 64-bit numbers (19 digits today); the 2019 forms had 6+.
constexpr size_t kMinIdDigits = 6;
constexpr size_t kMaxIdDigits = 20;

enum class HostKind { kMain, kShort, kApi };

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), to_lower);
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

bool is_all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

bool is_video_id(std::string_view s) {
  return s.size() >= kMinIdDigits && s.size() <= kMaxIdDigits && is_all_digits(s);
}

bool is_short_code(std::string_view s) {
  return !s.empty() && s.size() <= kMaxShortCodeBytes &&
         std::all_of(s.begin(), s.end(), [](char c) { return is_alpha(c) || is_digit(c) || c == '_' || c == '-'; });
}

int hex_value(char c) {
  if (is_digit(c)) {
    return c - '0';
  }
  c = to_lower(c);
  return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

// Percent-decodes; nullopt when an escape is broken.
std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) {
      return std::nullopt;
    }
    const int hi = hex_value(s[i + 1]);
    const int lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t end = s.find(sep, start);
    const size_t stop = end == std::string_view::npos ? s.size() : end;
    parts.push_back(s.substr(start, stop - start));
    if (end == std::string_view::npos) {
      break;
    }
    start = end + 1;
  }
  return parts;
}

std::optional<std::string> query_value(std::string_view query, std::string_view key) {
  for (std::string_view pair : split(query, '&')) {
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == key) {
      return percent_decode(pair.substr(eq + 1));
    }
  }
  return std::nullopt;
}

std::optional<HostKind> host_kind(std::string_view host) {
  static constexpr std::array<std::pair<std::string_view, HostKind>, 7> kHosts{{
      {"tiktok.com", HostKind::kMain},
      {"www.tiktok.com", HostKind::kMain},
      {"m.tiktok.com", HostKind::kMain},
      {"vm.tiktok.com", HostKind::kShort},
      {"vt.tiktok.com", HostKind::kShort},
      {"tiktokv.com", HostKind::kApi},
      {"www.tiktokv.com", HostKind::kApi},
  }};
  for (const auto& [name, kind] : kHosts) {
    if (host == name) {
      return kind;
    }
  }
  return std::nullopt;
}

UrlParseResult fail(std::string_view shown, UrlProblem problem, const std::string& reason) {
  UrlParseResult r;
  r.problem = problem;
  r.reason = reason;
  r.error = "'" + url_for_message(shown) + "' is not a TikTok video link: " + reason;
  return r;
}

// A URL taken apart: which TikTok host, the decoded path segments (empty ones
// dropped) and the raw query. `failure` is set instead when the text is no
// URL on a TikTok host.
struct SplitUrl {
  HostKind kind = HostKind::kMain;
  std::string host;
  std::vector<std::string> seg;
  std::string_view query;
  std::optional<UrlParseResult> failure;
};

UrlParseResult video(std::string user, std::string id) {
  VideoLink link;
  link.url = canonical_video_url(user, id);
  link.user = std::move(user);
  link.video_id = std::move(id);
  return {std::move(link), UrlProblem::kNone, {}, {}};
}

UrlParseResult short_link(std::string code, std::string url) {
  VideoLink link;
  link.short_code = std::move(code);
  link.url = std::move(url);
  return {std::move(link), UrlProblem::kNone, {}, {}};
}

// What a path that is not a video points at, for the error message.
std::string describe_non_video(const std::vector<std::string>& seg) {
  if (seg.empty()) {
    return "it is TikTok's home page, not a video";
  }
  const std::string& first = seg[0];
  if (first.size() > 1 && first[0] == '@') {
    if (seg.size() == 1) {
      return "it is the profile of " + first + ", not a video";
    }
    const std::string kind = lower(seg[1]);
    if (kind == "photo") {
      return "it is a photo post, not a video";
    }
    if (kind == "live") {
      return "it is a live stream, not a video";
    }
    if (kind == "collection" || kind == "playlist") {
      return "it is a collection of videos, not one video";
    }
  }
  const std::string kind = lower(first);
  if (kind == "tag") {
    return "it is a hashtag page, not a video";
  }
  if (kind == "music") {
    return "it is a sound page, not a video";
  }
  if (kind == "sticker") {
    return "it is an effect page, not a video";
  }
  if (kind == "share" && seg.size() > 1 && lower(seg[1]) == "user") {
    return "it is a profile, not a video";
  }
  if (kind == "share" && seg.size() > 1 && lower(seg[1]) == "live") {
    return "it is a live stream, not a video";
  }
  if (kind == "h5" && seg.size() > 2 && lower(seg[2]) == "usr") {
    return "it is a profile, not a video";
  }
  return "the path does not point at a video";
}

}  // namespace

std::string canonical_profile_url(std::string_view user) {
  return "https://www.tiktok.com/@" + std::string(user);
}

std::string canonical_video_url(std::string_view user, std::string_view video_id) {
  return "https://www.tiktok.com/@" + std::string(user) + "/video/" + std::string(video_id);
}

bool is_valid_user(std::string_view user) {
  return !user.empty() && user.size() <= kMaxUserBytes && std::all_of(user.begin(), user.end(), [](char c) {
    return is_alpha(c) || is_digit(c) || c == '_' || c == '.' || c == '-';
  });
}

std::string url_for_message(std::string_view text, size_t max_bytes) {
  text = trim(text);
  const bool cut = text.size() > max_bytes;
  if (cut) {
    text = text.substr(0, max_bytes);
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + 3);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c > 0x20 && c < 0x7f && c != '\'') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    }
  }
  if (cut) {
    out += "...";
  }
  return out;
}

namespace {

SplitUrl split_url(std::string_view shown) {
  SplitUrl out;
  const auto refuse = [&](UrlProblem problem, const std::string& reason) {
    out.failure = fail(shown, problem, reason);
    return out;
  };
  std::string_view rest = shown;
  if (rest.empty()) {
    return refuse(UrlProblem::kMalformed, "the URL is empty");
  }
  if (rest.size() > kMaxUrlBytes) {
    return refuse(UrlProblem::kMalformed, "the URL is longer than " + std::to_string(kMaxUrlBytes) + " bytes");
  }
  for (char ch : rest) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f) {
      return refuse(UrlProblem::kMalformed, "it contains spaces or control characters");
    }
  }

  // Scheme: http, https, or none ("tiktok.com/...", "//tiktok.com/...").
  if (const size_t sep = rest.find("://"); sep != std::string_view::npos && sep < rest.find_first_of("/?#")) {
    const std::string scheme = lower(rest.substr(0, sep));
    if (scheme != "http" && scheme != "https") {
      return refuse(UrlProblem::kMalformed, "the scheme '" + url_for_message(scheme, 20) + "' is not http or https");
    }
    rest.remove_prefix(sep + 3);
  } else if (rest.substr(0, 2) == "//") {
    rest.remove_prefix(2);
  }

  const size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  std::string_view authority = rest.substr(0, authority_end);
  rest.remove_prefix(authority_end);
  if (authority.empty()) {
    return refuse(UrlProblem::kMalformed, "it has no host");
  }
  if (authority.find('@') != std::string_view::npos) {
    // user:password@host also hides the real host from a quick read.
    return refuse(UrlProblem::kMalformed, "it carries user information before the host");
  }
  if (authority.front() == '[') {
    return refuse(UrlProblem::kNotTikTok, "an IP address is not TikTok");
  }
  std::string_view port;
  if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    port = authority.substr(colon + 1);
    authority = authority.substr(0, colon);
  }
  std::string host = lower(authority);
  if (!host.empty() && host.back() == '.') {
    host.pop_back();  // "www.tiktok.com." is the same host, written absolutely
  }
  const auto kind = host_kind(host);
  if (!kind) {
    const bool sub = host.size() > 11 && host.compare(host.size() - 11, 11, ".tiktok.com") == 0;
    return refuse(sub ? UrlProblem::kNotAVideo : UrlProblem::kNotTikTok,
                  "the host '" + url_for_message(host, 80) + (sub ? "' serves no videos" : "' is not TikTok"));
  }
  // The host decides first: a redirect to another host on any port is "not TikTok", not "malformed".
  if (port != "443" && port != "80" && !port.empty()) {
    return refuse(UrlProblem::kMalformed, "the port '" + url_for_message(port, 10) + "' is not 80 or 443");
  }

  const size_t path_end = std::min(rest.find_first_of("?#"), rest.size());
  const std::string_view raw_path = rest.substr(0, path_end);
  if (path_end < rest.size() && rest[path_end] == '?') {
    out.query = rest.substr(path_end + 1);
    out.query = out.query.substr(0, std::min(out.query.find('#'), out.query.size()));
  }

  // Empty segments come from trailing or doubled slashes; they carry nothing.
  for (std::string_view part : split(raw_path, '/')) {
    if (part.empty()) {
      continue;
    }
    auto decoded = percent_decode(part);
    if (!decoded) {
      return refuse(UrlProblem::kMalformed, "the path has a broken %-escape");
    }
    if (decoded->empty() || decoded->find_first_of(std::string_view("/\0", 2)) != std::string::npos) {
      return refuse(UrlProblem::kMalformed, "the path has an encoded '/' or NUL");
    }
    out.seg.push_back(std::move(*decoded));
  }
  out.kind = *kind;
  out.host = std::move(host);
  return out;
}

}  // namespace

UrlParseResult parse_video_url(std::string_view text) {
  const std::string_view shown = trim(text);
  SplitUrl split = split_url(shown);
  if (split.failure) {
    return std::move(*split.failure);
  }
  const std::vector<std::string>& seg = split.seg;
  const std::string& host = split.host;
  const std::string_view query = split.query;
  const auto bad_id = [&](const std::string& id) {
    return fail(shown, UrlProblem::kMalformed,
                "the video id '" + url_for_message(id, 40) + "' is not a number of 6 to 20 digits");
  };

  if (split.kind == HostKind::kShort) {
    if (seg.size() != 1 || !is_short_code(seg[0])) {
      return fail(shown, UrlProblem::kMalformed, "a short link is " + host + "/<code> with letters and digits");
    }
    return short_link(seg[0], "https://" + host + "/" + seg[0] + "/");
  }

  if (split.kind == HostKind::kApi) {
    if (seg.size() == 3 && lower(seg[0]) == "share" && lower(seg[1]) == "video") {
      return is_video_id(seg[2]) ? video("", seg[2]) : bad_id(seg[2]);
    }
    return fail(shown, UrlProblem::kNotAVideo, "only /share/video/<id> links on " + host + " are videos");
  }

  if (seg.size() == 3 && seg[0][0] == '@' && lower(seg[1]) == "video") {
    const std::string user = seg[0].substr(1);
    if (!user.empty() && !is_valid_user(user)) {
      return fail(shown, UrlProblem::kMalformed, "'@" + url_for_message(user, 40) + "' is not a TikTok user name");
    }
    return is_video_id(seg[2]) ? video(user, seg[2]) : bad_id(seg[2]);
  }
  const std::string first = seg.empty() ? std::string() : lower(seg[0]);
  if (first == "v" && seg.size() == 2) {
    std::string id = seg[1];
    if (id.size() > 5 && lower(id.substr(id.size() - 5)) == ".html") {
      id.resize(id.size() - 5);
    }
    return is_video_id(id) ? video("", id) : bad_id(id);
  }
  if (first == "embed" && (seg.size() == 2 || (seg.size() == 3 && lower(seg[1]) == "v2"))) {
    return is_video_id(seg.back()) ? video("", seg.back()) : bad_id(seg.back());
  }
  if (first == "player" && seg.size() == 3 && lower(seg[1]) == "v1") {
    return is_video_id(seg[2]) ? video("", seg[2]) : bad_id(seg[2]);
  }
  if (first == "share" && seg.size() == 3 && lower(seg[1]) == "video") {
    return is_video_id(seg[2]) ? video("", seg[2]) : bad_id(seg[2]);
  }
  if (first == "t" && seg.size() == 2) {
    if (!is_short_code(seg[1])) {
      return fail(shown, UrlProblem::kMalformed, "a short link is tiktok.com/t/<code> with letters and digits");
    }
    return short_link(seg[1], "https://www.tiktok.com/t/" + seg[1] + "/");
  }
  if (first == "trending" && seg.size() == 1) {
    if (auto id = query_value(query, "shareId")) {
      return is_video_id(*id) ? video("", *id) : bad_id(*id);
    }
  }
  return fail(shown, UrlProblem::kNotAVideo, describe_non_video(seg));
}

}  // namespace linkhub::tiktok

namespace linkhub::tiktok {
namespace {

ProfileParseResult not_a_profile(std::string_view shown, UrlProblem problem, const std::string& reason) {
  ProfileParseResult r;
  r.problem = problem;
  r.reason = reason;
  r.error = "'" + url_for_message(shown) + "' is not a TikTok profile link: " + reason;
  return r;
}

ProfileParseResult profile(std::string user) {
  ProfileLink link;
  link.url = canonical_profile_url(user);
  link.user = std::move(user);
  return {std::move(link), UrlProblem::kNone, {}, {}};
}

}  // namespace

ProfileParseResult parse_profile_url(std::string_view text) {
  const std::string_view shown = trim(text);
  // "@handle" alone: no scheme or host to check, only the handle's characters,
  // which leave no room for a path, a query or another host.
  if (!shown.empty() && shown.front() == '@') {
    const std::string_view user = shown.substr(1);
    if (!is_valid_user(user)) {
      return not_a_profile(shown, UrlProblem::kMalformed,
                           "it is not a TikTok handle (letters, digits, '_', '.', '-', at most " +
                               std::to_string(kMaxUserBytes) + " after '@')");
    }
    return profile(std::string(user));
  }
  SplitUrl split = split_url(shown);
  if (split.failure) {
    return not_a_profile(shown, split.failure->problem, split.failure->reason);
  }
  const std::vector<std::string>& seg = split.seg;
  if (split.kind == HostKind::kMain && seg.size() == 1 && seg[0].size() > 1 && seg[0][0] == '@') {
    const std::string user = seg[0].substr(1);
    if (!is_valid_user(user)) {
      return not_a_profile(shown, UrlProblem::kMalformed,
                           "'@" + url_for_message(user, 40) + "' is not a TikTok user name");
    }
    return profile(user);
  }
  if (split.kind == HostKind::kShort || (!seg.empty() && lower(seg[0]) == "t")) {
    return not_a_profile(shown, UrlProblem::kNotAVideo,
                         "it is a short link; only https://www.tiktok.com/@<handle> names a profile");
  }
  const std::string first = seg.empty() ? std::string() : lower(seg[0]);
  if ((first == "share" && seg.size() > 1 && lower(seg[1]) == "user") ||
      (first == "h5" && seg.size() > 2 && lower(seg[2]) == "usr")) {
    return not_a_profile(shown, UrlProblem::kNotAVideo,
                         "it is a legacy profile link by numeric id; use https://www.tiktok.com/@<handle>");
  }
  if (parse_video_url(shown).link) {
    return not_a_profile(shown, UrlProblem::kNotAVideo, "it is a video, not a profile");
  }
  return not_a_profile(shown, UrlProblem::kNotAVideo,
                       "the path does not point at a profile (https://www.tiktok.com/@<handle>)");
}

}  // namespace linkhub::tiktok
