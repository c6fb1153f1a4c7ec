// tiktok.list_videos, provider "apify": the same clockworks/tiktok-scraper
// actor as tiktok.fetch, asked for a profile's latest videos.
#include "apify_actor.hpp"
#include "settings.hpp"
#include "text.hpp"
#include "video_list.hpp"
#include "video_record.hpp"

namespace linkhub::tiktok {

using sdk::Json;

std::vector<ListedVideo> list_apify(const ListRequest& request) {
  const ApifyRun run{request.ctx, request.who,
                     setting(request.input, request.config, "base_url", "apify_base_url", "https://api.apify.com"),
                     request.timeout, request.max_response_bytes};
  const Json items = run_apify_scraper(run, {{"profiles", {request.profile.user}},
                                             {"resultsPerPage", request.limit},
                                             {"profileScrapeSections", {"videos"}},
                                             {"profileSorting", "latest"},
                                             {"excludePinnedPosts", false},
                                             {"shouldDownloadVideos", false},
                                             {"shouldDownloadCovers", false},
                                             {"shouldDownloadSubtitles", false},
                                             {"shouldDownloadSlideshowImages", false}});
  std::vector<ListedVideo> videos;
  std::string problem;  // the scraper's own error, when an item is one
  size_t unreadable = 0;
  for (const Json& item : items) {
    const auto id = string_field(item, "id");
    const auto page = string_field(item, "webVideoUrl");
    if (!id && !page) {
      // {"error": "...", "url": ...}: what the scraper says about a profile it could not read.
      const auto why =
          string_field(item, "error") ? string_field(item, "error") : string_field(item, "errorDescription");
      if (why && problem.empty()) {
        problem = excerpt(*why);
      } else if (!why) {
        ++unreadable;
      }
      continue;
    }
    auto video = listed_video(request.profile, id, page, string_field(object_field(item, "authorMeta"), "name"));
    if (!video) {
      ++unreadable;
      continue;
    }
    video->caption = string_field(item, "text");
    video->created_at = string_field(item, "createTimeISO");
    if (!video->created_at) {
      if (auto seconds = integer_field(item, "createTime")) {
        video->created_at = iso8601_from_unix(*seconds);
      }
    }
    videos.push_back(std::move(*video));
  }
  if (videos.empty() && !problem.empty()) {
    throw sdk::StepError(request.who + ": the scraper could not list " + request.profile.url + ": " + problem);
  }
  if (videos.empty() && unreadable > 0) {
    throw sdk::StepError(request.who + ": none of the " + std::to_string(items.size()) +
                         " dataset items is a video (no id or webVideoUrl)");
  }
  if (unreadable > 0) {
    request.ctx.warn(request.who + ": skipped " + std::to_string(unreadable) + " dataset items without a video id");
  }
  return videos;
}

}  // namespace linkhub::tiktok
