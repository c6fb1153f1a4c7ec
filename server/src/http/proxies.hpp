#pragma once
// Which peers are reverse proxies whose X-Forwarded-For is believed: only
// for those does the client address (rate limits, failed-login limits, the
// access log) come from the header instead of the TCP peer.

#include <linkhub/engine/result.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linkhub::http {

class TrustedProxies {
 public:
  // Addresses or CIDR ranges, IPv4 or IPv6: "127.0.0.1", "10.0.0.0/8", "fd00::/8".
  static Result<TrustedProxies> parse(const std::vector<std::string>& entries);

  bool empty() const { return nets_.empty(); }
  bool trusts(const std::string& address) const;
  // The client behind `peer`: the peer itself unless it is trusted; else the
  // right-most X-Forwarded-For address (headers in order, comma lists) that
  // is not itself a trusted proxy (the left-most when all are). Entries that
  // are not IP addresses end the walk: nothing left of them is believed.
  std::string client(const std::string& peer, const std::vector<std::string>& forwarded_for) const;

 private:
  struct Net {
    std::array<uint8_t, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
    int prefix = 128;
  };
  static std::optional<std::array<uint8_t, 16>> address(const std::string& text);
  bool contains(const std::array<uint8_t, 16>& a) const;
  std::vector<Net> nets_;
};

}  // namespace linkhub::http
