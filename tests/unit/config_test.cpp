// linkhub.yaml and its environment overrides: values land where they should,
// the environment wins over the file, and mistakes name the file, line and key.
#include "temp_dir.hpp"

#include "http/server_config.hpp"

#include <linkhub/engine/config.hpp>

#include <yaml-cpp/yaml.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>

namespace linkhub {
namespace {

// Sets an environment variable for one test and puts it back afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) {
      old_ = old;
      had_ = true;
    }
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (had_) {
      ::setenv(name_, old_.c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

std::filesystem::path write_config(const test::TempDir& dir, const std::string& text) {
  const auto path = dir.path() / "linkhub.yaml";
  std::ofstream(path) << text;
  return path;
}

TEST(Config, ReadsDurationsAndServeKeys) {
  test::TempDir dir;
  auto config = http::load_linkhub_config(write_config(dir,
                                                       "lease: 5s\nshutdown_grace: 2m\nlisten: 127.0.0.1:9000\n"
                                                       "max_body_bytes: 4096\ncors_origin: http://localhost:5173\n"));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->engine.lease, std::chrono::seconds(5));
  EXPECT_EQ(config->engine.shutdown_grace, std::chrono::minutes(2));
  EXPECT_EQ(config->server.listen, "127.0.0.1:9000");
  EXPECT_EQ(config->server.max_body_bytes, 4096u);
  EXPECT_EQ(config->server.cors_origin, "http://localhost:5173");
}

TEST(Config, DefaultsWithoutAFile) {
  auto config = http::load_linkhub_config({});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->engine.shutdown_grace, std::chrono::seconds(30));
  EXPECT_EQ(config->server.listen, "127.0.0.1:8080");
}

TEST(Config, TheEnvironmentWinsOverTheFile) {
  test::TempDir dir;
  ScopedEnv grace("LINKHUB_SHUTDOWN_GRACE", "0s");
  ScopedEnv lease("LINKHUB_LEASE", "1m");
  ScopedEnv secret("LINKHUB_SECRET_SHOP_HOOK", "s3cr3t");
  auto config = load_config(write_config(dir, "lease: 5s\nshutdown_grace: 2m\n"));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->shutdown_grace, std::chrono::milliseconds(0));
  EXPECT_EQ(config->lease, std::chrono::minutes(1));
  EXPECT_EQ(config->secrets.at("SHOP_HOOK"), "s3cr3t");
}

TEST(Config, StepConcurrencyFromTheEnvironmentReplacesTheFilesLimits) {
  test::TempDir dir;
  ScopedEnv limits("LINKHUB_STEP_CONCURRENCY", "tiktok.fetch=4,ai=2");
  auto config = load_config(write_config(dir, "step_concurrency: { media.thumbnails: 1 }\n"));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->step_concurrency, (std::map<std::string, int>{{"tiktok.fetch", 4}, {"ai", 2}}));
}

TEST(Config, ABadStepConcurrencyVariableNamesTheItem) {
  for (const char* bad : {"tiktok.fetch", "tiktok.fetch=0", "=3", "ai=2x"}) {
    ScopedEnv limits("LINKHUB_STEP_CONCURRENCY", bad);
    auto config = load_config({});
    ASSERT_FALSE(config.ok()) << bad;
    EXPECT_NE(config.error().message.find(std::string("'") + bad + "'"), std::string::npos) << config.error().message;
  }
}

TEST(Config, HttpAllowListFromTheFileOrTheEnvironment) {
  test::TempDir dir;
  const auto path = write_config(dir, "http:\n  allow: [\"127.0.0.1\", \"10.0.0.0/8\", files.internal.example]\n");
  auto config = load_config(path);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->http.allow, (std::vector<std::string>{"127.0.0.1", "10.0.0.0/8", "files.internal.example"}));
  EXPECT_TRUE(load_config("")->http.allow.empty()) << "nothing beyond public addresses by default";
  {
    ScopedEnv allow("LINKHUB_HTTP_ALLOW", "[::1]:8080,fd00::/8");
    auto replaced = load_config(path);
    ASSERT_TRUE(replaced.ok()) << replaced.error().message;
    EXPECT_EQ(replaced->http.allow, (std::vector<std::string>{"[::1]:8080", "fd00::/8"}));
  }
  for (const std::string bad : {"http: [127.0.0.1]\n", "http:\n  allow: 127.0.0.1\n", "http:\n  deny: []\n",
                                "http:\n  allow: [\"10.0.0.0/33\"]\n"}) {
    auto refused = load_config(write_config(dir, bad));
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.error().message.find("linkhub.yaml:"), std::string::npos) << refused.error().message;
    EXPECT_NE(refused.error().message.find("http"), std::string::npos) << refused.error().message;
  }
}

TEST(Config, CircuitBreakersFromTheFileWithHostsOverDefaultsAndTheEnvironment) {
  test::TempDir dir;
  // hosts before default: a host still starts from the default it does not override.
  const auto path = write_config(dir,
                                 "http:\n"
                                 "  circuit_breakers:\n"
                                 "    hosts:\n"
                                 "      API.Example.com: {failures: 2, cooldown: 250ms}\n"
                                 "    default: {failures: 7, failure_rate: 0.25, min_calls: 40, window: 1m, "
                                 "cooldown: 45s}\n");
  auto config = load_config(path);
  ASSERT_TRUE(config.ok()) << config.error().message;
  const CircuitBreakerConfig& b = config->http.circuit_breakers;
  EXPECT_EQ(b.defaults.failures, 7u);
  EXPECT_EQ(b.defaults.failure_rate, 0.25);
  EXPECT_EQ(b.defaults.min_calls, 40u);
  EXPECT_EQ(b.defaults.window, std::chrono::minutes(1));
  EXPECT_EQ(b.defaults.cooldown, std::chrono::seconds(45));
  ASSERT_EQ(b.hosts.count("api.example.com"), 1u);
  const auto host = b.hosts.at("api.example.com").over(b.defaults);
  EXPECT_EQ(host.failures, 2u);
  EXPECT_EQ(host.cooldown, std::chrono::milliseconds(250));
  EXPECT_EQ(host.min_calls, 40u) << "from the default";
  {
    ScopedEnv failures("LINKHUB_HTTP_BREAKER_FAILURES", "3");
    ScopedEnv cooldown("LINKHUB_HTTP_BREAKER_COOLDOWN", "2s");
    auto env = load_config(path);
    ASSERT_TRUE(env.ok()) << env.error().message;
    EXPECT_EQ(env->http.circuit_breakers.defaults.failures, 3u);
    EXPECT_EQ(env->http.circuit_breakers.defaults.cooldown, std::chrono::seconds(2));
    EXPECT_EQ(env->http.circuit_breakers.hosts.at("api.example.com").over(env->http.circuit_breakers.defaults).failures,
              2u)
        << "a host's own setting wins";
  }
  {
    ScopedEnv bad("LINKHUB_HTTP_BREAKER_FAILURE_RATE", "150%");
    auto refused = load_config(path);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("LINKHUB_HTTP_BREAKER_FAILURE_RATE"), std::string::npos)
        << refused.error().message;
  }
  for (const std::string bad : {"http:\n  circuit_breakers: [1]\n", "http:\n  circuit_breakers:\n    default: 5\n",
                                "http:\n  circuit_breakers:\n    default: {failures: -1}\n",
                                "http:\n  circuit_breakers:\n    default: {failure_rate: 2}\n",
                                "http:\n  circuit_breakers:\n    default: {cooldown: soon}\n",
                                "http:\n  circuit_breakers:\n    default: {retries: 3}\n",
                                "http:\n  circuit_breakers:\n    hosts: {a.example: {min_calls: 0}}\n",
                                "http:\n  circuit_breakers:\n    everyone: {}\n"}) {
    auto refused = load_config(write_config(dir, bad));
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.error().message.find("linkhub.yaml:"), std::string::npos) << refused.error().message;
    EXPECT_NE(refused.error().message.find("http.circuit_breakers"), std::string::npos) << refused.error().message;
  }
}

TEST(Config, ABadDurationNamesTheFileLineAndKey) {
  test::TempDir dir;
  auto config = load_config(write_config(dir, "lease: 5s\nshutdown_grace: soon\n"));
  ASSERT_FALSE(config.ok());
  const std::string& message = config.error().message;
  EXPECT_NE(message.find("linkhub.yaml:2"), std::string::npos) << message;
  EXPECT_NE(message.find("shutdown_grace"), std::string::npos) << message;
}

TEST(Config, ABadEnvironmentValueNamesTheVariable) {
  ScopedEnv grace("LINKHUB_SHUTDOWN_GRACE", "later");
  auto config = load_config({});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("LINKHUB_SHUTDOWN_GRACE"), std::string::npos) << config.error().message;
}

TEST(Config, AnUnknownKeyIsNamedWithTheKnownOnes) {
  test::TempDir dir;
  auto config = load_config(write_config(dir, "leese: 5s\n"));
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("unknown key 'leese'"), std::string::npos) << config.error().message;
  EXPECT_NE(config.error().message.find("shutdown_grace"), std::string::npos) << config.error().message;
  // Through the server's loader the list names the server's keys too.
  auto served = http::load_linkhub_config(write_config(dir, "leese: 5s\n"));
  ASSERT_FALSE(served.ok());
  EXPECT_NE(served.error().message.find("linkhub.yaml:1:1: unknown key 'leese' (expected threads, database, lease, "),
            std::string::npos)
      << served.error().message;
  EXPECT_NE(
      served.error().message.find(", http, storage, listen, max_body_bytes, cors_origin, auth, rate_limit or serve)"),
      std::string::npos)
      << served.error().message;
}

// A section registered by its owner gets its key's YAML and its turn at the
// environment; without the registration the key is unknown.
TEST(Config, ARegisteredSectionParsesItsOwnKey) {
  test::TempDir dir;
  const auto path = write_config(dir, "threads: 3\nmedia: {quality: 80}\n");
  int quality = 0;
  std::string seen_from;
  const std::vector<ConfigSection> sections = {
      {"media",
       [&](const std::filesystem::path& file, const YAML::Node& value) -> std::optional<Error> {
         if (!value["quality"]) {
           return Error{config_location(file, value) + ": media: quality is required"};
         }
         quality = value["quality"].as<int>();
         return std::nullopt;
       },
       [&]() -> std::optional<Error> {
         if (const char* q = std::getenv("LINKHUB_MEDIA_QUALITY")) {
           quality = std::atoi(q);
           seen_from = "environment";
         }
         return std::nullopt;
       }}};
  auto config = load_config(path, sections);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->threads, 3);
  EXPECT_EQ(quality, 80);
  {
    ScopedEnv env("LINKHUB_MEDIA_QUALITY", "55");
    ASSERT_TRUE(load_config(path, sections).ok());
    EXPECT_EQ(quality, 55);
    EXPECT_EQ(seen_from, "environment");
  }
  auto missing = load_config(write_config(dir, "media: {}\n"), sections);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("linkhub.yaml:1:8: media: quality is required"), std::string::npos)
      << missing.error().message;
  auto thrown = load_config(write_config(dir, "media: {quality: [1]}\n"), sections);
  ASSERT_FALSE(thrown.ok()) << "a YAML exception in a section is an error with its location";
  EXPECT_NE(thrown.error().message.find("linkhub.yaml:1:"), std::string::npos) << thrown.error().message;

  auto unknown = load_config(path);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("unknown key 'media' (expected threads, "), std::string::npos)
      << unknown.error().message;
  EXPECT_NE(unknown.error().message.find("plugins, http or storage)"), std::string::npos) << unknown.error().message;
}

}  // namespace
}  // namespace linkhub
