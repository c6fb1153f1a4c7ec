#pragma once
// One synchronous run of the clockworks/tiktok-scraper actor on Apify
// (run-sync-get-dataset-items), shared by tiktok.fetch and
// tiktok.list_videos: the token, the request, and what each answer means.

#include <linkhub/plugin.hpp>

#include <chrono>
#include <cstddef>
#include <string>

namespace linkhub::tiktok {

struct ApifyRun {
  const sdk::Context& ctx;
  std::string who;       // "tiktok.fetch (apify)": the start of every message
  std::string base_url;  // https://api.apify.com, or a stand-in
  std::chrono::milliseconds timeout;
  size_t max_response_bytes;
};

// Posts `run_input` and returns the dataset items (a JSON array, maybe
// empty). Throws StepError, naming `who`: no APIFY_TOKEN or a refused token
// (permanent), 408 (the actor run timed out: retryable), other 4xx
// (permanent), 429/5xx/transport failures (retryable, by the SDK client),
// malformed JSON or JSON that is not an array (permanent). The token never
// appears in a message.
sdk::Json run_apify_scraper(const ApifyRun& run, const sdk::Json& run_input);

}  // namespace linkhub::tiktok
