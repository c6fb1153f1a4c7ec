// X-Forwarded-For is believed only from a trusted proxy (issue 10, item 13):
// otherwise any client could pick the address its failed logins and rate
// limits are counted against, and what the access log records.
#include "raw_http.hpp"
#include "serve_fixture.hpp"

#include "http/proxies.hpp"

#include <string>

namespace linkhub::test {
namespace {

using json = nlohmann::json;

class SecurityTrustedProxies : public ServeTest {
 protected:
  // The access log's client for the request carrying this request id.
  std::string logged_client(const std::string& request_id) {
    for (const auto& line : log_lines()) {
      const auto j = json::parse(line, nullptr, false);
      if (!j.is_discarded() && j.value("event", "") == "http.request" && j.value("request_id", "") == request_id) {
        return j.value("client", "");
      }
    }
    return "(not logged)";
  }

  int failed_login(const std::string& forwarded_for) {
    return client_with("")
        ->post_json("/api/v1/auth/login", R"({"username": "nobody", "password": "wrong password"})",
                    {{"X-Forwarded-For", forwarded_for}})
        .status;
  }
};

TEST_F(SecurityTrustedProxies, ATrustedPeersForwardedForNamesTheClient) {
  start([](http::ServeOptions& o) {
    o.http.trusted_proxies = {"127.0.0.1", "10.0.0.0/8"};
    o.rate_limit.failed_auth_per_minute = 2;
  });
  get("/healthz", {{"X-Forwarded-For", "198.51.100.7, 10.1.2.3"}, {"X-Request-Id", "xff-trusted"}});
  EXPECT_EQ(logged_client("xff-trusted"), "198.51.100.7");
  // Failed logins count per client: another client behind the same proxy is not locked out.
  EXPECT_EQ(failed_login("198.51.100.1"), 401);
  EXPECT_EQ(failed_login("198.51.100.1"), 401);
  EXPECT_EQ(failed_login("198.51.100.1"), 429);
  EXPECT_EQ(failed_login("198.51.100.2"), 401);
}

TEST_F(SecurityTrustedProxies, AnUntrustedPeersForwardedForIsIgnored) {
  start([](http::ServeOptions& o) {
    o.http.trusted_proxies = {"10.0.0.0/8"};
    o.rate_limit.failed_auth_per_minute = 2;
  });
  get("/healthz", {{"X-Forwarded-For", "198.51.100.7"}, {"X-Request-Id", "xff-untrusted"}});
  EXPECT_EQ(logged_client("xff-untrusted"), "127.0.0.1");
  // Changing the header does not escape the failed-login limit.
  EXPECT_EQ(failed_login("198.51.100.1"), 401);
  EXPECT_EQ(failed_login("198.51.100.2"), 401);
  EXPECT_EQ(failed_login("198.51.100.3"), 429);
}

TEST(SecurityTrustedProxiesParsing, RangesAndTheRightMostUntrustedHop) {
  auto proxies = http::TrustedProxies::parse({"127.0.0.1", "10.0.0.0/8", "fd00::/8"});
  ASSERT_TRUE(proxies.ok());
  EXPECT_TRUE(proxies->trusts("10.200.3.4"));
  EXPECT_FALSE(proxies->trusts("11.0.0.1"));
  EXPECT_TRUE(proxies->trusts("fd12::1"));
  EXPECT_FALSE(proxies->trusts("fe80::1"));
  // A client cannot pick its address by prepending to the header: the right-most untrusted hop wins.
  EXPECT_EQ(proxies->client("127.0.0.1", {"1.1.1.1, 203.0.113.5, 10.0.0.9"}), "203.0.113.5");
  EXPECT_EQ(proxies->client("127.0.0.1", {"1.1.1.1", "203.0.113.5"}), "203.0.113.5");
  EXPECT_EQ(proxies->client("192.0.2.1", {"203.0.113.5"}), "192.0.2.1");
  EXPECT_EQ(proxies->client("127.0.0.1", {"not-an-address, 10.0.0.1"}), "10.0.0.1");
  EXPECT_EQ(proxies->client("127.0.0.1", {}), "127.0.0.1");
  EXPECT_EQ(proxies->client("127.0.0.1", {"2001:db8::1"}), "2001:db8::1");
  EXPECT_FALSE(http::TrustedProxies::parse({"10.0.0.0/33"}).ok());
  EXPECT_FALSE(http::TrustedProxies::parse({"example.com"}).ok());
}

}  // namespace
}  // namespace linkhub::test
