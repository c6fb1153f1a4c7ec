// linkhub.yaml's serve: section (the HTTP server's exposure): values land,
// LINKHUB_SERVE_* wins over the file, and mistakes name the file, line and key.
#include "temp_dir.hpp"

#include <linkhub/engine/config.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace linkhub {
namespace {

std::filesystem::path write_serve_config(const test::TempDir& dir, const std::string& text) {
  const auto path = dir.path() / "linkhub.yaml";
  std::ofstream(path) << text;
  return path;
}

TEST(ConfigServe, ReadsTheServeSection) {
  test::TempDir dir;
  auto config = load_config(write_serve_config(dir, R"(serve:
  listen_tls: 0.0.0.0:8443
  tls_cert: certs/server.pem
  tls_key: /etc/linkhub/server.key
  trusted_proxies: [127.0.0.1, 10.0.0.0/8]
  header_timeout: 5s
  max_connections: 500
  max_streams_per_principal: 3
)"));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->serve.listen_tls, "0.0.0.0:8443");
  EXPECT_EQ(config->serve.tls_cert, dir.path() / "certs/server.pem");
  EXPECT_EQ(config->serve.tls_key, "/etc/linkhub/server.key");
  EXPECT_EQ(config->serve.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "10.0.0.0/8"}));
  EXPECT_EQ(config->serve.header_timeout, std::chrono::seconds(5));
  EXPECT_EQ(config->serve.max_connections, 500);
  EXPECT_EQ(config->serve.max_streams_per_principal, 3);
  EXPECT_EQ(config->serve.max_url_bytes, 8192);  // a default
}

TEST(ConfigServe, TheEnvironmentWinsAndMistakesAreNamed) {
  test::TempDir dir;
  ::setenv("LINKHUB_SERVE_MAX_CONNECTIONS", "42", 1);
  ::setenv("LINKHUB_SERVE_TRUSTED_PROXIES", "127.0.0.1, fd00::/8", 1);
  auto config = load_config(write_serve_config(dir, "serve: { max_connections: 500 }\n"));
  ::unsetenv("LINKHUB_SERVE_MAX_CONNECTIONS");
  ::unsetenv("LINKHUB_SERVE_TRUSTED_PROXIES");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->serve.max_connections, 42);
  EXPECT_EQ(config->serve.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "fd00::/8"}));

  auto unknown = load_config(write_serve_config(dir, "serve:\n  max_sockets: 3\n"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("linkhub.yaml:2:3: unknown key 'serve.max_sockets'"), std::string::npos)
      << unknown.error().message;
  auto bad = load_config(write_serve_config(dir, "serve: { header_timeout: soon }\n"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("header_timeout: expected a duration"), std::string::npos) << bad.error().message;
  ::setenv("LINKHUB_SERVE_MAX_URL_BYTES", "12", 1);
  auto small = load_config({});
  ::unsetenv("LINKHUB_SERVE_MAX_URL_BYTES");
  ASSERT_FALSE(small.ok());
  EXPECT_NE(small.error().message.find("LINKHUB_SERVE_MAX_URL_BYTES: serve.max_url_bytes"), std::string::npos)
      << small.error().message;
}

}  // namespace
}  // namespace linkhub
