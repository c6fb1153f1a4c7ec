// linkhub.yaml's server-only keys (server/src/http/server_config.hpp): the
// serve: section (the HTTP server's exposure), auth: and rate_limit: values land,
// LINKHUB_SERVE_* / LINKHUB_AUTH_* win over the file, and mistakes name the file, line and key.
#include "temp_dir.hpp"

#include "http/server_config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include <unistd.h>

namespace linkhub {
namespace {

std::filesystem::path write_serve_config(const test::TempDir& dir, const std::string& text) {
  const auto path = dir.path() / "linkhub.yaml";
  std::ofstream(path) << text;
  return path;
}

TEST(ConfigServe, ReadsTheServeSection) {
  test::TempDir dir;
  auto config = http::load_linkhub_config(write_serve_config(dir, R"(serve:
  listen_tls: 0.0.0.0:8443
  tls_cert: certs/server.pem
  tls_key: /etc/linkhub/server.key
  trusted_proxies: [127.0.0.1, 10.0.0.0/8]
  header_timeout: 5s
  max_connections: 500
  max_streams_per_principal: 3
)"));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server.serve.listen_tls, "0.0.0.0:8443");
  EXPECT_EQ(config->server.serve.tls_cert, dir.path() / "certs/server.pem");
  EXPECT_EQ(config->server.serve.tls_key, "/etc/linkhub/server.key");
  EXPECT_EQ(config->server.serve.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "10.0.0.0/8"}));
  EXPECT_EQ(config->server.serve.header_timeout, std::chrono::seconds(5));
  EXPECT_EQ(config->server.serve.max_connections, 500);
  EXPECT_EQ(config->server.serve.max_streams_per_principal, 3);
  EXPECT_EQ(config->server.serve.max_url_bytes, 8192);  // a default
}

TEST(ConfigServe, TheEnvironmentWinsAndMistakesAreNamed) {
  test::TempDir dir;
  ::setenv("LINKHUB_SERVE_MAX_CONNECTIONS", "42", 1);
  ::setenv("LINKHUB_SERVE_TRUSTED_PROXIES", "127.0.0.1, fd00::/8", 1);
  auto config = http::load_linkhub_config(write_serve_config(dir, "serve: { max_connections: 500 }\n"));
  ::unsetenv("LINKHUB_SERVE_MAX_CONNECTIONS");
  ::unsetenv("LINKHUB_SERVE_TRUSTED_PROXIES");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server.serve.max_connections, 42);
  EXPECT_EQ(config->server.serve.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "fd00::/8"}));

  auto unknown = http::load_linkhub_config(write_serve_config(dir, "serve:\n  max_sockets: 3\n"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("linkhub.yaml:2:3: unknown key 'serve.max_sockets'"), std::string::npos)
      << unknown.error().message;
  auto bad = http::load_linkhub_config(write_serve_config(dir, "serve: { header_timeout: soon }\n"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("header_timeout: expected a duration"), std::string::npos) << bad.error().message;
  ::setenv("LINKHUB_SERVE_MAX_URL_BYTES", "12", 1);
  auto small = http::load_linkhub_config({});
  ::unsetenv("LINKHUB_SERVE_MAX_URL_BYTES");
  ASSERT_FALSE(small.ok());
  EXPECT_NE(small.error().message.find("LINKHUB_SERVE_MAX_URL_BYTES: serve.max_url_bytes"), std::string::npos)
      << small.error().message;
}

// auth: and rate_limit: (server/src/http/config_auth.cpp), moved from auth_store_test.cpp.

class AuthConfigTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* name : {"LINKHUB_AUTH_JWT_SECRET", "LINKHUB_AUTH_ENABLED", "LINKHUB_RATE_LIMIT_BURST",
                             "LINKHUB_AUTH_ACCESS_TOKEN_TTL"}) {
      ::unsetenv(name);
    }
  }
  std::filesystem::path write(const std::string& yaml) {
    const auto path = std::filesystem::path(::testing::TempDir()) /
                      ("linkhub-auth-config-" + std::to_string(::getpid()) + "-" + std::to_string(++n_) + ".yaml");
    std::ofstream(path) << yaml;
    return path;
  }
  int n_ = 0;
};

TEST_F(AuthConfigTest, DefaultsAreOnWithSaneLimits) {
  auto config = http::load_linkhub_config("");
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->server.auth.enabled);
  EXPECT_TRUE(config->server.auth.jwt_secret.empty());
  EXPECT_EQ(config->server.auth.access_token_ttl, std::chrono::minutes(15));
  EXPECT_EQ(config->server.rate_limit.requests_per_second, 20);
  EXPECT_EQ(config->server.rate_limit.burst, 40);
}

TEST_F(AuthConfigTest, TheFileAndTheEnvironmentSetAuthAndRateLimits) {
  const std::string secret(40, 'k');
  auto config =
      http::load_linkhub_config(write("auth: {jwt_secret: " + secret +
                                      ", access_token_ttl: 5m, refresh_token_ttl: 48h, enabled: false}\n"
                                      "rate_limit: {requests_per_second: 2.5, burst: 7, failed_auth_per_minute: 3}\n"));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server.auth.jwt_secret, secret);
  EXPECT_FALSE(config->server.auth.enabled);
  EXPECT_EQ(config->server.auth.access_token_ttl, std::chrono::minutes(5));
  EXPECT_EQ(config->server.auth.refresh_token_ttl, std::chrono::hours(48));
  EXPECT_EQ(config->server.rate_limit.requests_per_second, 2.5);
  EXPECT_EQ(config->server.rate_limit.burst, 7);
  EXPECT_EQ(config->server.rate_limit.failed_auth_per_minute, 3);

  ::setenv("LINKHUB_AUTH_ENABLED", "true", 1);
  ::setenv("LINKHUB_RATE_LIMIT_BURST", "1000", 1);
  ::setenv("LINKHUB_AUTH_ACCESS_TOKEN_TTL", "1h", 1);
  config = http::load_linkhub_config("");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_TRUE(config->server.auth.enabled);
  EXPECT_EQ(config->server.rate_limit.burst, 1000);
  EXPECT_EQ(config->server.auth.access_token_ttl, std::chrono::hours(1));
}

TEST_F(AuthConfigTest, AShortSecretIsRefusedWithoutBeingEchoed) {
  auto config = http::load_linkhub_config(write("auth: {jwt_secret: tooshort-secret}\n"));
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("at least 32"), std::string::npos) << config.error().message;
  EXPECT_EQ(config.error().message.find("tooshort-secret"), std::string::npos) << config.error().message;
  ::setenv("LINKHUB_AUTH_JWT_SECRET", "short", 1);
  EXPECT_FALSE(http::load_linkhub_config("").ok());
  EXPECT_FALSE(http::load_linkhub_config(write("auth: {jwt_secrets: x}\n")).ok()) << "a typo is an error";
  EXPECT_FALSE(http::load_linkhub_config(write("rate_limit: {burst: 0}\n")).ok());
  EXPECT_FALSE(http::load_linkhub_config(write("auth: {enabled: perhaps}\n")).ok());
}

}  // namespace
}  // namespace linkhub
