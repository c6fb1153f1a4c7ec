#include "fetch_step.hpp"

#include "cover_image.hpp"
#include "http_client.hpp"
#include "providers.hpp"
#include "settings.hpp"
#include "short_link.hpp"
#include "video_record.hpp"

#include <algorithm>
#include <array>

namespace linkhub::tiktok {

using sdk::Json;

namespace {

constexpr int64_t kDefaultHttpTimeoutMs = 15000;
// yt-dlp starts a Python interpreter and may download a whole video.
constexpr int64_t kDefaultYtdlpTimeoutMs = 120000;
constexpr int64_t kDefaultMaxResponseBytes = 5 * 1024 * 1024;
constexpr int64_t kDefaultMaxVideoBytes = 256 * 1024 * 1024;
// TikTok covers are tens of kilobytes; a full-size still is a few megabytes.
constexpr int64_t kDefaultMaxCoverBytes = 10 * 1024 * 1024;
// Short links answer with a redirect; their bodies are never needed.
constexpr size_t kShortLinkMaxBodyBytes = 256 * 1024;

constexpr std::array<const char*, 4> kProviders = {"oembed", "apify", "ytdlp", "local"};

std::string url_text(const Json& value) {
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (auto url = string_field(value, "url")) {
    return *url;  // the output of tiktok.parse_url
  }
  throw sdk::StepError("tiktok.fetch: `url` must be a URL or the output of tiktok.parse_url (an object with `url`)");
}

// The cover as an artifact when the input asks (always, or "if_no_video"):
// media.thumbnails can then make thumbnails of it. Off by default, so a step
// that wants metadata makes no extra request. A local folder is never left
// for the network.
void store_cover(const sdk::Context& ctx, const Json& input, bool local, int64_t timeout_ms, size_t max_bytes,
                 VideoRecord& record) {
  const Json asked = input.value("download_cover", Json(false));
  const bool wanted = asked == Json("if_no_video") ? !record.video_path : asked == Json(true);
  if (!wanted) {
    return;
  }
  if (record.cover_file) {
    record.cover = store_cover_file(ctx, *record.cover_file, max_bytes);
  } else if (record.cover_url && !record.cover_url->empty() && !local) {
    const auto timeout = std::chrono::milliseconds(std::min<int64_t>(timeout_ms, kDefaultHttpTimeoutMs));
    record.cover = download_cover(ctx, *record.cover_url, timeout, max_bytes);
  } else {
    ctx.warn("tiktok.fetch: video " + record.video_id + " has neither a video file nor a cover: no thumbnails");
  }
}

}  // namespace

std::string FetchRequest::setting(const char* key, const char* config_key, const std::string& fallback) const {
  return ::linkhub::tiktok::setting(input, config, key, config_key, fallback);
}

Json FetchStep::input_schema() {
  const auto text = [](const char* what) { return Json{{"type", "string"}, {"description", what}}; };
  return {
      {"type", "object"},
      {"properties",
       {{"url",
         {{"type", {"string", "object"}},
          {"description",
           "A TikTok video URL in any public form (short links are followed), or tiktok.parse_url's "
           "output"}}},
        {"provider",
         {{"type", "string"},
          {"enum", {"oembed", "apify", "ytdlp", "local"}},
          {"description", "Where to read the video from; default: plugin config `provider`, else oembed"}}},
        {"base_url", text("API base URL of the oembed or apify provider (default https://www.tiktok.com, "
                          "https://api.apify.com; plugin config oembed_base_url, apify_base_url)")},
        {"resolve_base_url", text("Scheme and host that replace a short link's when following it (plugin config "
                                  "resolve_base_url); for tests and proxies")},
        {"dir", text("local provider: the folder of <id>.info.json files (plugin config local_dir); relative to the "
                     "workflow file")},
        {"download_video",
         {{"type", "boolean"},
          {"description",
           "Fetch the video file into the artifact directory (default: plugin config download_video, else "
           "true for ytdlp, false for apify; local reports a video it finds)"}}},
        {"timeout_ms",
         {{"type", "integer"},
          {"minimum", 1},
          {"maximum", 3600000},
          {"description",
           "Per request (ytdlp: whole run); default 15000 (ytdlp 120000); never past the step's "
           "deadline"}}},
        {"max_response_bytes",
         {{"type", "integer"},
          {"minimum", 1},
          {"default", kDefaultMaxResponseBytes},
          {"description", "Larger API answers or .info.json files fail the step"}}},
        {"download_cover",
         {{"enum", {false, true, "if_no_video"}},
          {"default", false},
          {"description",
           "Store the cover image as an artifact (output `cover`), so media.thumbnails can work without a "
           "video: true, false, or \"if_no_video\" (when no video file was fetched). oembed, apify and ytdlp "
           "download cover_url; local stores a <name>.jpg/.jpeg/.png/.webp beside the .info.json and never goes "
           "online"}}},
        {"max_cover_bytes",
         {{"type", "integer"},
          {"minimum", 1},
          {"default", kDefaultMaxCoverBytes},
          {"description", "Larger covers fail the step (code bad_output)"}}},
        {"max_video_bytes",
         {{"type", "integer"},
          {"minimum", 1},
          {"default", kDefaultMaxVideoBytes},
          {"description", "Larger video downloads fail (apify) or are skipped (ytdlp)"}}}}},
      {"required", {"url"}},
      {"additionalProperties", false}};
}

Json FetchStep::output_schema() {
  return video_record_schema();
}

Json FetchStep::run(sdk::Context& ctx, const Json& input) {
  Json config = ctx.plugin_config();
  if (!config.is_object()) {
    config = Json::object();
  }
  const std::string provider = provider_setting(input, config);
  if (std::find(kProviders.begin(), kProviders.end(), provider) == kProviders.end()) {
    throw sdk::StepError("tiktok.fetch: unknown provider '" + provider + "'; expected oembed, apify, ytdlp or local");
  }
  const UrlParseResult parsed = parse_video_url(url_text(input.contains("url") ? input["url"] : Json()));
  if (!parsed.link) {
    throw sdk::StepError("tiktok.fetch: " + parsed.error);
  }

  const int64_t timeout_ms =
      integer_field(input, "timeout_ms").value_or(provider == "ytdlp" ? kDefaultYtdlpTimeoutMs : kDefaultHttpTimeoutMs);
  const int64_t max_response = integer_field(input, "max_response_bytes").value_or(kDefaultMaxResponseBytes);
  const int64_t max_video = integer_field(input, "max_video_bytes").value_or(kDefaultMaxVideoBytes);
  const int64_t max_cover = integer_field(input, "max_cover_bytes").value_or(kDefaultMaxCoverBytes);
  if (timeout_ms < 1 || max_response < 1 || max_video < 1 || max_cover < 1) {
    throw sdk::StepError(
        "tiktok.fetch: timeout_ms, max_response_bytes, max_video_bytes and max_cover_bytes must be at least 1");
  }
  // The input, else the plugin config (so one workflow serves every provider), else per provider.
  std::optional<bool> download;
  for (const Json* from : std::array<const Json*, 2>{&input, &config}) {
    if (auto it = from->find("download_video"); !download && it != from->end() && it->is_boolean()) {
      download = it->get<bool>();
    }
  }
  FetchRequest request{ctx,
                       input,
                       config,
                       *parsed.link,
                       std::chrono::milliseconds(timeout_ms),
                       static_cast<size_t>(max_response),
                       static_cast<size_t>(max_video),
                       download.value_or(provider == "ytdlp")};

  if (request.link.needs_resolution()) {
    const HttpClient http(ctx, "tiktok.fetch (short link)", request.timeout, kShortLinkMaxBodyBytes);
    request.link = resolve_short_link(http, request.link, request.setting("resolve_base_url", "resolve_base_url", ""));
  }
  ctx.debug("tiktok.fetch: video " + request.link.video_id + " from " + provider);
  VideoRecord record;
  if (provider == "oembed") {
    record = fetch_oembed(request);
  } else if (provider == "apify") {
    record = fetch_apify(request);
  } else if (provider == "ytdlp") {
    record = fetch_ytdlp(request);
  } else {
    record = fetch_local(request);
  }
  store_cover(ctx, input, provider == "local", timeout_ms, static_cast<size_t>(max_cover), record);
  return record.to_json();
}

}  // namespace linkhub::tiktok
