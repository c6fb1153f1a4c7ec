#include "http/media.hpp"

#include <Poco/Base64Encoder.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>

namespace linkhub::http {
namespace {

constexpr int64_t kLinkRounding = 3600;
constexpr size_t kMaxExpDigits = 12;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

std::optional<uint64_t> whole_number(std::string_view text) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return v;
}

std::string base64url(const unsigned char* data, size_t size) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
  encoder.rdbuf()->setLineLength(0);
  encoder.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  encoder.close();
  return out.str();
}

void link_artifact(Json& item, const char* key, const std::string& base, const MediaSigner& signer, int64_t now_s,
                   int64_t ttl_s) {
  if (!item.is_object() || !item.contains("hash") || !item["hash"].is_string()) {
    return;
  }
  if (auto hex = artifact_hex(item["hash"].get<std::string>())) {
    item[key] = signer.link(base, *hex, now_s, ttl_s);
  }
}

}  // namespace

std::optional<std::string> artifact_hex(std::string_view text) {
  if (text.size() == 71 && text.substr(0, 7) == "sha256:") {
    text.remove_prefix(7);
  }
  if (text.size() != 64) {
    return std::nullopt;
  }
  std::string hex(text);
  for (char& c : hex) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return std::nullopt;
    }
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return hex;
}

std::string artifact_etag(const std::string& hex) {
  return "\"sha256:" + hex + "\"";
}

bool etag_matches(std::string_view if_none_match, const std::string& etag) {
  size_t from = 0;
  while (from <= if_none_match.size()) {
    const size_t comma = std::min(if_none_match.find(',', from), if_none_match.size());
    std::string_view tag = trim(if_none_match.substr(from, comma - from));
    if (tag == "*") {
      return true;
    }
    if (tag.substr(0, 2) == "W/") {
      tag.remove_prefix(2);  // weak comparison (RFC 9110, 13.1.2)
    }
    if (tag == etag) {
      return true;
    }
    from = comma + 1;
  }
  return false;
}

ByteRange parse_range(std::string_view header, uint64_t size) {
  header = trim(header);
  constexpr std::string_view kUnit = "bytes=";
  if (header.size() <= kUnit.size() || header.substr(0, kUnit.size()) != kUnit ||
      header.find(',') != std::string_view::npos) {
    return {};
  }
  const std::string_view spec = trim(header.substr(kUnit.size()));
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos) {
    return {};
  }
  const std::string_view first_text = spec.substr(0, dash);
  const std::string_view last_text = spec.substr(dash + 1);
  ByteRange range;
  range.kind = ByteRange::Kind::Part;
  if (first_text.empty()) {
    const auto suffix = whole_number(last_text);
    if (!suffix) {
      return {};
    }
    if (*suffix == 0 || size == 0) {
      return {ByteRange::Kind::Unsatisfiable, 0, 0};
    }
    range.first = size - std::min(*suffix, size);
    range.last = size - 1;
    return range;
  }
  const auto first = whole_number(first_text);
  const auto last = last_text.empty() ? std::optional<uint64_t>(UINT64_MAX) : whole_number(last_text);
  if (!first || !last || *last < *first) {
    return {};  // malformed: ignored
  }
  if (*first >= size) {
    return {ByteRange::Kind::Unsatisfiable, 0, 0};
  }
  range.first = *first;
  range.last = std::min(*last, size - 1);
  return range;
}

std::string MediaSigner::sign(const std::string& hex, int64_t expires_s) const {
  // Versioned and separated, so a signature can never stand for another kind of message.
  const std::string message = "linkhub-media-v1\nsha256:" + hex + "\n" + std::to_string(expires_s);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), mac, &size);
  return base64url(mac, size);
}

MediaSigner::Check MediaSigner::check(std::string_view hash, std::string_view exp, std::string_view sig,
                                      int64_t now_s) const {
  const auto hex = artifact_hex(hash);
  const auto expires = exp.size() <= kMaxExpDigits ? whole_number(exp) : std::nullopt;
  // Only the form the server writes: one link, one spelling (no leading zeros).
  if (!hex || !expires || std::to_string(*expires) != exp || sig.empty()) {
    return Check::Bad;
  }
  const std::string expected = sign(*hex, static_cast<int64_t>(*expires));
  // The length of an HMAC-SHA256 in base64url is public; the bytes are compared in constant time.
  if (sig.size() != expected.size() || CRYPTO_memcmp(sig.data(), expected.data(), expected.size()) != 0) {
    return Check::Bad;
  }
  return static_cast<int64_t>(*expires) < now_s ? Check::Expired : Check::Good;
}

std::string MediaSigner::link(const std::string& base, const std::string& hex, int64_t now_s, int64_t ttl_s) const {
  const int64_t expires = (now_s + ttl_s + kLinkRounding - 1) / kLinkRounding * kLinkRounding;
  return base + "/media/" + hex + "?exp=" + std::to_string(expires) + "&sig=" + sign(hex, expires);
}

std::string media_base(const std::string& public_url, std::string_view host, bool tls) {
  if (!public_url.empty()) {
    return public_url;
  }
  // A Host a client made up must not turn into a link to somewhere else with odd characters in it.
  const bool plain = !host.empty() && host.size() <= 255 && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
  });
  return plain ? std::string(tls ? "https://" : "http://") + std::string(host) : std::string();
}

void add_media_urls(Json& product, const std::string& base, const MediaSigner& signer, int64_t now_s, int64_t ttl_s) {
  if (!product.is_object()) {
    return;
  }
  if (product.contains("thumbnails") && product["thumbnails"].is_array()) {
    for (Json& thumbnail : product["thumbnails"]) {
      link_artifact(thumbnail, "url", base, signer, now_s, ttl_s);
    }
  }
  for (const char* key : {"cover", "video"}) {
    if (product.contains(key)) {
      link_artifact(product[key], "url", base, signer, now_s, ttl_s);
    }
  }
  if (product.contains("cover") && product["cover"].is_string()) {
    if (auto hex = artifact_hex(product["cover"].get<std::string>())) {
      product["cover_url"] = signer.link(base, *hex, now_s, ttl_s);
    }
  }
}

}  // namespace linkhub::http
