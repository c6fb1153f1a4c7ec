#pragma once
// Short links (vm.tiktok.com/CODE, vt.tiktok.com/CODE, tiktok.com/t/CODE)
// carry no video id: the id is learnt by following their redirects.

#include "http_client.hpp"
#include "tiktok_url.hpp"

#include <string>

namespace linkhub::tiktok {

constexpr int kMaxShortLinkHops = 5;

// The URL requested for a short link. With a base URL (tests, proxies), its
// scheme and host replace the short link's: "http://127.0.0.1:8080" turns
// https://vm.tiktok.com/CODE/ into http://127.0.0.1:8080/CODE/.
std::string short_link_request_url(const VideoLink& link, const std::string& base_url);

// Requests the short link without following redirects and reads each
// Location until one is a TikTok video URL, which is never requested. Other
// hosts and further short links are followed, at most kMaxShortLinkHops
// requests. Throws StepError: permanent for a dead link, a TikTok page that is
// no video, or too many hops; retryable for 429, 5xx and transport failures.
VideoLink resolve_short_link(const HttpClient& http, const VideoLink& link, const std::string& base_url);

}  // namespace linkhub::tiktok
