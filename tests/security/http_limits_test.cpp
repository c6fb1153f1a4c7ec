// Requests outside the limits get the JSON error contract (issue 10, items
// 10 and 11): a 64 KB header is a 431, a 20 KB URL a 414, both with a JSON
// body and X-Request-Id instead of a bare 400; two credentials are a 400
// instead of the first one silently winning.
#include "raw_http.hpp"
#include "serve_fixture.hpp"

#include <string>

namespace linkhub::test {
namespace {

class SecurityHttpLimits : public ServeTest {};

TEST_F(SecurityHttpLimits, AnOversizedHeaderGetsJson431WithARequestId) {
  start();
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(64 * 1024, 'a') +
                              "\r\nConnection: close\r\n\r\n";
  const auto r = raw_exchange(port_, request);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->json()["error"]["code"], "headers_too_large");
  EXPECT_FALSE(r->header("x-request-id").empty());
  EXPECT_EQ(r->header("content-type"), "application/json");
  // The server goes on serving.
  EXPECT_EQ(get("/healthz").status, 200);
}

TEST_F(SecurityHttpLimits, AnOverlongUrlGetsJson414WithARequestId) {
  start();
  const auto r = raw_exchange(port_, "GET /api/v1/runs?x=" + std::string(20 * 1024, 'a') +
                                         " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 414);
  EXPECT_EQ(r->json()["error"]["code"], "uri_too_long");
  EXPECT_FALSE(r->header("x-request-id").empty());
}

TEST_F(SecurityHttpLimits, ManySmallHeadersPastTheLimitAre431Too) {
  start([](http::ServeOptions& o) { o.http.max_header_bytes = 4096; });
  std::string headers;
  for (int i = 0; i < 100; ++i) {
    headers += "X-H" + std::to_string(i) + ": " + std::string(40, 'v') + "\r\n";
  }
  const auto r =
      raw_exchange(port_, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "Connection: close\r\n\r\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 431);
}

TEST_F(SecurityHttpLimits, TwoCredentialsAreRefusedNotPickedFrom) {
  start();
  const std::string viewer = make_key("viewer");
  const auto two_bearers =
      raw_exchange(port_, "GET /api/v1/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + admin_key_ +
                              "\r\nAuthorization: Bearer " + viewer + "\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(two_bearers.has_value());
  EXPECT_EQ(two_bearers->status, 400);
  EXPECT_EQ(two_bearers->json()["error"]["code"], "ambiguous_credentials");
  EXPECT_FALSE(two_bearers->header("x-request-id").empty());
  const auto two_keys = raw_exchange(port_, "GET /api/v1/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: " + viewer +
                                                "\r\nX-API-Key: " + admin_key_ + "\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(two_keys.has_value());
  EXPECT_EQ(two_keys->status, 400);
  EXPECT_EQ(two_keys->json()["error"]["code"], "ambiguous_credentials");
  // One of each is not ambiguous by count: the auth layer decides as before.
  const auto one = raw_exchange(port_, "GET /api/v1/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                                           admin_key_ + "\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->status, 200);
}

}  // namespace
}  // namespace linkhub::test
