// The core plugin through the real C ABI; core.http against a loopback server.
#include "builtin_plugins.hpp"
#include "loopback_server.hpp"

#include <linkhub/engine/plugin_host.hpp>

#include <gtest/gtest.h>

#include <thread>

namespace linkhub {
namespace {

using test::LoopbackServer;
using test::Request;
using test::Response;

const PluginHost& host() {
  return test::builtin_plugins();
}

// core.http reaches the loopback stand-in only because it is allowed, as a
// deployment allows its own services (http.allow in linkhub.yaml).
StepOutcome call(const std::string& uses, const Json& input, StepCall c = {}) {
  c.http_allow.push_back("127.0.0.1");
  const LoadedStep* step = host().step(uses);
  EXPECT_NE(step, nullptr) << uses;
  return step == nullptr ? StepOutcome{} : host().invoke(*step, c, input.dump());
}

TEST(CorePlugin, TransformReturnsItsValue) {
  StepOutcome out = call("core.transform", {{"value", {{"a", {1, 2}}}}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["value"]["a"][1], 2);
}

TEST(CorePlugin, LogWritesToTheRunsEventsAtItsLevel) {
  std::vector<std::pair<lh_log_level, std::string>> lines;
  StepCall c;
  c.log = [&](lh_log_level level, std::string_view m) { lines.emplace_back(level, std::string(m)); };
  StepOutcome out = call("core.log", {{"message", "hi"}, {"level", "warn"}}, c);
  ASSERT_EQ(out.status, LH_OK) << out.error;
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].first, LH_LOG_WARN);
  EXPECT_EQ(lines[0].second, "hi");
}

TEST(CorePlugin, FailFailsItsFirstAttemptsThenSucceeds) {
  StepCall c;
  c.attempt = 2;
  StepOutcome failing = call("core.fail", {{"fail_attempts", 2}}, c);
  EXPECT_EQ(failing.status, LH_RETRYABLE);
  EXPECT_NE(failing.error.find("attempt 2"), std::string::npos);
  c.attempt = 3;
  StepOutcome ok = call("core.fail", {{"fail_attempts", 2}}, c);
  ASSERT_EQ(ok.status, LH_OK);
  EXPECT_EQ(ok.output["attempt"], 3);
  EXPECT_EQ(call("core.fail", {{"always", true}, {"retryable", false}}).status, LH_ERROR);
}

TEST(CorePlugin, DelayStopsWhenCancelled) {
  std::atomic<bool> cancelled{true};
  StepCall c;
  c.cancelled = &cancelled;
  StepOutcome out = call("core.delay", {{"duration", "1h"}}, c);
  EXPECT_EQ(out.status, LH_CANCELLED);
  EXPECT_EQ(call("core.delay", {{"duration", "soon"}}).status, LH_ERROR);
  StepOutcome quick = call("core.delay", {{"ms", 0}});
  ASSERT_EQ(quick.status, LH_OK);
}

class CoreHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.on("/json", [](const Request&) {
      return Response{200, "application/json", R"({"ok": true, "n": 3})", {}};
    });
    server_.on("/text", [](const Request&) { return Response{200, "text/plain", "plain words", {}}; });
    server_.on("/echo", [](const Request& r) {
      Json headers = Json::object();
      for (const auto& [k, v] : r.headers) {
        headers[k] = v;
      }
      return Response{
          200, "application/json", Json{{"method", r.method}, {"body", r.body}, {"headers", headers}}.dump(), {}};
    });
    server_.on("/missing", [](const Request&) { return Response{404, "application/json", R"({"error": "no"})", {}}; });
    server_.on("/broken", [](const Request&) { return Response{503, "text/plain", "down", {}}; });
    server_.on("/busy", [](const Request&) {
      return Response{429, "text/plain", "slow down", {{"Retry-After", "7"}}};
    });
    server_.on("/moved", [this](const Request&) {
      return Response{302, "text/plain", "", {{"Location", server_.url("/json")}}};
    });
    server_.on("/loop", [this](const Request&) {
      return Response{302, "text/plain", "", {{"Location", server_.url("/loop")}}};
    });
    server_.on("/big", [](const Request&) { return Response{200, "text/plain", std::string(64 * 1024, 'x'), {}}; });
    server_.on("/notjson", [](const Request&) { return Response{200, "application/json", "{oops", {}}; });
    server_.on_blocking("/slow");
    server_.start();
  }

  LoopbackServer server_;
};

TEST_F(CoreHttp, ParsesAJsonResponse) {
  StepOutcome out = call("core.http", {{"url", server_.url("/json")}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["status"], 200);
  EXPECT_EQ(out.output["json"]["n"], 3);
  EXPECT_EQ(out.output["headers"]["content-type"], "application/json");
}

TEST_F(CoreHttp, ReturnsTextBodiesWithNullJson) {
  StepOutcome out = call("core.http", {{"url", server_.url("/text")}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["body"], "plain words");
  EXPECT_TRUE(out.output["json"].is_null());
}

TEST_F(CoreHttp, SendsMethodHeadersAndJsonBody) {
  StepOutcome out = call("core.http", {{"url", server_.url("/echo")},
                                       {"method", "POST"},
                                       {"headers", {{"X-Shop", "linen"}}},
                                       {"json", {{"price", 19.5}}}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["json"]["method"], "POST");
  EXPECT_EQ(Json::parse(out.output["json"]["body"].get<std::string>())["price"], 19.5);
  EXPECT_EQ(out.output["json"]["headers"]["X-Shop"], "linen");
  EXPECT_EQ(out.output["json"]["headers"]["Content-Type"], "application/json");
}

TEST_F(CoreHttp, TreatsClientErrorsAsPermanentAndServerErrorsAsRetryable) {
  StepOutcome missing = call("core.http", {{"url", server_.url("/missing")}});
  EXPECT_EQ(missing.status, LH_ERROR);
  EXPECT_NE(missing.error.find("answered 404"), std::string::npos) << missing.error;
  EXPECT_EQ(call("core.http", {{"url", server_.url("/broken")}}).status, LH_RETRYABLE);
  StepOutcome busy = call("core.http", {{"url", server_.url("/busy")}});
  EXPECT_EQ(busy.status, LH_RETRYABLE);
  EXPECT_NE(busy.error.find("retry after 7"), std::string::npos) << busy.error;
  StepOutcome kept = call("core.http", {{"url", server_.url("/missing")}, {"fail_on_status", false}});
  ASSERT_EQ(kept.status, LH_OK);
  EXPECT_EQ(kept.output["status"], 404);
}

TEST_F(CoreHttp, FollowsRedirectsAndStopsLoops) {
  StepOutcome moved = call("core.http", {{"url", server_.url("/moved")}});
  ASSERT_EQ(moved.status, LH_OK) << moved.error;
  EXPECT_EQ(moved.output["url"], server_.url("/json"));
  StepOutcome loop = call("core.http", {{"url", server_.url("/loop")}});
  EXPECT_EQ(loop.status, LH_ERROR);
  EXPECT_NE(loop.error.find("redirect"), std::string::npos) << loop.error;
  EXPECT_LE(server_.requests("/loop"), 12);
}

TEST_F(CoreHttp, RefusesOversizeBodies) {
  StepOutcome out = call("core.http", {{"url", server_.url("/big")}, {"max_response_bytes", 1024}});
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("larger than max_response_bytes"), std::string::npos) << out.error;
}

TEST_F(CoreHttp, KeepsGoingWhenAJsonResponseDoesNotParse) {
  std::vector<std::string> warnings;
  StepCall c;
  c.log = [&](lh_log_level, std::string_view m) { warnings.emplace_back(m); };
  StepOutcome out = call("core.http", {{"url", server_.url("/notjson")}}, c);
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_TRUE(out.output["json"].is_null());
  EXPECT_EQ(out.output["body"], "{oops");
}

TEST_F(CoreHttp, TimesOutASlowServerAsRetryable) {
  StepOutcome out = call("core.http", {{"url", server_.url("/slow")}, {"timeout_ms", 50}});
  EXPECT_EQ(out.status, LH_RETRYABLE);
  EXPECT_NE(out.error.find("timed out"), std::string::npos) << out.error;
  server_.release();
}

TEST_F(CoreHttp, StopsWhenCancelled) {
  std::atomic<bool> cancelled{true};
  StepCall c;
  c.cancelled = &cancelled;
  StepOutcome out = call("core.http", {{"url", server_.url("/slow")}}, c);
  EXPECT_EQ(out.status, LH_CANCELLED);
  server_.release();
}

TEST_F(CoreHttp, RejectsNonHttpUrlsAndUnreachableHosts) {
  EXPECT_EQ(call("core.http", {{"url", "file:///etc/passwd"}}).status, LH_ERROR);
  // A port nothing listens on: connection refused is worth a retry.
  StepOutcome refused = call("core.http", {{"url", "http://127.0.0.1:1/"}, {"timeout_ms", 2000}});
  EXPECT_EQ(refused.status, LH_RETRYABLE) << refused.error;
}

TEST_F(CoreHttp, NeverPutsQueryStringsInErrors) {
  StepOutcome out = call("core.http", {{"url", server_.url("/missing") + "?token=abc123secret"}});
  EXPECT_EQ(out.error.find("abc123secret"), std::string::npos) << out.error;
}

}  // namespace
}  // namespace linkhub
