// linkhub plugin SDK: AWS Signature Version 4 (header-only, over OpenSSL's
// libcrypto: link with OpenSSL::Crypto).
//
// Written once here because two sides need it and the SDK is the only code
// both see: the engine's S3 artifact backend and the `storage` plugin (plugins
// see only sdk/). It is checked against AWS's published SigV4 test suite
// (tests/fixtures/sigv4).
//
//   sigv4::Request r{"PUT", "/bucket/key", {}, {{"host", "s3.example.com"}}, sigv4::sha256_hex(body)};
//   sigv4::sign_headers(r, creds, {"eu-west-1", "s3"}, std::chrono::system_clock::now());
//   // r.headers now has x-amz-date, x-amz-content-sha256, authorization (+ x-amz-security-token)
#pragma once

#include <linkhub/percent_encode.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace linkhub::sdk::sigv4 {

struct Credentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  // temporary credentials only
};

struct Scope {
  std::string region;   // "us-east-1"
  std::string service;  // "s3"
};

// What gets signed. `path` and `query` are raw (not percent-encoded): the
// signer encodes them the way S3 expects (each byte but A-Z a-z 0-9 - _ . ~,
// '/' kept in the path), so the URL must be built with encode_path/encode_query
// too. Header names are case-insensitive; `host` must be there.
struct Request {
  std::string method;
  std::string path = "/";
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_hash;  // sha256_hex(body), or "UNSIGNED-PAYLOAD"
};

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

inline std::string to_hex(const unsigned char* data, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 0x0f];
  }
  return out;
}

inline std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return to_hex(digest, sizeof digest);
}

inline std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

inline std::string encode_path(std::string_view path) {
  return http::percent_encode(path.empty() ? "/" : path, /*keep_slash=*/true);
}

// "a=1&b=2", sorted by encoded name then value: also the canonical query string.
inline std::string encode_query(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(http::percent_encode(name), http::percent_encode(value));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    out += (out.empty() ? "" : "&") + name + "=" + value;
  }
  return out;
}

// "20150830T123600Z"
inline std::string amz_date(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

namespace detail {

inline std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Trimmed, with runs of spaces made one.
inline std::string canonical_value(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += c;
  }
  return out;
}

}  // namespace detail

// The canonical headers block and the signed header list ("host;x-amz-date").
inline std::pair<std::string, std::string> canonical_headers(
    const std::vector<std::pair<std::string, std::string>>& headers) {
  std::vector<std::pair<std::string, std::string>> merged;  // stable: duplicates keep their order
  for (const auto& [name, value] : headers) {
    const std::string key = detail::lower(name);
    auto it = std::find_if(merged.begin(), merged.end(), [&](const auto& h) { return h.first == key; });
    if (it == merged.end()) {
      merged.emplace_back(key, detail::canonical_value(value));
    } else {
      it->second += "," + detail::canonical_value(value);
    }
  }
  std::stable_sort(merged.begin(), merged.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string block;
  std::string names;
  for (const auto& [name, value] : merged) {
    block += name + ":" + value + "\n";
    names += (names.empty() ? "" : ";") + name;
  }
  return {block, names};
}

inline std::string canonical_request(const Request& r) {
  const auto [block, names] = canonical_headers(r.headers);
  return r.method + "\n" + encode_path(r.path) + "\n" + encode_query(r.query) + "\n" + block + "\n" + names + "\n" +
         r.payload_hash;
}

inline std::string credential_scope(const std::string& date8, const Scope& scope) {
  return date8 + "/" + scope.region + "/" + scope.service + "/aws4_request";
}

inline std::string string_to_sign(const std::string& amzdate, const Scope& scope, const std::string& canonical) {
  return std::string(kAlgorithm) + "\n" + amzdate + "\n" + credential_scope(amzdate.substr(0, 8), scope) + "\n" +
         sha256_hex(canonical);
}

inline std::string signature(const std::string& secret_key, const std::string& amzdate, const Scope& scope,
                             const std::string& to_sign) {
  std::string key = hmac_sha256("AWS4" + secret_key, amzdate.substr(0, 8));
  key = hmac_sha256(key, scope.region);
  key = hmac_sha256(key, scope.service);
  key = hmac_sha256(key, "aws4_request");
  const std::string mac = hmac_sha256(key, to_sign);
  return to_hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
}

struct SignOptions {
  bool content_sha256_header = true;  // S3 wants x-amz-content-sha256; other services need not
  bool sign_session_token = true;     // false: the token is added after signing (some STS flows)
};

// Adds x-amz-date (+ x-amz-content-sha256, x-amz-security-token) and
// authorization to r.headers.
inline void sign_headers(Request& r, const Credentials& creds, const Scope& scope,
                         std::chrono::system_clock::time_point now, SignOptions options = {}) {
  const std::string date = amz_date(now);
  r.headers.emplace_back("x-amz-date", date);
  if (options.content_sha256_header) {
    r.headers.emplace_back("x-amz-content-sha256", r.payload_hash);
  }
  if (!creds.session_token.empty() && options.sign_session_token) {
    r.headers.emplace_back("x-amz-security-token", creds.session_token);
  }
  const std::string canonical = canonical_request(r);
  const std::string names = canonical_headers(r.headers).second;
  const std::string sig = signature(creds.secret_key, date, scope, string_to_sign(date, scope, canonical));
  if (!creds.session_token.empty() && !options.sign_session_token) {
    r.headers.emplace_back("x-amz-security-token", creds.session_token);
  }
  r.headers.emplace_back("authorization", std::string(kAlgorithm) + " Credential=" + creds.access_key + "/" +
                                              credential_scope(date.substr(0, 8), scope) + ", SignedHeaders=" + names +
                                              ", Signature=" + sig);
}

// Query signing (a presigned URL): adds the X-Amz-* parameters, signature
// last, to r.query; the URL is then encode_path(r.path) + "?" + encode_query(r.query).
// Only the headers in r.headers are signed (usually just host).
inline void sign_query(Request& r, const Credentials& creds, const Scope& scope,
                       std::chrono::system_clock::time_point now, std::chrono::seconds expires) {
  const std::string date = amz_date(now);
  r.query.emplace_back("X-Amz-Algorithm", std::string(kAlgorithm));
  r.query.emplace_back("X-Amz-Credential", creds.access_key + "/" + credential_scope(date.substr(0, 8), scope));
  r.query.emplace_back("X-Amz-Date", date);
  r.query.emplace_back("X-Amz-Expires", std::to_string(expires.count()));
  if (!creds.session_token.empty()) {
    r.query.emplace_back("X-Amz-Security-Token", creds.session_token);
  }
  r.query.emplace_back("X-Amz-SignedHeaders", canonical_headers(r.headers).second);
  const std::string canonical = canonical_request(r);
  r.query.emplace_back("X-Amz-Signature",
                       signature(creds.secret_key, date, scope, string_to_sign(date, scope, canonical)));
}

}  // namespace linkhub::sdk::sigv4
