#pragma once
// The providers behind tiktok.fetch. Each turns one video link into the same
// VideoRecord, or throws sdk::StepError saying what went wrong and whether a
// retry may help.

#include "tiktok_url.hpp"
#include "video_record.hpp"

#include <linkhub/plugin.hpp>

#include <chrono>
#include <cstddef>
#include <string>

namespace linkhub::tiktok {

// What every provider gets: the step's context, its input, the plugin's
// configuration and the limits already resolved from both.
struct FetchRequest {
  sdk::Context& ctx;
  const sdk::Json& input;
  const sdk::Json& config;
  VideoLink link;  // never a short link: those are resolved first
  std::chrono::milliseconds timeout;
  size_t max_response_bytes;
  size_t max_video_bytes;
  bool download_video;

  // input[key], else config[config_key], else fallback; strings only.
  std::string setting(const char* key, const char* config_key, const std::string& fallback) const;
};

VideoRecord fetch_oembed(const FetchRequest& request);
VideoRecord fetch_apify(const FetchRequest& request);
VideoRecord fetch_ytdlp(const FetchRequest& request);
VideoRecord fetch_local(const FetchRequest& request);

}  // namespace linkhub::tiktok
