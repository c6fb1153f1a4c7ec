#include "video_list.hpp"

#include "text.hpp"

#include <algorithm>
#include <set>

namespace linkhub::tiktok {

sdk::Json ListedVideo::to_json() const {
  return {{"id", id},
          {"url", url},
          {"caption", caption ? sdk::Json(*caption) : sdk::Json(nullptr)},
          {"created_at", created_at ? sdk::Json(*created_at) : sdk::Json(nullptr)}};
}

namespace {

bool id_greater(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() > b.size() : a > b;
}

bool is_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::vector<ListedVideo> newest_first(std::vector<ListedVideo> videos, const std::optional<std::string>& since_id,
                                      size_t limit) {
  struct Keyed {
    std::optional<int64_t> time;
    ListedVideo video;
  };
  std::vector<Keyed> keyed;
  std::set<std::string> seen;
  for (ListedVideo& v : videos) {
    if (seen.insert(v.id).second) {
      std::optional<int64_t> time = v.created_at ? unix_from_iso8601(*v.created_at) : std::nullopt;
      keyed.push_back({time, std::move(v)});
    }
  }
  std::sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    if (a.time.has_value() != b.time.has_value()) {
      return a.time.has_value();
    }
    if (a.time && *a.time != *b.time) {
      return *a.time > *b.time;
    }
    return id_greater(a.video.id, b.video.id);
  });
  std::vector<ListedVideo> out;
  for (Keyed& k : keyed) {
    if ((since_id && k.video.id == *since_id) || out.size() >= limit) {
      break;
    }
    out.push_back(std::move(k.video));
  }
  return out;
}

std::optional<ListedVideo> listed_video(const ProfileLink& profile, std::optional<std::string> id,
                                        const std::optional<std::string>& page_url,
                                        const std::optional<std::string>& handle) {
  std::string user;
  if (page_url) {
    if (const UrlParseResult parsed = parse_video_url(*page_url); parsed.link && !parsed.link->needs_resolution()) {
      user = parsed.link->user;
      if (!id || id->empty()) {
        id = parsed.link->video_id;
      }
    }
  }
  if (!id || !is_digits(*id)) {
    return std::nullopt;
  }
  if (user.empty() && handle && is_valid_user(*handle)) {
    user = *handle;
  }
  ListedVideo video;
  video.id = *id;
  video.url = canonical_video_url(user.empty() ? profile.user : user, video.id);
  return video;
}

}  // namespace linkhub::tiktok
