#pragma once
// Serving artifacts over HTTP (GET/HEAD /api/v1/artifacts/{sha256} and the
// signed /media/{sha256} links): the hash in the path, conditional and range
// requests, and the links' HMAC. Plain functions, no HTTP library, so they
// are tested (and fuzzed) without a server.

#include <linkhub/engine/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace linkhub::http {

// "sha256:<64 hex>" or bare 64 hex (either case) -> the 64 lower-case hex digits; nullopt for anything else.
std::optional<std::string> artifact_hex(std::string_view text);

// The ETag of an artifact: its content hash, quoted ("\"sha256:<hex>\"").
std::string artifact_etag(const std::string& hex);

// An If-None-Match header against `etag`: "*", or a comma-separated list of
// entity tags, weak (W/"...") or strong, any of them equal to it.
bool etag_matches(std::string_view if_none_match, const std::string& etag);

// A Range header against a body of `size` bytes (RFC 9110, 14.2).
struct ByteRange {
  enum class Kind { Whole, Part, Unsatisfiable } kind = Kind::Whole;
  uint64_t first = 0;  // Part: [first, last], both inclusive
  uint64_t last = 0;
};
// One range "bytes=a-b", "bytes=a-" or "bytes=-n": Part (clamped to the body);
// a range starting past the end, or "-0": Unsatisfiable. Absent, malformed,
// other units and several ranges: Whole (a server may ignore Range).
ByteRange parse_range(std::string_view header, uint64_t size);

// Signed public links to artifacts: /media/<hex>?exp=<unix s>&sig=<base64url
// HMAC-SHA256 over the hash and exp>, good until exp without credentials.
class MediaSigner {
 public:
  explicit MediaSigner(std::string key) : key_(std::move(key)) {}
  // The signature of hex (64 lower-case digits) until expires_s.
  std::string sign(const std::string& hex, int64_t expires_s) const;
  enum class Check { Good, Expired, Bad };
  // A link's path hash, exp and sig as they came (any text); compared in constant time.
  Check check(std::string_view hash, std::string_view exp, std::string_view sig, int64_t now_s) const;
  // "<base>/media/<hex>?exp=..&sig=..". The expiry is at least `ttl_s` away,
  // rounded up to the hour so the links (and so browsers' caches) stay the
  // same for an hour.
  std::string link(const std::string& base, const std::string& hex, int64_t now_s, int64_t ttl_s) const;

 private:
  std::string key_;
};

// The externally reachable base of this server: `public_url` when set, else
// http(s)://<Host> from the request (empty when Host is missing or odd).
std::string media_base(const std::string& public_url, std::string_view host, bool tls);

// Adds an absolute signed `url` to each artifact a product JSON refers to:
// thumbnails[i], cover and video (objects with a "hash"; a cover given as a
// hash string gets `cover_url`). Anything that is not a content hash is left alone.
void add_media_urls(Json& product, const std::string& base, const MediaSigner& signer, int64_t now_s, int64_t ttl_s);

}  // namespace linkhub::http
