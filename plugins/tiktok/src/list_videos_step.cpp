#include "list_videos_step.hpp"

#include "settings.hpp"
#include "video_list.hpp"
#include "video_record.hpp"

namespace linkhub::tiktok {

using sdk::Json;

namespace {

constexpr int64_t kDefaultLimit = 20;
constexpr int64_t kMaxLimit = 200;
// Both run a scraper over a whole profile page, not one request.
constexpr int64_t kDefaultTimeoutMs = 120000;
// 200 Apify dataset items with all their metadata stay far below this.
constexpr size_t kMaxResponseBytes = 32 * 1024 * 1024;

}  // namespace

Json ListVideosStep::input_schema() {
  const auto text = [](const char* what) { return Json{{"type", "string"}, {"description", what}}; };
  return {
      {"type", "object"},
      {"properties",
       {{"profile",
         {{"type", "string"},
          {"description", "The creator: a profile URL (https://www.tiktok.com/@handle, any public form) or @handle"}}},
        {"provider",
         {{"type", "string"},
          {"enum", {"oembed", "apify", "ytdlp", "local"}},
          {"description",
           "Where to list from; default: plugin config `provider`, else oembed (which cannot list: apify, ytdlp "
           "or local can)"}}},
        {"limit",
         {{"type", "integer"},
          {"minimum", 1},
          {"maximum", kMaxLimit},
          {"default", kDefaultLimit},
          {"description", "At most this many videos, the newest"}}},
        {"since_id",
         {{"type", "string"},
          {"description",
           "A video id: the list stops before it (exclusive), so a sync asks only for what is new. When it is "
           "not among the newest `limit` videos, all of them are listed"}}},
        {"base_url", text("API base URL of the apify provider (default https://api.apify.com; plugin config "
                          "apify_base_url)")},
        {"dir", text("local provider: the folder of .info.json files (plugin config local_dir); relative to the "
                     "workflow file")},
        {"timeout_ms",
         {{"type", "integer"},
          {"minimum", 1},
          {"maximum", 3600000},
          {"description",
           "The scraper request (apify) or run (ytdlp); default 120000; never past the step's "
           "deadline"}}}}},
      {"required", {"profile"}},
      // No examples: `linkhub plugins check` runs them offline, and every provider needs a service, a program
      // or a folder (tiktok.fetch declares none either).
      {"additionalProperties", false}};
}

Json ListVideosStep::output_schema() {
  const Json nullable_text = {{"type", {"string", "null"}}};
  return {{"type", "object"},
          {"properties",
           {{"username", {{"type", "string"}, {"description", "The creator's handle without '@'"}}},
            {"provider", {{"type", "string"}, {"description", "The provider that listed them"}}},
            {"videos",
             {{"type", "array"},
              {"description", "Newest first"},
              {"items",
               {{"type", "object"},
                {"properties",
                 {{"id", {{"type", "string"}, {"description", "The video id (digits)"}}},
                  {"url", {{"type", "string"}, {"description", "https://www.tiktok.com/@<user>/video/<id>"}}},
                  {"caption", nullable_text},
                  {"created_at",
                   {{"type", {"string", "null"}}, {"description", "ISO 8601; a date alone when only that is known"}}}}},
                {"required", {"id", "url", "caption", "created_at"}},
                {"additionalProperties", false}}}}}}},
          {"required", {"username", "provider", "videos"}},
          {"additionalProperties", false}};
}

Json ListVideosStep::run(sdk::Context& ctx, const Json& input) {
  Json config = ctx.plugin_config();
  if (!config.is_object()) {
    config = Json::object();
  }
  const std::string provider = provider_setting(input, config);
  const std::string who = "tiktok.list_videos (" + provider + ")";
  if (provider == "oembed") {
    throw sdk::StepError(sdk::errors::invalid_input,
                         who +
                             ": oEmbed describes one video and cannot list a creator's videos; use provider apify, "
                             "ytdlp or local (input `provider` or plugin config `provider`)");
  }
  if (provider != "apify" && provider != "ytdlp" && provider != "local") {
    throw sdk::StepError(sdk::errors::invalid_input,
                         "tiktok.list_videos: unknown provider '" + provider + "'; expected apify, ytdlp or local");
  }
  const auto profile_text = string_field(input, "profile");
  if (!profile_text) {
    throw sdk::StepError(sdk::errors::invalid_input, who + ": `profile` must be a profile URL or @handle");
  }
  const ProfileParseResult parsed = parse_profile_url(*profile_text);
  if (!parsed.profile) {
    throw sdk::StepError(sdk::errors::invalid_input, who + ": " + parsed.error);
  }
  const int64_t limit = integer_field(input, "limit").value_or(kDefaultLimit);
  const int64_t timeout_ms = integer_field(input, "timeout_ms").value_or(kDefaultTimeoutMs);
  if (limit < 1 || limit > kMaxLimit || timeout_ms < 1) {
    throw sdk::StepError(sdk::errors::invalid_input,
                         who + ": limit must be 1 to " + std::to_string(kMaxLimit) + " and timeout_ms at least 1");
  }
  std::optional<std::string> since_id = string_field(input, "since_id");
  if (since_id && since_id->empty()) {
    since_id.reset();  // "" is what a first sync has: no previous video
  }

  const ListRequest request{ctx,
                            input,
                            config,
                            *parsed.profile,
                            static_cast<size_t>(limit),
                            std::chrono::milliseconds(timeout_ms),
                            kMaxResponseBytes,
                            who};
  ctx.debug(who + ": listing " + request.profile.url);
  std::vector<ListedVideo> videos;
  if (provider == "apify") {
    videos = list_apify(request);
  } else if (provider == "ytdlp") {
    videos = list_ytdlp(request);
  } else {
    videos = list_local(request);
  }
  Json list = Json::array();
  for (const ListedVideo& v : newest_first(std::move(videos), since_id, request.limit)) {
    list.push_back(v.to_json());
  }
  return {{"username", request.profile.user}, {"provider", provider}, {"videos", std::move(list)}};
}

}  // namespace linkhub::tiktok
