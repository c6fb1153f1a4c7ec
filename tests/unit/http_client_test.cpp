// The SDK's HTTP client (linkhub/http_client.hpp) through the plugins that
// use it, against loopback servers: the process's circuit breakers (shared
// by every step of every plugin), Retry-After, and proxies from the
// environment. The breakers run on a fake clock: no sleeps.
#include "builtin_plugins.hpp"
#include "loopback_server.hpp"

#include <linkhub/engine/circuit_breakers.hpp>
#include <linkhub/engine/plugin_host.hpp>
#include <linkhub/engine/step_invoker.hpp>
#include <linkhub/http_client.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>

namespace linkhub {
namespace {

using namespace std::chrono_literals;
using test::LoopbackServer;
using test::Request;
using test::Response;

struct FakeClock {
  std::shared_ptr<std::atomic<int64_t>> ms = std::make_shared<std::atomic<int64_t>>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  sdk::circuit::Clock clock() const {
    return [ms = ms] { return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms->load())); };
  }
  std::chrono::system_clock::time_point now() const { return clock()(); }
  void advance(std::chrono::milliseconds d) { *ms += d.count(); }
};

// Through a StepInvoker holding `breakers`, as the executor's steps and a
// server route's go: the invoker attaches them to every call.
StepOutcome invoke(const std::string& uses, const Json& input, const std::shared_ptr<CircuitBreakers>& breakers) {
  StepCall c;
  c.http_allow.push_back("127.0.0.1");  // the loopback stand-ins, as a deployment allows its own services
  const LoadedStep* step = test::builtin_plugins().step(uses);
  EXPECT_NE(step, nullptr) << uses;
  if (step == nullptr) {
    return StepOutcome{};
  }
  const StepInvoker invoker(test::builtin_plugins(), {}, breakers);
  return invoker.invoke(*step, std::move(c), input, std::nullopt);
}

class HttpCircuit : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.on("/flaky", [this](const Request&) {
      return healthy_ ? Response{200, "application/json", R"({"ok": true})", {}}
                      : Response{503, "text/plain", "down", {}};
    });
    server_.on("/oembed", [this](const Request&) {
      return healthy_ ? Response{404, "application/json", "{}", {}} : Response{503, "text/plain", "down", {}};
    });
    server_.start();
    CircuitBreakerConfig config;
    config.defaults.failures = 5;
    config.defaults.failure_rate = 0;
    config.defaults.cooldown = 30s;
    breakers_ = std::make_shared<CircuitBreakers>(config, clock_.clock());
  }

  StepOutcome get_flaky() { return invoke("core.http", {{"url", server_.url("/flaky")}}, breakers_); }

  sdk::circuit::State state() const {
    const auto all = breakers_->snapshot();
    return all.empty() ? sdk::circuit::State::closed : all.at(0).state;
  }

  LoopbackServer server_;
  std::atomic<bool> healthy_{false};
  FakeClock clock_;
  std::shared_ptr<CircuitBreakers> breakers_;
};

TEST_F(HttpCircuit, FiveFailuresOpenItAndTheSixthCallFailsFastWithoutReachingTheServer) {
  for (int i = 0; i < 5; ++i) {
    const StepOutcome out = get_flaky();
    ASSERT_EQ(out.status, LH_RETRYABLE) << out.error;
    EXPECT_EQ(out.code, "unavailable");
  }
  ASSERT_EQ(server_.requests("/flaky"), 5);
  const auto until = clock_.now() + 30s;
  const StepOutcome sixth = get_flaky();
  EXPECT_EQ(sixth.status, LH_RETRYABLE);
  EXPECT_EQ(sixth.code, "unavailable");
  EXPECT_EQ(sixth.error, "circuit open for 127.0.0.1 until " + sdk::http::iso_time(until));
  EXPECT_EQ(sixth.details.value("host", ""), "127.0.0.1");
  EXPECT_TRUE(sixth.details.contains("retry_after_ms")) << sixth.details.dump();
  EXPECT_EQ(server_.requests("/flaky"), 5) << "the open circuit sent nothing";
  EXPECT_EQ(state(), sdk::circuit::State::open);
}

TEST_F(HttpCircuit, AHalfOpenProbeThatSucceedsClosesIt) {
  for (int i = 0; i < 5; ++i) {
    get_flaky();
  }
  ASSERT_EQ(state(), sdk::circuit::State::open);
  healthy_ = true;
  clock_.advance(29s);
  EXPECT_EQ(get_flaky().code, "unavailable") << "still cooling down";
  clock_.advance(1s);
  const StepOutcome probe = get_flaky();
  ASSERT_EQ(probe.status, LH_OK) << probe.error;
  EXPECT_EQ(state(), sdk::circuit::State::closed);
  EXPECT_EQ(get_flaky().status, LH_OK);
  EXPECT_EQ(server_.requests("/flaky"), 7);
}

TEST_F(HttpCircuit, AHalfOpenProbeThatFailsOpensItAgain) {
  for (int i = 0; i < 5; ++i) {
    get_flaky();
  }
  clock_.advance(30s);
  const StepOutcome probe = get_flaky();
  EXPECT_EQ(probe.status, LH_RETRYABLE);
  EXPECT_NE(probe.error.find("answered 503"), std::string::npos) << probe.error;
  EXPECT_EQ(server_.requests("/flaky"), 6);
  EXPECT_EQ(get_flaky().error, "circuit open for 127.0.0.1 until " + sdk::http::iso_time(clock_.now() + 30s));
  EXPECT_EQ(server_.requests("/flaky"), 6);
  EXPECT_EQ(breakers_->snapshot().at(0).opened, 2u);
}

TEST_F(HttpCircuit, IsSharedByTheStepsOfEveryPlugin) {
  // tiktok.fetch fails against the host three times, core.http twice: the
  // host has failed five times in a row, whoever called it.
  const Json fetch{{"provider", "oembed"},
                   {"url", "https://www.tiktok.com/@scout2015/video/6718335390845095173"},
                   {"base_url", server_.url("")}};
  for (int i = 0; i < 3; ++i) {
    const StepOutcome out = invoke("tiktok.fetch", fetch, breakers_);
    ASSERT_EQ(out.status, LH_RETRYABLE) << out.error;
  }
  get_flaky();
  get_flaky();
  ASSERT_EQ(server_.requests("/oembed") + server_.requests("/flaky"), 5);
  const StepOutcome out = invoke("tiktok.fetch", fetch, breakers_);
  EXPECT_EQ(out.status, LH_RETRYABLE);
  EXPECT_EQ(out.code, "unavailable");
  EXPECT_NE(out.error.find("circuit open for 127.0.0.1 until "), std::string::npos) << out.error;
  EXPECT_EQ(server_.requests("/oembed"), 3);
  EXPECT_EQ(get_flaky().code, "unavailable");
  EXPECT_EQ(server_.requests("/flaky"), 2);
}

TEST_F(HttpCircuit, ClientErrorsAndStepsWithoutBreakersLeaveItClosed) {
  server_.on("/missing", [](const Request&) { return Response{404, "text/plain", "no", {}}; });
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(invoke("core.http", {{"url", server_.url("/missing")}}, breakers_).status, LH_ERROR);
  }
  EXPECT_EQ(state(), sdk::circuit::State::closed) << "a 404 is an answer, not an outage";
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(invoke("core.http", {{"url", server_.url("/flaky")}}, nullptr).status, LH_RETRYABLE);
  }
  EXPECT_EQ(server_.requests("/flaky"), 6) << "no breakers: every call goes";
}

class HttpClientBehaviour : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.on("/busy", [](const Request&) {
      return Response{429, "text/plain", "slow down", {{"Retry-After", "7"}}};
    });
    server_.on("/maintenance", [](const Request&) {
      return Response{503, "text/plain", "later", {{"Retry-After", "120"}}};
    });
    server_.on("/json", [](const Request&) { return Response{200, "application/json", R"({"from": "origin"})", {}}; });
    server_.start();
  }
  void TearDown() override {
    unsetenv("http_proxy");
    unsetenv("no_proxy");
  }

  StepOutcome get(const std::string& url) { return invoke("core.http", {{"url", url}}, nullptr); }

  LoopbackServer server_;
};

TEST_F(HttpClientBehaviour, RetryAfterBecomesRetryAfterMsInTheErrorDetails) {
  const StepOutcome busy = get(server_.url("/busy"));
  EXPECT_EQ(busy.status, LH_RETRYABLE);
  EXPECT_EQ(busy.code, "rate_limited");
  EXPECT_EQ(busy.details.value("retry_after_ms", int64_t{0}), 7000) << busy.details.dump();
  EXPECT_EQ(busy.details.value("status", 0), 429);
  EXPECT_NE(busy.error.find("retry after 7"), std::string::npos) << busy.error;

  const StepOutcome down = get(server_.url("/maintenance"));
  EXPECT_EQ(down.status, LH_RETRYABLE);
  EXPECT_EQ(down.code, "unavailable");
  EXPECT_EQ(down.details.value("retry_after_ms", int64_t{0}), 120000) << down.details.dump();
}

TEST_F(HttpClientBehaviour, UsesTheProxyFromTheEnvironmentExceptForNoProxyHosts) {
  LoopbackServer proxy;
  proxy.on("/json", [](const Request&) { return Response{200, "application/json", R"({"from": "proxy"})", {}}; });
  proxy.start();
  setenv("http_proxy", proxy.url("").c_str(), 1);
  const StepOutcome proxied = get(server_.url("/json"));
  ASSERT_EQ(proxied.status, LH_OK) << proxied.error;
  EXPECT_EQ(proxied.output["json"]["from"], "proxy");
  EXPECT_EQ(proxy.requests("/json"), 1);

  setenv("no_proxy", "127.0.0.1", 1);
  const StepOutcome direct = get(server_.url("/json"));
  ASSERT_EQ(direct.status, LH_OK) << direct.error;
  EXPECT_EQ(direct.output["json"]["from"], "origin");
  EXPECT_EQ(proxy.requests("/json"), 1) << "no_proxy bypassed the proxy";
  EXPECT_EQ(server_.requests("/json"), 1);
}

// Query values are encoded the same whatever the process's locale (RFC 3986 unreserved set).
TEST(HttpClientText, PercentEncodeKeepsOnlyUnreservedAscii) {
  EXPECT_EQ(sdk::http::percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(sdk::http::percent_encode("a b/c?d=e&f"), "a%20b%2Fc%3Fd%3De%26f");
  EXPECT_EQ(sdk::http::percent_encode("\xc3\xa9"), "%C3%A9");
  EXPECT_EQ(sdk::http::percent_encode(""), "");
}

}  // namespace
}  // namespace linkhub
