#pragma once
// The providers behind tiktok.list_videos. Each turns a creator's profile
// into a list of their videos (in any order: list_videos sorts them), or
// throws sdk::StepError naming the provider and whether a retry may help.

#include "tiktok_url.hpp"

#include <linkhub/plugin.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace linkhub::tiktok {

struct ListedVideo {
  std::string id;   // digits
  std::string url;  // canonical https://www.tiktok.com/@user/video/<id>
  std::optional<std::string> caption;
  std::optional<std::string> created_at;  // ISO 8601

  sdk::Json to_json() const;
};

// What every listing provider gets, resolved from the input and the plugin config.
struct ListRequest {
  sdk::Context& ctx;
  const sdk::Json& input;
  const sdk::Json& config;
  ProfileLink profile;
  size_t limit;  // 1..200
  std::chrono::milliseconds timeout;
  size_t max_response_bytes;
  std::string who;  // "tiktok.list_videos (apify)"
};

std::vector<ListedVideo> list_apify(const ListRequest& request);
std::vector<ListedVideo> list_ytdlp(const ListRequest& request);
std::vector<ListedVideo> list_local(const ListRequest& request);

// Newest first: by created_at (videos without one last), then by id as a
// number (TikTok ids grow with time); each id once. Then everything from
// `since_id` on is cut (when it is in the list), then all past `limit`.
std::vector<ListedVideo> newest_first(std::vector<ListedVideo> videos, const std::optional<std::string>& since_id,
                                      size_t limit);

// A listed video from what a provider knows: `id` (else the id in `page_url`),
// the handle (`page_url`'s, else `handle`, else the profile's). nullopt when no
// video id can be found.
std::optional<ListedVideo> listed_video(const ProfileLink& profile, std::optional<std::string> id,
                                        const std::optional<std::string>& page_url,
                                        const std::optional<std::string>& handle);

}  // namespace linkhub::tiktok
