#include "http/proxies.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace linkhub::http {
namespace {

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) {
    return "";
  }
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

std::optional<std::array<uint8_t, 16>> TrustedProxies::address(const std::string& raw) {
  std::string text = trim(raw);
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  std::array<uint8_t, 16> out{};
  in_addr v4{};
  if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    out[10] = 0xff;
    out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

Result<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& entries) {
  TrustedProxies proxies;
  for (const auto& entry : entries) {
    const size_t slash = entry.find('/');
    const std::string host = entry.substr(0, slash);
    auto bytes = address(host);
    const Error error{"trusted_proxies: '" + entry +
                      "' is not an IP address or CIDR range (such as 127.0.0.1, 10.0.0.0/8 or fd00::/8)"};
    if (!bytes) {
      return error;
    }
    const bool v4 = host.find(':') == std::string::npos;
    Net net{*bytes, 128};
    if (slash != std::string::npos) {
      const std::string bits = entry.substr(slash + 1);
      int n = -1;
      const auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), n);
      if (bits.empty() || ec != std::errc() || end != bits.data() + bits.size() || n < 0 || n > (v4 ? 32 : 128)) {
        return error;
      }
      net.prefix = v4 ? 96 + n : n;
    }
    proxies.nets_.push_back(net);
  }
  return proxies;
}

bool TrustedProxies::contains(const std::array<uint8_t, 16>& a) const {
  for (const auto& net : nets_) {
    bool match = true;
    for (int bit = 0; bit < net.prefix && match; bit += 8) {
      const int n = std::min(8, net.prefix - bit);
      const auto mask = static_cast<uint8_t>(0xff << (8 - n));
      match = (a[static_cast<size_t>(bit / 8)] & mask) == (net.bytes[static_cast<size_t>(bit / 8)] & mask);
    }
    if (match) {
      return true;
    }
  }
  return false;
}

bool TrustedProxies::trusts(const std::string& text) const {
  auto a = address(text);
  return a && contains(*a);
}

std::string TrustedProxies::client(const std::string& peer, const std::vector<std::string>& forwarded_for) const {
  if (!trusts(peer)) {
    return peer;
  }
  std::vector<std::string> hops;
  for (const auto& header : forwarded_for) {
    size_t from = 0;
    while (from <= header.size()) {
      const size_t comma = std::min(header.find(',', from), header.size());
      hops.push_back(trim(header.substr(from, comma - from)));
      from = comma + 1;
    }
  }
  std::string client = peer;
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    auto a = address(*it);
    if (!a) {
      break;
    }
    client = it->front() == '[' ? it->substr(1, it->size() - 2) : *it;
    if (!contains(*a)) {
      break;
    }
  }
  return client;
}

}  // namespace linkhub::http
