#include "http_client.hpp"

#include "text.hpp"

#include <linkhub/curl_http_guard.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>

namespace linkhub::tiktok {
namespace {

void global_init() {
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

// Where the body goes: a string or a file, never more than max_bytes.
struct Transfer {
  std::string* body = nullptr;
  std::FILE* file = nullptr;
  size_t received = 0;
  size_t max_bytes = 0;
  bool too_large = false;
  bool write_failed = false;
  bool cancelled = false;
  const char* limit_name = "max_response_bytes";
  const sdk::Context* ctx = nullptr;
  std::map<std::string, std::string>* headers = nullptr;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
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

std::string trim_copy(std::string s) {
  const auto not_space = [](unsigned char c) { return c != ' ' && c != '\t' && c != '\r' && c != '\n'; };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
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
  (*t->headers)[key] = trim_copy(line.substr(colon + 1));
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->ctx->cancelled()) {
    t->cancelled = true;
    return 1;
  }
  return 0;
}

}  // namespace

std::string url_without_query(const std::string& url) {
  return sdk::http_guard::loggable_url(url);
}

std::chrono::milliseconds bounded_timeout(const sdk::Context& ctx, std::chrono::milliseconds requested) {
  auto timeout = requested;
  if (auto deadline = ctx.deadline()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - std::chrono::system_clock::now());
    timeout = std::min(timeout, left);
  }
  return std::max(timeout, std::chrono::milliseconds(1));
}

HttpClient::HttpClient(const sdk::Context& ctx, std::string who, std::chrono::milliseconds timeout,
                       size_t max_body_bytes, std::vector<std::string> secrets)
    : ctx_(ctx),
      who_(std::move(who)),
      timeout_(timeout),
      max_body_bytes_(max_body_bytes),
      secrets_(std::move(secrets)) {
  secrets_.erase(std::remove(secrets_.begin(), secrets_.end(), std::string()), secrets_.end());
}

std::string HttpClient::redact(std::string message) const {
  for (const std::string& secret : secrets_) {
    for (const std::string& form : {secret, url_encode(secret)}) {
      for (size_t at = message.find(form); at != std::string::npos; at = message.find(form, at)) {
        message.replace(at, form.size(), "***");
      }
    }
  }
  return message;
}

std::string HttpClient::describe(const std::string& method, const std::string& url) const {
  return redact(method + " " + url_without_query(url));
}

void HttpClient::fail_on_status(const HttpResponse& response, const std::string& target) const {
  const long status = response.status;
  if (status < 400) {
    return;
  }
  std::string message = who_ + ": " + target + " answered " + std::to_string(status);
  if (status == 429) {
    auto it = response.headers.find("retry-after");
    message += it != response.headers.end() ? " (too many requests; retry after " + excerpt(it->second, 40) + ")"
                                            : " (too many requests)";
  }
  throw sdk::StepError(redact(message), status == 429 || status >= 500);
}

namespace {

// One libcurl transfer. Throws for transport failures only.
void perform(const sdk::Context& ctx, const HttpClient& client, const HttpRequest& request, Transfer& t,
             HttpResponse& out) {
  global_init();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) {
    throw sdk::StepError(client.who() + ": libcurl could not start a request", true);
  }
  const auto timeout = bounded_timeout(ctx, client.timeout());
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  for (const std::string& line : request.headers) {
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  }
  t.ctx = &ctx;
  t.headers = &out.headers;
  std::string allow_problem;
  auto allow = sdk::http_guard::AllowList::parse(ctx.http_allow(), &allow_problem);
  if (!allow) {
    throw sdk::StepError(client.who() + ": " + allow_problem);
  }
  // Loopback, private, metadata ... addresses only when http.allow lists them,
  // checked on every connection (redirects included) as it is opened.
  sdk::http_guard::CurlGuard guard(std::move(*allow));

  CURL* c = curl.get();
  guard.attach(c);
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<int64_t>(timeout.count(), 10000)));
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, request.max_redirects);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "linkhub-tiktok/1.0");
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  // TikTok answers compressed bodies (br, gzip); let libcurl pick what it can decode.
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  if (request.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  if (headers) {
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  }
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);

  const std::string target = client.describe(request.method, request.url);
  ctx.debug(client.who() + ": " + target);
  const CURLcode rc = curl_easy_perform(c);
  if (t.cancelled) {
    throw sdk::Cancelled();
  }
  if (t.too_large) {
    throw sdk::StepError(client.who() + ": " + target + ": the response is larger than " + t.limit_name + " (" +
                         std::to_string(t.max_bytes) + " bytes)");
  }
  if (t.write_failed) {
    throw sdk::StepError(client.who() + ": " + target + ": could not write the downloaded file (disk full?)");
  }
  if (rc != CURLE_OK && !guard.refusal().empty()) {
    throw sdk::StepError(client.who() + ": " + target + ": " + client.redact(guard.refusal()));
  }
  if (rc != CURLE_OK) {
    // libcurl's own message may quote the URL: mask it like ours.
    const std::string detail =
        client.redact(url_without_query(error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc)));
    switch (rc) {
      case CURLE_OPERATION_TIMEDOUT:
        throw sdk::StepError(
            client.who() + ": " + target + ": timed out after " + std::to_string(timeout.count()) + " ms", true);
      case CURLE_TOO_MANY_REDIRECTS:
        throw sdk::StepError(client.who() + ": " + target + ": more than " + std::to_string(request.max_redirects) +
                             " redirects (a redirect loop?)");
      case CURLE_UNSUPPORTED_PROTOCOL:
      case CURLE_URL_MALFORMAT:
        throw sdk::StepError(client.who() + ": " + target + ": " + detail);
      default:
        // Connection refused or reset, DNS, TLS hiccups: worth another try.
        throw sdk::StepError(client.who() + ": " + target + ": " + detail, true);
    }
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
  char* location = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location != nullptr) {
    out.redirect_url = location;
  }
}

}  // namespace

HttpResponse HttpClient::send(const HttpRequest& request) const {
  HttpResponse out;
  Transfer t;
  t.body = &out.body;
  t.max_bytes = max_body_bytes_;
  perform(ctx_, *this, request, t, out);
  return out;
}

void HttpClient::download(const std::string& url, const std::string& path, size_t max_bytes) const {
  const std::string partial = path + ".part";
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(partial.c_str(), "wb"));
  if (!file) {
    throw sdk::StepError(who_ + ": cannot write '" + partial + "'");
  }
  HttpRequest request;
  request.url = url;
  request.follow_redirects = true;
  HttpResponse out;
  Transfer t;
  t.file = file.get();
  t.max_bytes = max_bytes;
  t.limit_name = "max_video_bytes";
  std::error_code ignored;
  try {
    perform(ctx_, *this, request, t, out);
    fail_on_status(out, describe("GET", url));
  } catch (...) {
    file.reset();
    std::filesystem::remove(partial, ignored);
    throw;
  }
  const bool closed = std::fclose(file.release()) == 0;
  if (!closed) {
    std::filesystem::remove(partial, ignored);
    throw sdk::StepError(who_ + ": could not finish writing '" + path + "'");
  }
  std::filesystem::rename(partial, path);
}

}  // namespace linkhub::tiktok
