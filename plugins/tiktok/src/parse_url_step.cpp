#include "parse_url_step.hpp"

#include "tiktok_url.hpp"

namespace linkhub::tiktok {

using sdk::Json;

Json ParseUrlStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"url",
             {{"type", "string"},
              {"description", "A TikTok video URL in any public form; scheme optional, whitespace ignored"}}}}},
          {"required", {"url"}},
          {"additionalProperties", false},
          {"examples",
           {{{"url", "https://www.tiktok.com/@scout2015/video/6718335390845095173"}},
            {{"url", "  vm.tiktok.com/ZMeAbCdEf/ "}}}}};
}

Json ParseUrlStep::output_schema() {
  return {{"type", "object"},
          {"properties",
           {{"video_id", {{"type", {"string", "null"}}, {"description", "The video id; null for a short link"}}},
            {"url",
             {{"type", "string"},
              {"description", "https://www.tiktok.com/@user/video/<id> (user may be empty), or the short link"}}},
            {"user", {{"type", "string"}, {"description", "The @handle without '@'; empty when the URL does not say"}}},
            {"needs_resolution",
             {{"type", "boolean"}, {"description", "True for short links: tiktok.fetch follows them to learn the id"}}},
            {"short_code", {{"type", {"string", "null"}}, {"description", "The code of a short link, else null"}}}}},
          {"required", {"video_id", "url", "user", "needs_resolution", "short_code"}},
          {"additionalProperties", false}};
}

Json ParseUrlStep::run(sdk::Context&, const Json& input) {
  const UrlParseResult parsed = parse_video_url(input.at("url").get<std::string>());
  if (!parsed.link) {
    throw sdk::StepError(parsed.error);
  }
  const VideoLink& link = *parsed.link;
  return {{"video_id", link.needs_resolution() ? Json(nullptr) : Json(link.video_id)},
          {"url", link.url},
          {"user", link.user},
          {"needs_resolution", link.needs_resolution()},
          {"short_code", link.short_code.empty() ? Json(nullptr) : Json(link.short_code)}};
}

}  // namespace linkhub::tiktok
