// linkhub plugin SDK: the HTTP client every plugin uses (header-only, over
// libcurl: link your plugin with CURL::libcurl).
//
//   linkhub::sdk::http::Client http(ctx, "myplugin", std::chrono::seconds(30), 1 << 20, {*token});
//   linkhub::sdk::http::Request get;
//   get.url = "https://api.example.com/v1/items?id=7";
//   const auto response = http.send(get);                // transport failures throw StepError
//   http.fail_on_status(response, http.describe("GET", get.url));  // 4xx/5xx throw StepError
//
// What every request gets, so that no plugin has to remember it:
// - a timeout: the client's, cut to what is left of the step's deadline;
// - cancellation: a cancelled run stops the transfer within about a second
//   (libcurl's progress callback polls ctx.cancelled()) and throws Cancelled;
// - the SSRF guard (linkhub/curl_http_guard.hpp) on every connection,
//   redirect hops included; redirects only when asked, at most max_redirects;
// - proxies from the standard environment variables, read by libcurl itself
//   (http_proxy, https_proxy, no_proxy; upper-case HTTPS_PROXY/NO_PROXY too);
// - a cap on the response body (max_body_bytes);
// - the host's circuit breaker (linkhub/circuit_breaker.hpp, shared by every
//   step in the process): checked before the request, which fails at once with
//   code `unavailable` ("circuit open for HOST until T") while it is open, and
//   told the outcome after (a transport failure, 429 or 5xx counts as a failure);
// - Retry-After honoured: a 429 or 5xx error carries {"retry_after_ms": n}
//   in its details and says so in its message;
// - messages that show neither query strings nor credentials nor `secrets`.
#pragma once

#include <linkhub/curl_http_guard.hpp>
#include <linkhub/http_guard.hpp>
#include <linkhub/percent_encode.hpp>
#include <linkhub/plugin.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkhub::sdk::http {

struct Request {
  std::string method = "GET";        // GET, HEAD, POST, PUT, PATCH, DELETE ...
  std::string url;                   // http:// or https://
  std::vector<std::string> headers;  // "Name: value" (values never appear in messages)
  std::string body;                  // sent with POST, PUT, PATCH (or any method, when not empty)
  bool follow_redirects = false;
  long max_redirects = 5;
  std::string user_agent = "linkhub/1.1";
};

struct Response {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names, last response only
  std::string body;
  std::string url;                                       // the URL answered, after any redirects followed
  std::string redirect_url;                              // the absolute Location of a 3xx, when not followed
  std::optional<std::chrono::milliseconds> retry_after;  // from Retry-After (seconds or an HTTP date)
};

// The smaller of `requested` and the time left before the step's deadline,
// at least 1 ms.
inline std::chrono::milliseconds bounded_timeout(const Context& ctx, std::chrono::milliseconds requested) {
  auto timeout = requested;
  if (auto deadline = ctx.deadline()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - std::chrono::system_clock::now());
    timeout = std::min(timeout, left);
  }
  return std::max(timeout, std::chrono::milliseconds(1));
}

// The host part of an http(s) URL in lower case ("api.example.com",
// "127.0.0.1", "::1"); empty when the URL has none.
inline std::string url_host(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), &curl_url_cleanup);
  char* host = nullptr;
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
      curl_url_get(parsed.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK || host == nullptr) {
    return {};
  }
  std::string out(host);
  curl_free(host);
  if (out.size() >= 2 && out.front() == '[' && out.back() == ']') {
    out = out.substr(1, out.size() - 2);
  }
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// "2026-12-06T01:02:03.456Z"
inline std::string iso_time(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

namespace detail {

inline void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// Where the body goes (a string or a file, never more than max_bytes), and
// what the callbacks saw.
struct Transfer {
  std::string* body = nullptr;
  std::FILE* file = nullptr;
  size_t received = 0;
  size_t max_bytes = 0;
  bool too_large = false;
  bool write_failed = false;
  bool cancelled = false;
  const char* limit_name = "max_response_bytes";
  const Context* ctx = nullptr;
  std::map<std::string, std::string>* headers = nullptr;
};

inline size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t->received + n > t->max_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer
  }
  t->received += n;
  if (t->file != nullptr) {
    if (std::fwrite(data, 1, n, t->file) != n) {
      t->write_failed = true;
      return 0;
    }
  } else {
    t->body->append(data, n);
  }
  return n;
}

inline std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return c != ' ' && c != '\t' && c != '\r' && c != '\n'; };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

inline size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  const std::string line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->headers->clear();  // a new response after a redirect: keep only the last one's headers
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string::npos) {
    return n;
  }
  std::string key = line.substr(0, colon);
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
  (*t->headers)[key] = trim(line.substr(colon + 1));
  return n;
}

inline int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->ctx->cancelled()) {
    t->cancelled = true;
    return 1;
  }
  return 0;
}

// The host's circuit breakers, from hosts that have them (API 1.1).
inline bool has_breakers(const lh_context* c) {
  constexpr size_t needed = offsetof(lh_context, circuit_record) + sizeof(lh_context::circuit_record);
  return c != nullptr && c->struct_size >= needed && c->circuit_check != nullptr && c->circuit_record != nullptr;
}

}  // namespace detail

class Client {
 public:
  // `who` prefixes every message ("tiktok oembed"; empty for none). `secrets`
  // are masked in every message this client builds, on top of cutting query
  // strings. `timeout` is per request, cut to the step's deadline.
  Client(const Context& ctx, std::string who, std::chrono::milliseconds timeout, size_t max_body_bytes,
         std::vector<std::string> secrets = {})
      : ctx_(ctx),
        who_(std::move(who)),
        timeout_(timeout),
        max_body_bytes_(max_body_bytes),
        secrets_(std::move(secrets)) {
    secrets_.erase(std::remove(secrets_.begin(), secrets_.end(), std::string()), secrets_.end());
  }

  // Transport failures throw StepError: timeouts and connection failures are
  // retryable; redirect loops, oversize bodies and bad URLs are not; an open
  // circuit is (code unavailable). Cancellation throws Cancelled. Any HTTP
  // status is returned.
  Response send(const Request& request) const {
    Response out;
    detail::Transfer t;
    t.body = &out.body;
    t.max_bytes = max_body_bytes_;
    perform(request, t, out);
    return out;
  }

  // Streams a GET (following up to 5 redirects) into `path`, at most
  // max_bytes; a partial file is removed. Error statuses throw like fail_on_status.
  void download(const std::string& url, const std::string& path, size_t max_bytes) const {
    Request request;
    request.url = url;
    request.follow_redirects = true;
    download(request, path, max_bytes);
  }

  // The same for a request of the caller's (signed headers, no redirects ...).
  void download(const Request& request, const std::string& path, size_t max_bytes) const {
    const std::string& url = request.url;
    const std::string partial = path + ".part";
    std::unique_ptr<std::FILE, detail::FileCloser> file(std::fopen(partial.c_str(), "wb"));
    if (!file) {
      throw StepError(prefix() + "cannot write '" + partial + "'");
    }
    Response out;
    detail::Transfer t;
    t.file = file.get();
    t.max_bytes = max_bytes;
    t.limit_name = "max_video_bytes";
    std::error_code ignored;
    try {
      perform(request, t, out);
      fail_on_status(out, describe(request.method, url));
    } catch (...) {
      file.reset();
      std::filesystem::remove(partial, ignored);
      throw;
    }
    if (std::fclose(file.release()) != 0) {
      std::filesystem::remove(partial, ignored);
      throw StepError(prefix() + "could not finish writing '" + path + "'");
    }
    std::filesystem::rename(partial, path);
  }

  // Throws the StepError an error status deserves; does nothing below 400.
  // 429 (rate_limited) and 5xx (unavailable) are retryable, with the
  // Retry-After delay in the message and details; other 4xx are permanent
  // (unauthorized, forbidden, not_found, conflict, else invalid_input).
  void fail_on_status(const Response& response, const std::string& target) const {
    const long status = response.status;
    if (status < 400) {
      return;
    }
    std::string message = prefix() + target + " answered " + std::to_string(status);
    auto it = response.headers.find("retry-after");
    const std::string wait = it == response.headers.end() ? std::string() : "retry after " + it->second.substr(0, 40);
    if (status == 429) {
      message += wait.empty() ? " (too many requests)" : " (too many requests; " + wait + ")";
    } else if (status >= 500 && !wait.empty()) {
      message += " (" + wait + ")";
    }
    Json details{{"status", status}};
    if (response.retry_after && (status == 429 || status >= 500)) {
      details["retry_after_ms"] = response.retry_after->count();
    }
    throw StepError(status_code(status), redact(message), status == 429 || status >= 500, std::move(details));
  }

  // "GET http://host/path?..." for messages.
  std::string describe(const std::string& method, const std::string& url) const {
    return redact(method + " " + http_guard::loggable_url(url));
  }
  // The message with secrets masked (as written and URL-encoded).
  std::string redact(std::string message) const {
    for (const std::string& secret : secrets_) {
      for (const std::string& form : {secret, percent_encode(secret)}) {
        for (size_t at = message.find(form); at != std::string::npos; at = message.find(form, at)) {
          message.replace(at, form.size(), "***");
        }
      }
    }
    return message;
  }
  const std::string& who() const { return who_; }
  const Context& ctx() const { return ctx_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

 private:
  std::string prefix() const { return who_.empty() ? std::string() : who_ + ": "; }

  static ErrorCode status_code(long status) {
    switch (status) {
      case 401:
        return errors::unauthorized;
      case 403:
        return errors::forbidden;
      case 404:
      case 410:
        return errors::not_found;
      case 409:
      case 412:
        return errors::conflict;
      case 429:
        return errors::rate_limited;
      default:
        return status >= 500 ? errors::unavailable : errors::invalid_input;
    }
  }

  // Fails fast while the host's breaker is open.
  void check_circuit(const std::string& host) const {
    const lh_context* raw = ctx_.raw();
    if (host.empty() || !detail::has_breakers(raw)) {
      return;
    }
    const int64_t until_ms = raw->circuit_check(raw->host_data, {host.data(), host.size()});
    if (until_ms == 0) {
      return;
    }
    const std::chrono::system_clock::time_point until{std::chrono::milliseconds(until_ms)};
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::system_clock::now());
    throw StepError(errors::unavailable, prefix() + "circuit open for " + host + " until " + iso_time(until), true,
                    Json{{"host", host}, {"retry_after_ms", std::max<int64_t>(0, wait.count())}});
  }

  void record_circuit(const std::string& host, bool ok) const {
    const lh_context* raw = ctx_.raw();
    if (!host.empty() && detail::has_breakers(raw)) {
      raw->circuit_record(raw->host_data, {host.data(), host.size()}, ok ? 1 : 0);
    }
  }

  // One libcurl transfer. Throws for transport failures only.
  void perform(const Request& request, detail::Transfer& t, Response& out) const {
    detail::global_init();
    const std::string target = describe(request.method, request.url);
    if (request.url.rfind("http://", 0) != 0 && request.url.rfind("https://", 0) != 0) {
      throw StepError(errors::invalid_input, prefix() + "the URL must start with http:// or https://, found '" +
                                                 redact(http_guard::loggable_url(request.url)) + "'");
    }
    ctx_.throw_if_cancelled();
    const std::string host = url_host(request.url);
    check_circuit(host);
    std::unique_ptr<CURL, detail::CurlDeleter> curl(curl_easy_init());
    if (!curl) {
      throw StepError(prefix() + "libcurl could not start a request", true);
    }
    const auto timeout = bounded_timeout(ctx_, timeout_);
    std::unique_ptr<curl_slist, detail::SlistDeleter> headers;
    for (const std::string& line : request.headers) {
      headers.reset(curl_slist_append(headers.release(), line.c_str()));
    }
    t.ctx = &ctx_;
    t.headers = &out.headers;
    std::string allow_problem;
    auto allow = http_guard::AllowList::parse(ctx_.http_allow(), &allow_problem);
    if (!allow) {
      throw StepError(prefix() + allow_problem);
    }
    // Loopback, private, metadata ... addresses only when http.allow lists
    // them, checked on every connection (redirects included) as it is opened.
    http_guard::CurlGuard guard(std::move(*allow));

    CURL* c = curl.get();
    guard.attach(c);
    curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<int64_t>(timeout.count(), 10000)));
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, request.max_redirects);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &detail::on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &detail::on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &detail::on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, request.user_agent.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    // Compressed bodies (gzip, br ...): let libcurl pick what it can decode.
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    // No CURLOPT_PROXY / CURLOPT_NOPROXY: libcurl then reads http_proxy,
    // https_proxy and no_proxy from the environment, as operators expect.
    if (request.method == "HEAD") {
      curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (request.method != "GET" && request.method != "POST") {
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.c_str());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    if (headers) {
      curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    }
    char error_buffer[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);

    ctx_.debug(prefix() + target);
    const CURLcode rc = curl_easy_perform(c);
    if (t.cancelled) {
      throw Cancelled();  // says nothing about the host
    }
    if (rc != CURLE_OK && !guard.refusal().empty()) {
      // Nothing was sent: the breaker learns nothing either.
      throw StepError(errors::forbidden, prefix() + target + ": " + redact(guard.refusal()));
    }
    const bool transport_failed = rc != CURLE_OK && !t.too_large && !t.write_failed;
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    record_circuit(host, !transport_failed && status != 429 && status < 500);
    if (t.too_large) {
      throw StepError(errors::bad_output, prefix() + target + ": the response is larger than " + t.limit_name + " (" +
                                              std::to_string(t.max_bytes) + " bytes)");
    }
    if (t.write_failed) {
      throw StepError(prefix() + target + ": could not write the downloaded file (disk full?)");
    }
    if (rc != CURLE_OK) {
      // libcurl's own message may quote the URL: mask it like ours.
      const std::string detail =
          redact(http_guard::loggable_url(error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc)));
      switch (rc) {
        case CURLE_OPERATION_TIMEDOUT:
          throw StepError(errors::unavailable,
                          prefix() + target + ": timed out after " + std::to_string(timeout.count()) + " ms", true);
        case CURLE_TOO_MANY_REDIRECTS:
          throw StepError(prefix() + target + ": more than " + std::to_string(request.max_redirects) +
                          " redirects (a redirect loop?)");
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
          throw StepError(errors::invalid_input, prefix() + target + ": " + detail);
        default:
          // Connection refused or reset, DNS, TLS hiccups: worth another try.
          throw StepError(errors::unavailable, prefix() + target + ": " + detail, true);
      }
    }
    out.status = status;
    char* effective = nullptr;
    if (curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective != nullptr) {
      out.url = effective;
    }
    char* location = nullptr;
    if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location != nullptr) {
      out.redirect_url = location;
    }
    curl_off_t retry_after = 0;  // libcurl parses both forms: seconds and an HTTP date
    if (curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && out.headers.count("retry-after") > 0) {
      out.retry_after = std::chrono::milliseconds(static_cast<int64_t>(retry_after) * 1000);
    }
  }

  const Context& ctx_;
  std::string who_;
  std::chrono::milliseconds timeout_;
  size_t max_body_bytes_;
  std::vector<std::string> secrets_;
};

}  // namespace linkhub::sdk::http
