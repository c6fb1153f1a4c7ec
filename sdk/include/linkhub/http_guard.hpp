// linkhub plugin SDK: which addresses outbound HTTP may reach (the SSRF guard).
//
// A workflow author chooses the URLs a step fetches, so without a guard a
// workflow could make the server reach what only the server can reach: its
// own loopback services, the private network, a cloud's metadata service.
// By default every address that is not public is refused; a deployment
// allows what it needs with `http: { allow: [...] }` in linkhub.yaml (or
// LINKHUB_HTTP_ALLOW), which the host hands to each step
// (sdk::Context::http_allow()).
//
// This header is the pure part (no libcurl): classify an address, parse and
// match the allow-list. linkhub/curl_http_guard.hpp applies it to every
// connection libcurl opens, on the address actually connected to.
//
//   std::string error;
//   auto allow = linkhub::sdk::http_guard::AllowList::parse({"10.0.0.0/8", "files.internal.example"}, &error);
//   auto address = linkhub::sdk::http_guard::Address::parse("127.0.0.1");
//   linkhub::sdk::http_guard::classify(*address);          // "a loopback address"
//   allow->allows(*address, 80, "127.0.0.1");               // false
//
// Allow-list entries (v4 and v6 alike), each optionally with ":PORT":
//   127.0.0.1  [::1]  ::1            one address (an IPv4-mapped IPv6 address is its IPv4 one)
//   10.0.0.0/8  fd00::/8            a CIDR range
//   files.internal.example          a host name as written in the URL (any address it resolves to)
//   *.internal.example              every name below internal.example
//   127.0.0.1:8080  [::1]:8080  files.internal.example:8443   only that port
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkhub::sdk::http_guard {

// An IPv4 or IPv6 address.
struct Address {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4: the first 4

  // Dotted-quad IPv4 or IPv6 text (brackets allowed); nullopt otherwise.
  // Only the canonical IPv4 form: "2130706433" or "0x7f.1" are no addresses
  // here (libcurl turns them into dotted quads before it connects).
  static std::optional<Address> parse(std::string_view text) {
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
      text = text.substr(1, text.size() - 2);
    }
    const std::string s(text);
    Address a;
    if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
      return a;
    }
    a.v6 = true;
    if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
      return a;
    }
    return std::nullopt;
  }

  // The address (and port, when `port` is given) of a socket address; nullopt
  // for other families.
  static std::optional<Address> from_sockaddr(const sockaddr* sa, uint16_t* port = nullptr) {
    Address a;
    if (sa == nullptr) {
      return std::nullopt;
    }
    if (sa->sa_family == AF_INET) {
      sockaddr_in in{};
      std::memcpy(&in, sa, sizeof(in));
      std::memcpy(a.bytes.data(), &in.sin_addr, 4);
      if (port != nullptr) {
        *port = ntohs(in.sin_port);
      }
      return a;
    }
    if (sa->sa_family == AF_INET6) {
      sockaddr_in6 in6{};
      std::memcpy(&in6, sa, sizeof(in6));
      a.v6 = true;
      std::memcpy(a.bytes.data(), &in6.sin6_addr, 16);
      if (port != nullptr) {
        *port = ntohs(in6.sin6_port);
      }
      return a;
    }
    return std::nullopt;
  }

  std::string text() const {
    char buf[INET6_ADDRSTRLEN] = {0};
    inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof(buf));
    return buf;
  }

  // The IPv4 address inside ::ffff:a.b.c.d (what a dual-stack socket really
  // connects to); itself otherwise.
  Address unmapped() const {
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (!v6 || std::memcmp(bytes.data(), kMapped, 12) != 0) {
      return *this;
    }
    return v4(bytes[12], bytes[13], bytes[14], bytes[15]);
  }

  static Address v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    Address out;
    out.bytes[0] = a;
    out.bytes[1] = b;
    out.bytes[2] = c;
    out.bytes[3] = d;
    return out;
  }

  // Whether the first `prefix` bits equal those of `network` (same family).
  bool in(const Address& network, int prefix) const {
    if (v6 != network.v6 || prefix < 0 || prefix > (v6 ? 128 : 32)) {
      return false;
    }
    const int whole = prefix / 8;
    if (std::memcmp(bytes.data(), network.bytes.data(), static_cast<size_t>(whole)) != 0) {
      return false;
    }
    const int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    const auto mask = static_cast<uint8_t>(0xff << (8 - rest));
    return (bytes[whole] & mask) == (network.bytes[whole] & mask);
  }
};

namespace detail {

inline const char* classify_v4(const uint8_t* b) {
  const Address a = Address::v4(b[0], b[1], b[2], b[3]);
  struct Range {
    Address net;
    int prefix;
    const char* what;
  };
  // First match wins: the metadata address before link-local.
  static const Range kRanges[] = {
      {Address::v4(0, 0, 0, 0), 8, "an unspecified address"},
      {Address::v4(127, 0, 0, 0), 8, "a loopback address"},
      {Address::v4(10, 0, 0, 0), 8, "a private address"},
      {Address::v4(172, 16, 0, 0), 12, "a private address"},
      {Address::v4(192, 168, 0, 0), 16, "a private address"},
      {Address::v4(169, 254, 169, 254), 32, "a cloud metadata address"},
      {Address::v4(169, 254, 0, 0), 16, "a link-local address"},
      {Address::v4(100, 64, 0, 0), 10, "a shared (carrier-grade NAT) address"},
      {Address::v4(224, 0, 0, 0), 4, "a multicast address"},
      {Address::v4(240, 0, 0, 0), 4, "a reserved address"},  // and 255.255.255.255, broadcast
      {Address::v4(192, 0, 0, 0), 24, "a reserved address"},
      {Address::v4(198, 18, 0, 0), 15, "a reserved address"},
      {Address::v4(192, 0, 2, 0), 24, "a documentation address"},
      {Address::v4(198, 51, 100, 0), 24, "a documentation address"},
      {Address::v4(203, 0, 113, 0), 24, "a documentation address"},
  };
  for (const Range& r : kRanges) {
    if (a.in(r.net, r.prefix)) {
      return r.what;
    }
  }
  return nullptr;
}

inline Address v6(std::string_view text) {
  return *Address::parse(text);
}

}  // namespace detail

// Why outbound HTTP must not reach `address` by default ("a loopback
// address", "a private address", ...), or nullptr when it is public. IPv6
// forms that carry an IPv4 address (mapped ::ffff:0:0/96, compatible ::/96,
// NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by the IPv4 address inside.
inline const char* classify(const Address& address) {
  if (!address.v6) {
    return detail::classify_v4(address.bytes.data());
  }
  const uint8_t* b = address.bytes.data();
  static const Address kZero = detail::v6("::");
  if (address.in(kZero, 128)) {
    return "an unspecified address";
  }
  if (address.in(detail::v6("::1"), 128)) {
    return "a loopback address";
  }
  if (address.in(detail::v6("::ffff:0:0"), 96) || address.in(detail::v6("64:ff9b::"), 96)) {
    return detail::classify_v4(b + 12);
  }
  if (address.in(kZero, 96)) {  // IPv4-compatible (deprecated): nothing public lives there
    const char* inner = detail::classify_v4(b + 12);
    return inner != nullptr ? inner : "a reserved address";
  }
  if (address.in(detail::v6("2002::"), 16)) {  // 6to4 carries an IPv4 address
    if (const char* inner = detail::classify_v4(b + 2)) {
      return inner;
    }
  }
  struct Range {
    const char* net;
    int prefix;
    const char* what;
  };
  static const Range kRanges[] = {
      {"fd00:ec2::254", 128, "a cloud metadata address"},
      {"fc00::", 7, "a private address"},  // unique local
      {"fe80::", 10, "a link-local address"},
      {"fec0::", 10, "a private address"},  // site-local (deprecated)
      {"ff00::", 8, "a multicast address"},
      {"64:ff9b:1::", 48, "a private address"},  // local-use NAT64
      {"100::", 64, "a reserved address"},       // discard-only
      {"2001:db8::", 32, "a documentation address"},
  };
  for (const Range& r : kRanges) {
    if (address.in(detail::v6(r.net), r.prefix)) {
      return r.what;
    }
  }
  return nullptr;
}

// The deployment's allow-list (http.allow in linkhub.yaml).
class AllowList {
 public:
  struct Entry {
    std::string text;  // as written, for messages
    bool is_host = false;
    std::string host;  // lower case; "*.x" matches names below x
    Address network;
    int prefix = 0;
    uint16_t port = 0;  // 0: any
  };

  // Parses every entry; on a malformed one returns nullopt and sets *error to
  // a sentence naming it.
  static std::optional<AllowList> parse(const std::vector<std::string>& entries, std::string* error) {
    AllowList out;
    for (const std::string& text : entries) {
      auto entry = parse_entry(text, error);
      if (!entry) {
        return std::nullopt;
      }
      out.entries_.push_back(std::move(*entry));
    }
    return out;
  }

  static std::optional<Entry> parse_entry(std::string_view text, std::string* error) {
    const auto fail = [&](const std::string& why) -> std::optional<Entry> {
      if (error != nullptr) {
        *error = "http.allow entry '" + std::string(text.substr(0, 200)) + "': " + why;
      }
      return std::nullopt;
    };
    Entry e;
    e.text = std::string(text);
    std::string_view rest = trim(text);
    if (rest.empty()) {
      return fail("empty");
    }
    // A port: "[v6]:p", "v4:p", "host:p" (a bare IPv6 address has several colons and no port).
    if (rest.front() == '[') {
      const size_t close = rest.find(']');
      if (close == std::string_view::npos) {
        return fail("'[' without ']'");
      }
      if (close + 1 < rest.size()) {
        if (rest[close + 1] != ':' || !parse_port(rest.substr(close + 2), &e.port)) {
          return fail("expected [IPv6 address]:PORT with a port from 1 to 65535");
        }
      }
      rest = rest.substr(1, close - 1);
    } else if (std::count(rest.begin(), rest.end(), ':') == 1) {
      const size_t colon = rest.find(':');
      if (!parse_port(rest.substr(colon + 1), &e.port)) {
        return fail("expected a port from 1 to 65535 after ':'");
      }
      rest = rest.substr(0, colon);
    }
    const size_t slash = rest.find('/');
    if (slash != std::string_view::npos) {
      auto network = Address::parse(rest.substr(0, slash));
      int prefix = -1;
      const std::string_view bits = rest.substr(slash + 1);
      if (!bits.empty() && bits.size() <= 3 && std::all_of(bits.begin(), bits.end(), is_digit)) {
        prefix = std::stoi(std::string(bits));
      }
      if (!network || prefix < 0 || prefix > (network->v6 ? 128 : 32)) {
        return fail("expected a CIDR range such as 10.0.0.0/8 or fd00::/8");
      }
      e.network = network->unmapped();
      e.prefix = network->v6 && !e.network.v6 ? std::max(0, prefix - 96) : prefix;
      return e;
    }
    if (auto address = Address::parse(rest)) {
      e.network = address->unmapped();
      e.prefix = e.network.v6 ? 128 : 32;
      return e;
    }
    std::string host = lower(rest);
    if (!host.empty() && host.back() == '.') {
      host.pop_back();
    }
    if (!valid_host_pattern(host)) {
      return fail(
          "expected an IP address, a CIDR range (10.0.0.0/8), or a host name (files.internal.example, "
          "*.internal.example), each optionally with :PORT");
    }
    e.is_host = true;
    e.host = std::move(host);
    return e;
  }

  bool empty() const { return entries_.empty(); }
  const std::vector<Entry>& entries() const { return entries_; }

  // Whether a connection to `address`:`port`, made for a URL whose host is
  // `url_host` (as written in the URL, brackets and all), is allowed.
  bool allows(const Address& address, uint16_t port, std::string_view url_host) const {
    const Address plain = address.unmapped();
    std::string host = lower(url_host);
    if (!host.empty() && host.back() == '.') {
      host.pop_back();
    }
    for (const Entry& e : entries_) {
      if (e.port != 0 && e.port != port) {
        continue;
      }
      if (e.is_host ? host_matches(e.host, host) : plain.in(e.network, e.prefix)) {
        return true;
      }
    }
    return false;
  }

  // Why the connection is refused ("127.0.0.1 is a loopback address; ..."),
  // or nullopt when it may go ahead: public addresses always may, others only
  // when allowed. `url_host` is shown when it is a name.
  std::optional<std::string> refusal(const Address& address, uint16_t port, std::string_view url_host) const {
    const char* why = classify(address);
    if (why == nullptr || allows(address, port, url_host)) {
      return std::nullopt;
    }
    std::string who = address.text();
    if (!url_host.empty() && !Address::parse(url_host)) {
      who = std::string(url_host.substr(0, 253)) + " (" + who + ")";
    }
    return "refused: " + who + " is " + why +
           "; allow it with http.allow in linkhub.yaml (or LINKHUB_HTTP_ALLOW) if this deployment needs it";
  }

 private:
  static bool is_digit(char c) { return c >= '0' && c <= '9'; }
  static std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
      s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
      s.remove_suffix(1);
    }
    return s;
  }
  static std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
  }
  static bool parse_port(std::string_view text, uint16_t* port) {
    if (text.empty() || text.size() > 5 || !std::all_of(text.begin(), text.end(), is_digit)) {
      return false;
    }
    const int n = std::stoi(std::string(text));
    if (n < 1 || n > 65535) {
      return false;
    }
    *port = static_cast<uint16_t>(n);
    return true;
  }
  // Letters, digits, '-' and '.', labels not empty, the last one not all
  // digits (so "2130706433" or "127.1" is never taken for a name), and an
  // optional leading "*.".
  static bool valid_host_pattern(std::string_view host) {
    if (host.rfind("*.", 0) == 0) {
      host.remove_prefix(2);
    }
    if (host.empty() || host.size() > 253) {
      return false;
    }
    size_t start = 0;
    bool last_all_digits = false;
    while (start <= host.size()) {
      const size_t end = std::min(host.find('.', start), host.size());
      const std::string_view label = host.substr(start, end - start);
      if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
        return false;
      }
      for (char c : label) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') {
          return false;
        }
      }
      last_all_digits = std::all_of(label.begin(), label.end(), is_digit) ||
                        (label.size() > 2 && label[0] == '0' && (label[1] == 'x'));
      start = end + 1;
    }
    return !last_all_digits;
  }
  static bool host_matches(const std::string& pattern, const std::string& host) {
    if (pattern.rfind("*.", 0) == 0) {
      const std::string suffix = pattern.substr(1);  // ".internal.example"
      return host.size() > suffix.size() && host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0;
    }
    return host == pattern;
  }

  std::vector<Entry> entries_;
};

// A URL fit for messages and logs: scheme://host/path with the query and
// fragment cut ("?...") and user:password@ masked, since both often carry tokens.
inline std::string loggable_url(const std::string& url) {
  const size_t q = url.find_first_of("?#");
  std::string out = q == std::string::npos ? url : url.substr(0, q) + "?...";
  const size_t scheme = out.find("://");
  const size_t authority = scheme == std::string::npos ? 0 : scheme + 3;
  const size_t at = out.find('@', authority);
  if (scheme != std::string::npos && at != std::string::npos && at < out.find('/', authority)) {
    out.replace(authority, at - authority, "***");
  }
  return out;
}

}  // namespace linkhub::sdk::http_guard
