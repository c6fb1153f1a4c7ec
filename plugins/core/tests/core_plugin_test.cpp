// The core plugin this build produced, through its C ABI on the SDK's fake
// host (linkhub/testing.hpp); core.http against a loopback server.
#include "checked_step.hpp"
#include "loopback_server.hpp"

#include <linkhub/testing.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace linkhub {
namespace {

using Json = sdk::Json;
using sdk::testing::FakeContext;
using sdk::testing::StepResult;
using test::LoopbackServer;
using test::Request;
using test::Response;

const sdk::testing::Plugin& core() {
  static const sdk::testing::Plugin plugin(std::filesystem::path(LINKHUB_PLUGIN_BUILD_DIR) / "linkhub_core.so");
  return plugin;
}

// `uses` is "core.<step>". core.http reaches the loopback stand-in only
// because it is allowed, as a deployment allows its own services (http.allow
// in linkhub.yaml). A successful output must match the step's output schema.
StepResult call(const std::string& uses, const Json& input, FakeContext& c) {
  if (uses.rfind("core.", 0) != 0) {
    throw std::invalid_argument("not a core step: " + uses);
  }
  c.http_allow = {"127.0.0.1"};
  return test::run_checked_step(core(), uses.substr(5), c, input);
}
StepResult call(const std::string& uses, const Json& input) {
  FakeContext c;
  return call(uses, input, c);
}

TEST(CorePlugin, TransformReturnsItsValue) {
  StepResult out = call("core.transform", {{"value", {{"a", {1, 2}}}}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["value"]["a"][1], 2);
}

TEST(CorePlugin, LogWritesToTheRunsEventsAtItsLevel) {
  StepResult out = call("core.log", {{"message", "hi"}, {"level", "warn"}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  ASSERT_EQ(out.logs.size(), 1u);
  EXPECT_EQ(out.logs[0].level, LH_LOG_WARN);
  EXPECT_EQ(out.logs[0].message, "hi");
}

TEST(CorePlugin, FailFailsItsFirstAttemptsThenSucceeds) {
  FakeContext c;
  c.attempt = 2;
  StepResult failing = call("core.fail", {{"fail_attempts", 2}}, c);
  EXPECT_EQ(failing.status, LH_RETRYABLE);
  EXPECT_NE(failing.error.find("attempt 2"), std::string::npos);
  c.attempt = 3;
  StepResult ok = call("core.fail", {{"fail_attempts", 2}}, c);
  ASSERT_EQ(ok.status, LH_OK);
  EXPECT_EQ(ok.output["attempt"], 3);
  EXPECT_EQ(call("core.fail", {{"always", true}, {"retryable", false}}).status, LH_ERROR);
}

TEST(CorePlugin, DelayStopsWhenCancelled) {
  FakeContext c;
  c.cancelled = true;
  StepResult out = call("core.delay", {{"duration", "1h"}}, c);
  EXPECT_EQ(out.status, LH_CANCELLED);
  EXPECT_EQ(call("core.delay", {{"duration", "soon"}}).status, LH_ERROR);
  StepResult quick = call("core.delay", {{"ms", 0}});
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
  StepResult out = call("core.http", {{"url", server_.url("/json")}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["status"], 200);
  EXPECT_EQ(out.output["json"]["n"], 3);
  EXPECT_EQ(out.output["headers"]["content-type"], "application/json");
}

TEST_F(CoreHttp, ReturnsTextBodiesWithNullJson) {
  StepResult out = call("core.http", {{"url", server_.url("/text")}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["body"], "plain words");
  EXPECT_TRUE(out.output["json"].is_null());
}

TEST_F(CoreHttp, SendsMethodHeadersAndJsonBody) {
  StepResult out = call("core.http", {{"url", server_.url("/echo")},
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
  StepResult missing = call("core.http", {{"url", server_.url("/missing")}});
  EXPECT_EQ(missing.status, LH_ERROR);
  EXPECT_NE(missing.error.find("answered 404"), std::string::npos) << missing.error;
  EXPECT_EQ(call("core.http", {{"url", server_.url("/broken")}}).status, LH_RETRYABLE);
  StepResult busy = call("core.http", {{"url", server_.url("/busy")}});
  EXPECT_EQ(busy.status, LH_RETRYABLE);
  EXPECT_NE(busy.error.find("retry after 7"), std::string::npos) << busy.error;
  StepResult kept = call("core.http", {{"url", server_.url("/missing")}, {"fail_on_status", false}});
  ASSERT_EQ(kept.status, LH_OK);
  EXPECT_EQ(kept.output["status"], 404);
}

TEST_F(CoreHttp, FollowsRedirectsAndStopsLoops) {
  StepResult moved = call("core.http", {{"url", server_.url("/moved")}});
  ASSERT_EQ(moved.status, LH_OK) << moved.error;
  EXPECT_EQ(moved.output["url"], server_.url("/json"));
  StepResult loop = call("core.http", {{"url", server_.url("/loop")}});
  EXPECT_EQ(loop.status, LH_ERROR);
  EXPECT_NE(loop.error.find("redirect"), std::string::npos) << loop.error;
  EXPECT_LE(server_.requests("/loop"), 12);
}

TEST_F(CoreHttp, RefusesOversizeBodies) {
  StepResult out = call("core.http", {{"url", server_.url("/big")}, {"max_response_bytes", 1024}});
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("larger than max_response_bytes"), std::string::npos) << out.error;
}

TEST_F(CoreHttp, KeepsGoingWhenAJsonResponseDoesNotParse) {
  StepResult out = call("core.http", {{"url", server_.url("/notjson")}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_TRUE(out.output["json"].is_null());
  EXPECT_EQ(out.output["body"], "{oops");
  EXPECT_NE(out.log_text().find("does not parse"), std::string::npos) << out.log_text();
}

TEST_F(CoreHttp, TimesOutASlowServerAsRetryable) {
  StepResult out = call("core.http", {{"url", server_.url("/slow")}, {"timeout_ms", 50}});
  EXPECT_EQ(out.status, LH_RETRYABLE);
  EXPECT_NE(out.error.find("timed out"), std::string::npos) << out.error;
  server_.release();
}

TEST_F(CoreHttp, StopsWhenCancelled) {
  FakeContext c;
  c.cancelled = true;
  StepResult out = call("core.http", {{"url", server_.url("/slow")}}, c);
  EXPECT_EQ(out.status, LH_CANCELLED);
  server_.release();
}

TEST_F(CoreHttp, RejectsNonHttpUrlsAndUnreachableHosts) {
  EXPECT_EQ(call("core.http", {{"url", "file:///etc/passwd"}}).status, LH_ERROR);
  // A port nothing listens on: connection refused is worth a retry.
  StepResult refused = call("core.http", {{"url", "http://127.0.0.1:1/"}, {"timeout_ms", 2000}});
  EXPECT_EQ(refused.status, LH_RETRYABLE) << refused.error;
}

TEST_F(CoreHttp, NeverPutsQueryStringsInErrors) {
  StepResult out = call("core.http", {{"url", server_.url("/missing") + "?token=abc123secret"}});
  EXPECT_EQ(out.error.find("abc123secret"), std::string::npos) << out.error;
}

}  // namespace
}  // namespace linkhub
