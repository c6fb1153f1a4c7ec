// linkhub plugin SDK: a small client for S3-compatible object stores
// (header-only, over linkhub/http_client.hpp and linkhub/sigv4.hpp: link with
// CURL::libcurl and OpenSSL::Crypto).
//
// Shared by the engine's `s3` artifact backend and the `storage` plugin, so
// both sign, retry and report failures the same way. Every request goes
// through the SDK's HTTP client (timeouts, cancellation, SSRF guard, circuit
// breaker); retryable failures (transport, 429, 5xx) are tried again here, a
// bounded number of times. Failures are StepErrors with codes:
// unauthorized (the credentials were refused), not_found (no such bucket or
// key), forbidden, unavailable ... and never carry the secret key.
//
//   s3::Config config;
//   config.endpoint = "https://s3.eu-west-1.amazonaws.com";
//   config.region = "eu-west-1"; config.bucket = "shop"; config.path_style = false;
//   config.credentials = {access_key, secret_key};
//   s3::Client s3(ctx, config);
//   s3.put_file("videos/a.mp4", "/tmp/a.mp4", "video/mp4");   // multipart above the threshold
//   std::string url = s3.presign_get("videos/a.mp4", std::chrono::hours(1));
#pragma once

#include <linkhub/http_client.hpp>
#include <linkhub/sigv4.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace linkhub::sdk::s3 {

struct Config {
  std::string endpoint;  // "https://s3.eu-west-1.amazonaws.com", "http://127.0.0.1:4568"
  std::string region = "us-east-1";
  std::string bucket;
  bool path_style = true;  // endpoint/bucket/key; false: bucket.endpoint/key (virtual host)
  sigv4::Credentials credentials;
  uint64_t multipart_threshold = 16ull << 20;  // files larger than this go up in parts
  uint64_t part_size = 8ull << 20;             // S3 needs at least 5 MiB for every part but the last
  int max_attempts = 3;                        // per request, for retryable failures
};

struct ObjectInfo {
  uint64_t bytes = 0;
  std::string content_type;
  std::string etag;
  std::map<std::string, std::string> metadata;  // x-amz-meta-* without the prefix
};

// A problem with the configuration itself, named ("" when it is usable).
inline std::string config_problem(const Config& c) {
  if (c.endpoint.rfind("http://", 0) != 0 && c.endpoint.rfind("https://", 0) != 0) {
    return "endpoint must start with http:// or https://, found '" + c.endpoint.substr(0, 100) + "'";
  }
  if (http::url_host(c.endpoint).empty()) {
    return "endpoint '" + c.endpoint.substr(0, 100) + "' has no host";
  }
  if (c.region.empty()) {
    return "region is empty";
  }
  const auto bucket_char = [](unsigned char ch) {
    return std::islower(ch) || std::isdigit(ch) || ch == '-' || ch == '.';
  };
  if (c.bucket.size() < 3 || c.bucket.size() > 63 || !std::all_of(c.bucket.begin(), c.bucket.end(), bucket_char)) {
    return "bucket '" + c.bucket.substr(0, 100) + "' is not a valid bucket name (3-63 of a-z 0-9 . -)";
  }
  if (c.credentials.access_key.empty() || c.credentials.secret_key.empty()) {
    return "access key and secret key are required";
  }
  if (c.part_size < (5ull << 20) || c.multipart_threshold < c.part_size) {
    return "part_size must be at least 5 MiB and multipart_threshold at least part_size";
  }
  return "";
}

namespace detail {

// The text of the first <tag>...</tag>, "" when absent (S3's answers are small, flat XML).
inline std::string xml_text(const std::string& xml, const std::string& tag) {
  const std::string open = "<" + tag + ">";
  const size_t start = xml.find(open);
  if (start == std::string::npos) {
    return "";
  }
  const size_t end = xml.find("</" + tag + ">", start);
  return end == std::string::npos ? "" : xml.substr(start + open.size(), end - start - open.size());
}

struct Endpoint {
  std::string scheme;  // "https"
  std::string host;    // "s3.example.com" or "127.0.0.1:4568" (with a non-default port)
};

inline Endpoint parse_endpoint(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), &curl_url_cleanup);
  Endpoint out;
  char* part = nullptr;
  if (parsed && curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    if (curl_url_get(parsed.get(), CURLUPART_SCHEME, &part, 0) == CURLUE_OK) {
      out.scheme = part;
      curl_free(part);
    }
    if (curl_url_get(parsed.get(), CURLUPART_HOST, &part, 0) == CURLUE_OK) {
      out.host = part;
      curl_free(part);
    }
    if (curl_url_get(parsed.get(), CURLUPART_PORT, &part, 0) == CURLUE_OK) {
      out.host += ":" + std::string(part);
      curl_free(part);
    }
  }
  return out;
}

}  // namespace detail

class Client {
 public:
  // Throws StepError(invalid_input) when the configuration is unusable.
  Client(const Context& ctx, Config config, std::chrono::milliseconds timeout = std::chrono::minutes(2))
      : config_(std::move(config)),
        http_(ctx, "s3", timeout, 1 << 20, {config_.credentials.secret_key, config_.credentials.session_token}),
        endpoint_(detail::parse_endpoint(config_.endpoint)) {
    if (const std::string problem = config_problem(config_); !problem.empty()) {
      throw StepError(errors::invalid_input, "s3: " + problem);
    }
    if (!config_.path_style) {
      endpoint_.host = config_.bucket + "." + endpoint_.host;
    }
  }

  const Config& config() const { return config_; }

  // The object's URL, unsigned: what a public bucket or a CDN in front of it serves.
  std::string object_url(const std::string& key) const {
    return endpoint_.scheme + "://" + endpoint_.host + sigv4::encode_path(object_path(key));
  }

  // nullopt when there is no such key; throws for anything else (a missing bucket included).
  std::optional<ObjectInfo> head(const std::string& key) const {
    http::Response r = send("HEAD", key, {}, {}, "");
    if (r.status == 404 && r.body.empty()) {
      // HEAD answers carry no error document: ask again to tell a missing
      // key from a missing bucket.
      r = send("GET", key, {}, {"Range: bytes=0-0"}, "");
    }
    if (r.status == 404 && detail::xml_text(r.body, "Code") != "NoSuchBucket") {
      return std::nullopt;
    }
    if (r.status == 403 && r.body.empty()) {
      r = send("GET", key, {}, {"Range: bytes=0-0"}, "");
    }
    fail_on(r, "HEAD", key);
    ObjectInfo info;
    for (const auto& [name, value] : r.headers) {
      if (name == "content-length") {
        info.bytes = std::strtoull(value.c_str(), nullptr, 10);
      } else if (name == "content-type") {
        info.content_type = value;
      } else if (name == "etag") {
        info.etag = value;
      } else if (name.rfind("x-amz-meta-", 0) == 0) {
        info.metadata[name.substr(11)] = value;
      }
    }
    return info;
  }

  // One PUT of `body`. Returns the ETag.
  std::string put(const std::string& key, const std::string& body, const std::string& content_type,
                  const std::map<std::string, std::string>& metadata = {}) const {
    const http::Response r = send("PUT", key, {}, object_headers(content_type, metadata), body);
    fail_on(r, "PUT", key);
    return header(r, "etag");
  }

  // PUT of a file: in one request up to multipart_threshold, in parts of
  // part_size beyond (an unfinished upload is aborted). Returns the bytes sent.
  uint64_t put_file(const std::string& key, const std::string& path, const std::string& content_type,
                    const std::map<std::string, std::string>& metadata = {}) const {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) {
      throw StepError(errors::invalid_input, "s3: cannot read '" + path + "'");
    }
    const auto size = static_cast<uint64_t>(in.tellg());
    in.seekg(0);
    if (size <= config_.multipart_threshold) {
      std::string body(size, '\0');
      in.read(body.data(), static_cast<std::streamsize>(size));
      put(key, body, content_type, metadata);
      return size;
    }
    return put_multipart(key, in, size, content_type, metadata);
  }

  // Streams the object into `path` (at most max_bytes).
  void get_to_file(const std::string& key, const std::string& path, size_t max_bytes) const {
    // A HEAD first: its failures are coded (missing key or bucket, refused
    // credentials) where a download's error document would land in the file.
    if (!head(key)) {
      throw StepError(errors::not_found, "s3: no object '" + key + "' in bucket '" + config_.bucket + "'");
    }
    http::Request request = signed_request("GET", key, {}, {}, "");
    retrying([&] { http_.download(request, path, max_bytes); });
  }

  // A URL anyone can GET until it expires (at most 7 days, as S3 allows).
  std::string presign_get(const std::string& key, std::chrono::seconds expires,
                          std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const {
    if (expires.count() < 1 || expires > std::chrono::hours(24 * 7)) {
      throw StepError(errors::invalid_input, "s3: a presigned URL expires after 1 s to 7 days, asked " +
                                                 std::to_string(expires.count()) + " s");
    }
    sigv4::Request r;
    r.method = "GET";
    r.path = object_path(key);
    r.headers = {{"host", endpoint_.host}};
    r.payload_hash = std::string(sigv4::kUnsignedPayload);
    sigv4::sign_query(r, config_.credentials, scope(), now, expires);
    return endpoint_.scheme + "://" + endpoint_.host + sigv4::encode_path(r.path) + "?" + sigv4::encode_query(r.query);
  }

 private:
  sigv4::Scope scope() const { return {config_.region, "s3"}; }

  std::string object_path(const std::string& key) const {
    return config_.path_style ? "/" + config_.bucket + "/" + key : "/" + key;
  }

  static std::vector<std::string> object_headers(const std::string& content_type,
                                                 const std::map<std::string, std::string>& metadata) {
    std::vector<std::string> headers;
    if (!content_type.empty()) {
      headers.push_back("Content-Type: " + content_type);
    }
    for (const auto& [name, value] : metadata) {
      headers.push_back("x-amz-meta-" + name + ": " + value);
    }
    return headers;
  }

  static std::string header(const http::Response& r, const std::string& name) {
    auto it = r.headers.find(name);
    return it == r.headers.end() ? std::string() : it->second;
  }

  http::Request signed_request(const std::string& method, const std::string& key,
                               const std::vector<std::pair<std::string, std::string>>& query,
                               const std::vector<std::string>& headers, const std::string& body) const {
    sigv4::Request s;
    s.method = method;
    s.path = object_path(key);
    s.query = query;
    s.headers.emplace_back("host", endpoint_.host);
    for (const std::string& line : headers) {
      const size_t colon = line.find(':');
      s.headers.emplace_back(line.substr(0, colon), http::detail::trim(line.substr(colon + 1)));
    }
    s.payload_hash = sigv4::sha256_hex(body);
    sigv4::sign_headers(s, config_.credentials, scope(), std::chrono::system_clock::now());
    http::Request r;
    r.method = method;
    r.url = endpoint_.scheme + "://" + endpoint_.host + sigv4::encode_path(s.path);
    if (!s.query.empty()) {
      r.url += "?" + sigv4::encode_query(s.query);
    }
    for (const auto& [name, value] : s.headers) {
      r.headers.push_back(name + ": " + value);
    }
    r.body = body;
    return r;
  }

  // Runs `attempt` up to max_attempts times while it fails retryably.
  template <typename F>
  void retrying(F&& attempt) const {
    for (int n = 1;; ++n) {
      try {
        attempt();
        return;
      } catch (const StepError& e) {
        if (!e.retryable() || n >= config_.max_attempts) {
          throw;
        }
        auto wait = std::chrono::milliseconds(200 << n);
        if (e.details().is_object() && e.details().contains("retry_after_ms")) {
          wait = std::chrono::milliseconds(e.details()["retry_after_ms"].get<int64_t>());
        }
        http_.ctx().throw_if_cancelled();
        std::this_thread::sleep_for(std::min(wait, std::chrono::milliseconds(5000)));
      }
    }
  }

  http::Response send(const std::string& method, const std::string& key,
                      const std::vector<std::pair<std::string, std::string>>& query,
                      const std::vector<std::string>& headers, const std::string& body) const {
    http::Response out;
    retrying([&] {
      // Signed anew each attempt: the date is part of the signature.
      out = http_.send(signed_request(method, key, query, headers, body));
      if (out.status == 429 || out.status >= 500) {
        http_.fail_on_status(out, http_.describe(method, object_url(key)));  // retryable
      }
    });
    return out;
  }

  // Coded failures from S3's error document; a clear word for the common ones.
  void fail_on(const http::Response& r, const std::string& method, const std::string& key) const {
    if (r.status < 300) {
      return;
    }
    const std::string code = detail::xml_text(r.body, "Code");
    const std::string where = "s3: " + method + " '" + key + "' in bucket '" + config_.bucket + "' at " +
                              http_guard::loggable_url(config_.endpoint);
    const Json details{{"status", r.status}, {"s3_code", code}, {"bucket", config_.bucket}};
    if (code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" || code == "InvalidToken" ||
        code == "ExpiredToken" || r.status == 401 || (r.status == 403 && code.empty())) {
      throw StepError(errors::unauthorized,
                      http_.redact(where + ": the credentials were refused (" + (code.empty() ? "403" : code) +
                                   "): check the access key and secret key"),
                      false, details);
    }
    if (code == "NoSuchBucket") {
      throw StepError(errors::not_found, http_.redact(where + ": the bucket does not exist (NoSuchBucket)"), false,
                      details);
    }
    if (code == "NoSuchKey" || r.status == 404) {
      throw StepError(errors::not_found, http_.redact(where + ": no such key"), false, details);
    }
    const std::string message = detail::xml_text(r.body, "Message").substr(0, 200);
    if (!code.empty()) {
      ErrorCode c = r.status == 403 ? errors::forbidden : r.status == 409 ? errors::conflict : errors::invalid_input;
      throw StepError(c, http_.redact(where + ": " + code + (message.empty() ? "" : ": " + message)), false, details);
    }
    http_.fail_on_status(r, http_.describe(method, object_url(key)));
    throw StepError(errors::bad_output, where + ": unexpected status " + std::to_string(r.status));
  }

  uint64_t put_multipart(const std::string& key, std::ifstream& in, uint64_t size, const std::string& content_type,
                         const std::map<std::string, std::string>& metadata) const {
    http::Response r = send("POST", key, {{"uploads", ""}}, object_headers(content_type, metadata), "");
    fail_on(r, "POST (start a multipart upload)", key);
    const std::string upload_id = detail::xml_text(r.body, "UploadId");
    if (upload_id.empty()) {
      throw StepError(errors::bad_output, "s3: the multipart upload of '" + key + "' got no UploadId");
    }
    try {
      std::string complete = "<CompleteMultipartUpload>";
      std::string part(config_.part_size, '\0');
      uint64_t sent = 0;
      for (int number = 1; sent < size; ++number) {
        const uint64_t n = std::min<uint64_t>(config_.part_size, size - sent);
        part.resize(n);
        if (!in.read(part.data(), static_cast<std::streamsize>(n))) {
          throw StepError("s3: could not read part " + std::to_string(number) + " of the file for '" + key + "'");
        }
        r = send("PUT", key, {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}}, {}, part);
        fail_on(r, "PUT (part " + std::to_string(number) + ")", key);
        complete += "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" + header(r, "etag") +
                    "</ETag></Part>";
        sent += n;
      }
      complete += "</CompleteMultipartUpload>";
      r = send("POST", key, {{"uploadId", upload_id}}, {"Content-Type: application/xml"}, complete);
      fail_on(r, "POST (complete a multipart upload)", key);
      if (!detail::xml_text(r.body, "Code").empty()) {  // S3 may answer 200 with an error document
        fail_on(http::Response{500, {}, r.body, {}, {}, {}}, "POST (complete a multipart upload)", key);
      }
      return sent;
    } catch (...) {
      try {
        send("DELETE", key, {{"uploadId", upload_id}}, {}, "");  // no orphaned parts billed forever
      } catch (...) {
      }
      throw;
    }
  }

  Config config_;
  http::Client http_;
  detail::Endpoint endpoint_;
};

}  // namespace linkhub::sdk::s3
