#include "short_link.hpp"

namespace linkhub::tiktok {

std::string short_link_request_url(const VideoLink& link, const std::string& base_url) {
  if (base_url.empty()) {
    return link.url;
  }
  const size_t scheme = link.url.find("://");
  const size_t path = link.url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  return base + (path == std::string::npos ? "/" : link.url.substr(path));
}

VideoLink resolve_short_link(const HttpClient& http, const VideoLink& link, const std::string& base_url) {
  std::string url = short_link_request_url(link, base_url);
  const std::string what = "the short link " + link.url;
  for (int hop = 0; hop < kMaxShortLinkHops; ++hop) {
    HttpRequest request;
    request.url = url;
    const HttpResponse response = http.send(request);
    const std::string target = http.describe("GET", url);
    if (response.status >= 300 && response.status < 400 && !response.redirect_url.empty()) {
      UrlParseResult next = parse_video_url(response.redirect_url);
      if (next.link && !next.link->needs_resolution()) {
        http.ctx().debug(what + " is video " + next.link->video_id);
        return *next.link;
      }
      if (!next.link && next.problem == UrlProblem::kNotAVideo) {
        // TikTok sends dead codes to its home page or a similar non-video page.
        throw sdk::StepError(http.who() + ": " + what + " leads to " + url_without_query(response.redirect_url) +
                             ", which is not a video (expired or mistyped link?)");
      }
      if (!next.link && next.problem == UrlProblem::kMalformed) {
        throw sdk::StepError(http.who() + ": " + what + " redirects to a malformed URL: " + next.error);
      }
      url = response.redirect_url;  // another short link, or an intermediate host
      continue;
    }
    if (response.status == 404 || response.status == 410) {
      throw sdk::StepError(http.who() + ": " + what + " does not exist (" + target + " answered " +
                           std::to_string(response.status) + ")");
    }
    http.fail_on_status(response, target);
    throw sdk::StepError(http.who() + ": " + what + " did not redirect to a video (" + target + " answered " +
                         std::to_string(response.status) + ")");
  }
  throw sdk::StepError(http.who() + ": " + what + " redirected " + std::to_string(kMaxShortLinkHops) +
                       " times without reaching a video (a redirect loop?)");
}

}  // namespace linkhub::tiktok
