// serve.public_url and serve.media_link_ttl (media links in API answers):
// from the file and LINKHUB_SERVE_*, a trailing slash dropped, and a base
// that is not an http(s) address refused naming the key.
#include "temp_dir.hpp"

#include "http/server_config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace linkhub {
namespace {

Result<http::LinkhubConfig> load_serve(const test::TempDir& dir, const std::string& text) {
  const auto path = dir.path() / "linkhub.yaml";
  std::ofstream(path) << text;
  return http::load_linkhub_config(path);
}

TEST(ConfigMedia, PublicUrlAndLinkTtlFromTheFileAndTheEnvironment) {
  test::TempDir dir;
  auto defaults = load_serve(dir, "serve: {}\n");
  ASSERT_TRUE(defaults.ok()) << defaults.error().message;
  EXPECT_EQ(defaults->server.serve.public_url, "");
  EXPECT_EQ(defaults->server.serve.media_link_ttl, std::chrono::hours(24 * 7));

  auto set = load_serve(dir, "serve: { public_url: 'https://shop.example.com/linkhub/', media_link_ttl: 2h }\n");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->server.serve.public_url, "https://shop.example.com/linkhub");
  EXPECT_EQ(set->server.serve.media_link_ttl, std::chrono::hours(2));

  ::setenv("LINKHUB_SERVE_PUBLIC_URL", "http://10.0.0.5:8080", 1);
  ::setenv("LINKHUB_SERVE_MEDIA_LINK_TTL", "30m", 1);
  auto env = load_serve(dir, "serve: { public_url: 'https://shop.example.com' }\n");
  ::unsetenv("LINKHUB_SERVE_PUBLIC_URL");
  ::unsetenv("LINKHUB_SERVE_MEDIA_LINK_TTL");
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(env->server.serve.public_url, "http://10.0.0.5:8080");
  EXPECT_EQ(env->server.serve.media_link_ttl, std::chrono::minutes(30));
}

TEST(ConfigMedia, APublicUrlThatIsNotAnHttpBaseIsRefused) {
  test::TempDir dir;
  for (const char* bad : {"shop.example.com", "ftp://shop.example.com", "https://", "https:///path",
                          "https://shop.example.com/?a=1", "https://user@shop.example.com"}) {
    auto config = load_serve(dir, std::string("serve:\n  public_url: '") + bad + "'\n");
    ASSERT_FALSE(config.ok()) << bad;
    EXPECT_NE(config.error().message.find("linkhub.yaml:2:3: serve.public_url: expected"), std::string::npos)
        << config.error().message;
  }
}

}  // namespace
}  // namespace linkhub
