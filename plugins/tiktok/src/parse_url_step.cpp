#include "parse_url_step.hpp"

#include "tiktok_url.hpp"

namespace linkhub::tiktok {

using sdk::Json;

Json ParseUrlStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"url",
             {{"type", "string"},
              {"description",
               "A TikTok video or profile URL in any public form, or @handle; scheme optional, whitespace "
               "ignored"}}}}},
          {"required", {"url"}},
          {"additionalProperties", false},
          {"examples",
           {{{"url", "https://www.tiktok.com/@scout2015/video/6718335390845095173"}},
            {{"url", "  vm.tiktok.com/ZMeAbCdEf/ "}},
            {{"url", "https://www.tiktok.com/@scout2015?lang=en"}}}}};
}

Json ParseUrlStep::output_schema() {
  // One object with every field (so `linkhub validate` knows them all); which
  // ones are present depends on `kind`.
  return {
      {"type", "object"},
      {"properties",
       {{"kind", {{"enum", {"video", "profile"}}, {"description", "What the link points at"}}},
        {"video_id", {{"type", {"string", "null"}}, {"description", "video: the video id; null for a short link"}}},
        {"url",
         {{"type", "string"},
          {"description",
           "video: https://www.tiktok.com/@user/video/<id> (user may be empty), or the short link; profile: "
           "https://www.tiktok.com/@<username>"}}},
        {"user",
         {{"type", "string"}, {"description", "video: the @handle without '@'; empty when the URL does not say"}}},
        {"needs_resolution",
         {{"type", "boolean"},
          {"description", "video: true for short links, which tiktok.fetch follows to learn the id"}}},
        {"short_code", {{"type", {"string", "null"}}, {"description", "video: the code of a short link, else null"}}},
        {"username", {{"type", "string"}, {"description", "profile: the handle without '@'"}}}}},
      {"required", {"kind", "url"}},
      {"oneOf",
       {{{"properties", {{"kind", {{"const", "video"}}}}},
         {"required", {"video_id", "user", "needs_resolution", "short_code"}}},
        {{"properties", {{"kind", {{"const", "profile"}}}}}, {"required", {"username"}}}}},
      {"additionalProperties", false}};
}

Json ParseUrlStep::run(sdk::Context&, const Json& input) {
  const std::string text = input.at("url").get<std::string>();
  const UrlParseResult parsed = parse_video_url(text);
  if (parsed.link) {
    const VideoLink& link = *parsed.link;
    return {{"kind", "video"},
            {"video_id", link.needs_resolution() ? Json(nullptr) : Json(link.video_id)},
            {"url", link.url},
            {"user", link.user},
            {"needs_resolution", link.needs_resolution()},
            {"short_code", link.short_code.empty() ? Json(nullptr) : Json(link.short_code)}};
  }
  const ProfileParseResult profile = parse_profile_url(text);
  if (profile.profile) {
    return {{"kind", "profile"}, {"url", profile.profile->url}, {"username", profile.profile->user}};
  }
  // "@..." was meant as a handle; anything else gets the video parser's
  // reason, which knows the page kinds (photo, live, tag ...).
  const size_t first = text.find_first_not_of(" \t\r\n\f\v");
  const std::string& reason = first != std::string::npos && text[first] == '@' ? profile.reason : parsed.reason;
  throw sdk::StepError(sdk::errors::invalid_input,
                       "'" + url_for_message(text) + "' is not a TikTok video or profile link: " + reason);
}

}  // namespace linkhub::tiktok
