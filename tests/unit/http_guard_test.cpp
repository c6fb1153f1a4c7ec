// The SDK's SSRF guard as pure functions: which addresses are not public,
// how allow-list entries parse, and what they match.
#include <linkhub/http_guard.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace linkhub {
namespace {

using sdk::http_guard::Address;
using sdk::http_guard::AllowList;
using sdk::http_guard::classify;

std::string class_of(const std::string& text) {
  const auto address = Address::parse(text);
  EXPECT_TRUE(address.has_value()) << text;
  if (!address) {
    return "(not an address)";
  }
  const char* why = classify(*address);
  return why == nullptr ? "public" : why;
}

AllowList allow(const std::vector<std::string>& entries) {
  std::string error;
  auto list = AllowList::parse(entries, &error);
  EXPECT_TRUE(list.has_value()) << error;
  return list.value_or(AllowList{});
}

Address addr(const std::string& text) {
  return Address::parse(text).value();
}

TEST(HttpGuardClassify, RefusesEveryNonPublicIpv4Range) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"127.0.0.1", "a loopback address"},
      {"127.255.255.254", "a loopback address"},
      {"127.0.0.2", "a loopback address"},
      {"0.0.0.0", "an unspecified address"},
      {"0.1.2.3", "an unspecified address"},
      {"10.0.0.1", "a private address"},
      {"10.255.255.255", "a private address"},
      {"172.16.0.1", "a private address"},
      {"172.31.255.255", "a private address"},
      {"192.168.1.1", "a private address"},
      {"169.254.169.254", "a cloud metadata address"},
      {"169.254.0.1", "a link-local address"},
      {"100.64.0.1", "a shared (carrier-grade NAT) address"},
      {"100.127.255.255", "a shared (carrier-grade NAT) address"},
      {"224.0.0.1", "a multicast address"},
      {"239.255.255.250", "a multicast address"},
      {"240.0.0.1", "a reserved address"},
      {"255.255.255.255", "a reserved address"},
      {"198.18.0.1", "a reserved address"},
      {"192.0.2.10", "a documentation address"},
  };
  for (const auto& [text, expected] : cases) {
    EXPECT_EQ(class_of(text), expected) << text;
  }
}

TEST(HttpGuardClassify, LetsPublicAddressesThrough) {
  for (const std::string text : {"8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "100.63.255.255", "100.128.0.1",
                                 "169.253.255.255", "11.0.0.1", "2606:4700:4700::1111", "2001:4860:4860::8888",
                                 "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"}) {
    EXPECT_EQ(class_of(text), "public") << text;
  }
}

TEST(HttpGuardClassify, RefusesIpv6RangesAndEveryIpv6FormOfAnIpv4One) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"::1", "a loopback address"},
      {"[::1]", "a loopback address"},
      {"0:0:0:0:0:0:0:1", "a loopback address"},
      {"::", "an unspecified address"},
      {"fc00::1", "a private address"},
      {"fd12:3456::1", "a private address"},
      {"fe80::1", "a link-local address"},
      {"febf::1", "a link-local address"},
      {"fec0::1", "a private address"},
      {"ff02::1", "a multicast address"},
      {"fd00:ec2::254", "a cloud metadata address"},
      {"100::1", "a reserved address"},
      {"2001:db8::1", "a documentation address"},
      // IPv4-mapped: what a dual-stack socket connects to.
      {"::ffff:127.0.0.1", "a loopback address"},
      {"::ffff:7f00:1", "a loopback address"},
      {"[::ffff:127.0.0.1]", "a loopback address"},
      {"::ffff:10.1.2.3", "a private address"},
      {"::ffff:169.254.169.254", "a cloud metadata address"},
      {"::ffff:0.0.0.0", "an unspecified address"},
      // IPv4-compatible (deprecated), NAT64 and 6to4 carry an IPv4 address too.
      {"::127.0.0.1", "a loopback address"},
      {"::8.8.8.8", "a reserved address"},
      {"64:ff9b::127.0.0.1", "a loopback address"},
      {"64:ff9b::a9fe:a9fe", "a cloud metadata address"},
      {"64:ff9b:1::1", "a private address"},
      {"2002:7f00:1::1", "a loopback address"},
      {"2002:c0a8:101::1", "a private address"},
  };
  for (const auto& [text, expected] : cases) {
    EXPECT_EQ(class_of(text), expected) << text;
  }
}

TEST(HttpGuardClassify, ParsesOnlyCanonicalAddressText) {
  // libcurl turns these into dotted quads before it connects; the guard sees
  // the socket address, so it never has to read them as text.
  for (const std::string text :
       {"2130706433", "0x7f.1", "127.1", "017700000001", "localhost", "", "1.2.3.4.5", "::1::", "[::1", "127.0.0.1 "}) {
    EXPECT_FALSE(Address::parse(text).has_value()) << text;
  }
}

TEST(HttpGuardClassify, ReadsSocketAddressesOfBothFamilies) {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(8080);
  in.sin_addr.s_addr = htonl(0x7f000001);
  uint16_t port = 0;
  const auto v4 = Address::from_sockaddr(reinterpret_cast<const sockaddr*>(&in), &port);
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(v4->text(), "127.0.0.1");
  EXPECT_EQ(port, 8080);

  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  in6.sin6_port = htons(443);
  ASSERT_EQ(inet_pton(AF_INET6, "::ffff:127.0.0.1", &in6.sin6_addr), 1);
  const auto v6 = Address::from_sockaddr(reinterpret_cast<const sockaddr*>(&in6), &port);
  ASSERT_TRUE(v6.has_value());
  EXPECT_STREQ(classify(*v6), "a loopback address");
  EXPECT_EQ(v6->unmapped().text(), "127.0.0.1");
  EXPECT_EQ(port, 443);

  sockaddr other{};
  other.sa_family = AF_UNIX;
  EXPECT_FALSE(Address::from_sockaddr(&other).has_value());
}

TEST(HttpGuardAllowList, ParsesAddressesRangesHostsAndPorts) {
  const AllowList list = allow({"127.0.0.1", "10.0.0.0/8", "files.internal.example", "*.corp.example", "[::1]:8080",
                                "fd00::/8", "192.168.1.5:443", "Api.Example:8443", " 172.16.0.0/12 "});
  EXPECT_EQ(list.entries().size(), 9u);

  EXPECT_TRUE(list.allows(addr("127.0.0.1"), 80, "127.0.0.1"));
  EXPECT_TRUE(list.allows(addr("::ffff:127.0.0.1"), 80, "[::ffff:127.0.0.1]")) << "mapped is the IPv4 address";
  EXPECT_FALSE(list.allows(addr("127.0.0.2"), 80, "127.0.0.2")) << "one address is not all of 127/8";
  EXPECT_TRUE(list.allows(addr("10.200.3.4"), 80, "10.200.3.4"));
  EXPECT_FALSE(list.allows(addr("11.0.0.1"), 80, "11.0.0.1"));
  EXPECT_TRUE(list.allows(addr("172.20.0.1"), 80, "172.20.0.1"));
  EXPECT_TRUE(list.allows(addr("fd12::1"), 80, "[fd12::1]"));
  EXPECT_FALSE(list.allows(addr("fc00::1"), 80, "[fc00::1]"));

  // Host names match the URL's host, whatever it resolves to; case and a final dot do not matter.
  EXPECT_TRUE(list.allows(addr("10.9.9.9"), 80, "files.internal.example"));
  EXPECT_TRUE(list.allows(addr("192.168.7.7"), 80, "FILES.Internal.Example."));
  EXPECT_FALSE(list.allows(addr("192.168.7.7"), 80, "other.internal.example"));
  EXPECT_TRUE(list.allows(addr("192.168.7.7"), 80, "a.b.corp.example"));
  EXPECT_FALSE(list.allows(addr("192.168.7.7"), 80, "corp.example")) << "*. is below the name only";
  EXPECT_FALSE(list.allows(addr("192.168.7.7"), 80, "evilcorp.example"));

  // Ports.
  EXPECT_TRUE(list.allows(addr("::1"), 8080, "[::1]"));
  EXPECT_FALSE(list.allows(addr("::1"), 8081, "[::1]"));
  EXPECT_TRUE(list.allows(addr("192.168.1.5"), 443, "192.168.1.5"));
  EXPECT_FALSE(list.allows(addr("192.168.1.5"), 80, "192.168.1.5"));
  EXPECT_TRUE(list.allows(addr("192.168.9.9"), 8443, "api.example"));
  EXPECT_FALSE(list.allows(addr("192.168.9.9"), 443, "api.example"));
}

TEST(HttpGuardAllowList, RefusesMalformedEntriesNamingThem) {
  for (const std::string bad : {"",
                                "  ",
                                "10.0.0.0/33",
                                "10.0.0.0/",
                                "10.0.0.0/x",
                                "fd00::/129",
                                "[::1",
                                "[::1]x",
                                "[::1]:0",
                                "127.0.0.1:99999",
                                "127.0.0.1:",
                                "host:port",
                                "2130706433",
                                "127.1",
                                "0x7f.1",
                                "bad_host.example",
                                "-x.example",
                                "a..b",
                                "http://x.example/",
                                "*.",
                                "x.example/8"}) {
    std::string error;
    EXPECT_FALSE(AllowList::parse({"127.0.0.1", bad}, &error).has_value()) << "'" << bad << "'";
    EXPECT_NE(error.find("http.allow entry '" + bad.substr(0, 200) + "'"), std::string::npos) << error;
  }
}

TEST(HttpGuardAllowList, RefusalNamesHostAndAddressAndTheSettingButNoUrl) {
  const AllowList none;
  EXPECT_FALSE(none.refusal(addr("8.8.8.8"), 443, "dns.google").has_value()) << "public is always fine";
  const auto why = none.refusal(addr("127.0.0.1"), 8080, "localhost");
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(*why,
            "refused: localhost (127.0.0.1) is a loopback address; allow it with http.allow in linkhub.yaml (or "
            "LINKHUB_HTTP_ALLOW) if this deployment needs it");
  EXPECT_EQ(
      none.refusal(addr("169.254.169.254"), 80, "169.254.169.254")->rfind("refused: 169.254.169.254 is a cloud", 0),
      0u);
  EXPECT_FALSE(allow({"localhost"}).refusal(addr("127.0.0.1"), 8080, "localhost").has_value());
}

}  // namespace
}  // namespace linkhub
