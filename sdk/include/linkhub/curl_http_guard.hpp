// linkhub plugin SDK: the SSRF guard (linkhub/http_guard.hpp) on a libcurl
// easy handle.
//
// The check runs in libcurl's CURLOPT_OPENSOCKETFUNCTION, which is called
// with the address libcurl is about to connect to, after name resolution,
// for every connection of the transfer: the first one, each redirect's, and
// each address tried in turn. There is no window between the check and the
// connect in which a name could resolve to something else (DNS rebinding).
// A refused address gets no socket, so nothing is ever sent to it.
//
//   linkhub::sdk::http_guard::CurlGuard guard(allow_list);
//   guard.attach(curl);                       // before curl_easy_perform
//   CURLcode rc = curl_easy_perform(curl);
//   if (rc != CURLE_OK && !guard.refusal().empty()) {
//     throw linkhub::sdk::StepError(guard.refusal());   // never worth a retry
//   }
//
// Behind a proxy (http_proxy / CURLOPT_PROXY), the connection checked is the
// one to the proxy.
#pragma once

#include <linkhub/http_guard.hpp>

#include <curl/curl.h>
#include <sys/socket.h>

#include <memory>
#include <string>

namespace linkhub::sdk::http_guard {

class CurlGuard {
 public:
  explicit CurlGuard(AllowList allow) : allow_(std::move(allow)) {}
  CurlGuard(const CurlGuard&) = delete;
  CurlGuard& operator=(const CurlGuard&) = delete;

  // Checks every connection `curl` opens from now on. The guard must outlive
  // the transfers on `curl`.
  void attach(CURL* curl) {
    curl_ = curl;
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, &CurlGuard::open_socket);
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, this);
  }

  // The first refusal of the transfer ("refused: 127.0.0.1 is a loopback
  // address; allow it with http.allow ..."), empty when none. It names the
  // host and address, never the URL's path, query or credentials.
  const std::string& refusal() const { return refusal_; }

 private:
  static curl_socket_t open_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
    auto* self = static_cast<CurlGuard*>(user);
    if (purpose != CURLSOCKTYPE_IPCXN || address == nullptr) {
      return CURL_SOCKET_BAD;
    }
    uint16_t port = 0;
    const auto target = Address::from_sockaddr(&address->addr, &port);
    if (!target) {
      self->refuse("refused: only IPv4 and IPv6 connections are allowed");
      return CURL_SOCKET_BAD;
    }
    if (auto why = self->allow_.refusal(*target, port, self->current_host())) {
      self->refuse(*why);
      return CURL_SOCKET_BAD;
    }
    int type = address->socktype;
#ifdef SOCK_CLOEXEC
    type |= SOCK_CLOEXEC;  // plugins may run child processes (yt-dlp): keep sockets out of them
#endif
    return ::socket(address->family, type, address->protocol);
  }

  // The host of the URL being connected for: libcurl moves the effective URL
  // to each redirect's target before connecting to it.
  std::string current_host() const {
    char* url = nullptr;
    if (curl_ == nullptr || curl_easy_getinfo(curl_, CURLINFO_EFFECTIVE_URL, &url) != CURLE_OK || url == nullptr) {
      return {};
    }
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), &curl_url_cleanup);
    char* host = nullptr;
    if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(parsed.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK || host == nullptr) {
      return {};
    }
    std::string out(host);
    curl_free(host);
    return out;
  }

  void refuse(const std::string& why) {
    if (refusal_.empty()) {
      refusal_ = why;
    }
  }

  AllowList allow_;
  CURL* curl_ = nullptr;
  std::string refusal_;
};

}  // namespace linkhub::sdk::http_guard
