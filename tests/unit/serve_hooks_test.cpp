// linkhub serve: POST /api/v1/hooks/{workflow}, webhook triggers signed with
// HMAC-SHA256 (good, bad, missing, malformed, stale and replayed requests),
// the parsing under them, and the validator's checks of `webhook:` triggers.
#include "serve_fixture.hpp"

#include "http/webhook.hpp"

#include <linkhub/engine/compile.hpp>

#include <ctime>

namespace linkhub::test {
namespace {

using nlohmann::json;

constexpr const char* kShopSecret = "shop-secret-3f9a1c";

// The body's fields are the inputs.
constexpr const char* kShopYaml = R"(name: shop
inputs:
  order: { type: integer, required: true }
  total: { type: number, default: 0 }
triggers:
  - webhook: { secret: SHOP_HOOK }
steps:
  - id: echo
    uses: core.transform
    with: { value: "${{ inputs.order }}" }
outputs:
  order: "${{ steps.echo.outputs.value }}"
)";

// The whole body is one input.
constexpr const char* kRawYaml = R"(name: raw
inputs:
  payload: { type: array, required: true }
triggers:
  - webhook: { secret: SHOP_HOOK, input: payload, tolerance: 1m }
steps:
  - id: count
    uses: core.transform
    with: { value: "${{ inputs.payload }}" }
)";

// Its secret is configured nowhere.
constexpr const char* kUnconfiguredYaml = R"(name: unconfigured
triggers:
  - webhook: { secret: NOT_CONFIGURED }
steps:
  - id: x
    uses: core.transform
    with: { value: 1 }
)";

int64_t now_s() {
  return static_cast<int64_t>(std::time(nullptr));
}

class ServeHooks : public ServeTest {
 protected:
  void SetUp() override {
    ServeTest::SetUp();
    write("workflows/shop.yaml", kShopYaml);
    write("workflows/raw.yaml", kRawYaml);
    write("workflows/unconfigured.yaml", kUnconfiguredYaml);
    start([](http::ServeOptions& o) {
      o.executor.secrets["SHOP_HOOK"] = kShopSecret;
      o.limits.max_body_bytes = 4096;
    });
  }

  HttpAnswer hook(const std::string& workflow, const std::string& body, std::map<std::string, std::string> headers) {
    HttpRequest request;
    request.method = "POST";
    request.target = "/api/v1/hooks/" + workflow;
    request.body = body;
    request.content_type = "application/json";
    request.headers = std::move(headers);
    return send(request);
  }

  std::map<std::string, std::string> signed_headers(const std::string& body, int64_t timestamp = now_s(),
                                                    const std::string& secret = kShopSecret) {
    const std::string ts = std::to_string(timestamp);
    return {{"X-Linkhub-Timestamp", ts},
            {"X-Linkhub-Signature", "sha256=" + http::webhook_signature(secret, ts, body)}};
  }

  HttpAnswer signed_hook(const std::string& workflow, const std::string& body) {
    return hook(workflow, body, signed_headers(body));
  }
};

TEST_F(ServeHooks, AGoodSignatureStartsARunWithTheBodyAsItsInputs) {
  const std::string body = R"({"order": 1042, "total": 59.5})";
  const auto r = signed_hook("shop", body);
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = r.json()["run_id"];
  EXPECT_EQ(r.header("location"), "/api/v1/runs/" + id);
  EXPECT_EQ(r.json()["replay"], false);
  wait_finished(id);
  const auto run = get("/api/v1/runs/" + id).json();
  EXPECT_EQ(run["status"], "succeeded") << run.dump();
  EXPECT_EQ(run["inputs"], json::parse(body));
  EXPECT_EQ(run["outputs"]["order"], 1042);
}

TEST_F(ServeHooks, WithInputTheWholeBodyIsThatOneInput) {
  const auto r = signed_hook("raw", "[1, 2, 3]");
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = r.json()["run_id"];
  wait_finished(id);
  EXPECT_EQ(get("/api/v1/runs/" + id).json()["inputs"], json::parse(R"({"payload": [1, 2, 3]})"));
}

TEST_F(ServeHooks, AReplayInsideTheWindowGivesTheSameRun) {
  const std::string body = R"({"order": 7})";
  const auto headers = signed_headers(body);
  const auto first = hook("shop", body, headers);
  ASSERT_EQ(first.status, 202) << first.body;
  const auto again = hook("shop", body, headers);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["run_id"], first.json()["run_id"]);
  EXPECT_EQ(again.json()["replay"], true);
  RunFilter filter;
  filter.workflow = "shop";
  EXPECT_EQ(store_->list_runs(filter).size(), 1u);
  // The same event signed at another second is a new delivery.
  const auto later = hook("shop", body, signed_headers(body, now_s() - 5));
  EXPECT_EQ(later.status, 202) << later.body;
  EXPECT_NE(later.json()["run_id"], first.json()["run_id"]);
}

TEST_F(ServeHooks, ABadSignatureIs401) {
  const std::string body = R"({"order": 1})";
  const auto wrong_secret = hook("shop", body, signed_headers(body, now_s(), "not-the-secret"));
  EXPECT_EQ(wrong_secret.status, 401);
  EXPECT_EQ(wrong_secret.json()["error"]["code"], "bad_signature");
  // Signed for another body.
  const auto other_body = hook("shop", R"({"order": 2})", signed_headers(body));
  EXPECT_EQ(other_body.status, 401);
  EXPECT_EQ(other_body.json()["error"]["code"], "bad_signature");
  // Signed for another timestamp.
  auto headers = signed_headers(body);
  headers["X-Linkhub-Timestamp"] = std::to_string(now_s() - 3);
  const auto other_time = hook("shop", body, headers);
  EXPECT_EQ(other_time.status, 401);
  EXPECT_EQ(other_time.json()["error"]["code"], "bad_signature");
  EXPECT_TRUE(store_->list_runs(RunFilter{}).empty());
}

TEST_F(ServeHooks, MissingHeadersAre401) {
  const std::string body = R"({"order": 1})";
  auto headers = signed_headers(body);
  const auto no_signature = hook("shop", body, {{"X-Linkhub-Timestamp", headers["X-Linkhub-Timestamp"]}});
  EXPECT_EQ(no_signature.status, 401);
  EXPECT_EQ(no_signature.json()["error"]["code"], "missing_signature");
  const auto no_timestamp = hook("shop", body, {{"X-Linkhub-Signature", headers["X-Linkhub-Signature"]}});
  EXPECT_EQ(no_timestamp.status, 401);
  EXPECT_EQ(no_timestamp.json()["error"]["code"], "missing_timestamp");
  const auto none = hook("shop", body, {});
  EXPECT_EQ(none.status, 401);
}

TEST_F(ServeHooks, MalformedHeadersAre401WithoutEchoingThem) {
  const std::string body = R"({"order": 1})";
  auto headers = signed_headers(body);
  const std::string digest = headers["X-Linkhub-Signature"].substr(7);
  for (const std::string& bad : {std::string("sha1=") + digest, digest, "sha256=" + digest.substr(2),
                                 "sha256=" + digest + "00", "sha256=" + std::string(64, 'g')}) {
    auto h = headers;
    h["X-Linkhub-Signature"] = bad;
    const auto r = hook("shop", body, h);
    EXPECT_EQ(r.status, 401) << bad;
    EXPECT_EQ(r.json()["error"]["code"], "malformed_signature") << bad;
    EXPECT_EQ(r.body.find(digest.substr(2, 40)), std::string::npos) << r.body;
  }
  for (const char* bad : {"12ab", "-5", "1.5", "9999999999999"}) {
    auto h = headers;
    h["X-Linkhub-Timestamp"] = bad;
    const auto r = hook("shop", body, h);
    EXPECT_EQ(r.status, 401) << bad;
    EXPECT_EQ(r.json()["error"]["code"], "malformed_timestamp") << bad;
  }
}

TEST_F(ServeHooks, StaleAndFutureTimestampsAre401) {
  const std::string body = R"({"order": 1})";
  const auto stale = hook("shop", body, signed_headers(body, now_s() - 1000));
  EXPECT_EQ(stale.status, 401);
  EXPECT_EQ(stale.json()["error"]["code"], "stale_timestamp");
  EXPECT_EQ(stale.json()["error"]["details"]["tolerance_s"], 300);
  const auto future = hook("shop", body, signed_headers(body, now_s() + 1000));
  EXPECT_EQ(future.status, 401);
  EXPECT_EQ(future.json()["error"]["code"], "stale_timestamp");
  // raw takes 1m: 200 s old is stale there, though inside the default 300 s.
  const auto raw = hook("raw", "[1]", signed_headers("[1]", now_s() - 200));
  EXPECT_EQ(raw.status, 401);
  EXPECT_EQ(raw.json()["error"]["code"], "stale_timestamp");
  EXPECT_EQ(raw.json()["error"]["details"]["tolerance_s"], 60);
  EXPECT_TRUE(store_->list_runs(RunFilter{}).empty());
}

TEST_F(ServeHooks, AWorkflowWithoutAWebhookAndAnUnknownOneGetTheSame404) {
  const std::string body = R"({"name": "x"})";
  const auto no_hook = signed_hook("hello", body);
  const auto unknown = signed_hook("nope", body);
  EXPECT_EQ(no_hook.status, 404);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(no_hook.json()["error"]["code"], "unknown_webhook");
  EXPECT_EQ(unknown.json()["error"]["code"], "unknown_webhook");
  EXPECT_FALSE(no_hook.json()["error"]["details"].contains("known"));
}

TEST_F(ServeHooks, ABodyThatIsNotJsonIs400AndNotAnObjectIs400) {
  const auto garbage = signed_hook("shop", "order=1042");
  EXPECT_EQ(garbage.status, 400) << garbage.body;
  EXPECT_EQ(garbage.json()["error"]["code"], "malformed_json");
  const auto array = signed_hook("shop", "[1]");
  EXPECT_EQ(array.status, 400) << array.body;
}

TEST_F(ServeHooks, InputsFailingTheDeclarationsAre422NamingTheInput) {
  const auto r = signed_hook("shop", R"({"total": 3})");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "invalid_inputs");
  EXPECT_NE(r.json()["error"]["message"].get<std::string>().find("order"), std::string::npos) << r.body;
}

TEST_F(ServeHooks, AHugeBodyIs413) {
  const std::string body = R"({"order": 1, "pad": ")" + std::string(8000, 'x') + "\"}";
  const auto r = signed_hook("shop", body);
  EXPECT_EQ(r.status, 413) << r.body;
}

TEST_F(ServeHooks, AnUnconfiguredSecretIsAServerErrorNamingItButNoValue) {
  const std::string body = "{}";
  const auto r = hook("unconfigured", body, signed_headers(body, now_s(), "anything"));
  EXPECT_EQ(r.status, 500) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "webhook_secret_missing");
  EXPECT_NE(r.json()["error"]["message"].get<std::string>().find("NOT_CONFIGURED"), std::string::npos);
  EXPECT_EQ(r.json()["error"]["details"]["secret"], "NOT_CONFIGURED");
}

TEST_F(ServeHooks, NeitherTheSecretNorTheSignatureIsLogged) {
  const std::string body = R"({"order": 5})";
  const auto headers = signed_headers(body);
  ASSERT_EQ(hook("shop", body, headers).status, 202);
  ASSERT_EQ(hook("shop", body, headers).status, 200);
  EXPECT_EQ(hook("shop", R"({"order": 6})", headers).status, 401);
  const std::string digest = headers.at("X-Linkhub-Signature").substr(7);
  bool refused_logged = false;
  for (const auto& line : log_lines()) {
    EXPECT_EQ(line.find(kShopSecret), std::string::npos) << line;
    EXPECT_EQ(line.find(digest), std::string::npos) << line;
    refused_logged |= line.find("webhook.refused") != std::string::npos;
  }
  EXPECT_TRUE(refused_logged);
  // Nor is the signature stored: the run's idempotency key is derived from it.
  RunFilter filter;
  filter.workflow = "shop";
  const auto runs = store_->list_runs(filter);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs.front().idempotency_key.find(digest.substr(0, 16)), std::string::npos);
}

TEST_F(ServeHooks, AWorkflowRegisteredThroughTheApiTakesWebhooks) {
  std::string yaml = kShopYaml;
  yaml.replace(yaml.find("name: shop"), 10, "name: shop2");
  HttpRequest put;
  put.method = "PUT";
  put.target = "/api/v1/workflows/shop2";
  put.body = yaml;
  put.content_type = "application/yaml";
  ASSERT_EQ(send(put).status, 201);
  const auto r = signed_hook("shop2", R"({"order": 9})");
  EXPECT_EQ(r.status, 202) << r.body;
  HttpRequest del;
  del.method = "DELETE";
  del.target = "/api/v1/workflows/shop2";
  ASSERT_EQ(send(del).status, 204);
  EXPECT_EQ(signed_hook("shop2", R"({"order": 9})").status, 404);
}

// ------------------------------------------------------------ parsing

TEST(WebhookParsing, TheSignatureIsHmacSha256OfTimestampDotBody) {
  // printf '%s' '1700000000.{"order":1042}' | openssl dgst -sha256 -hmac 'shop-secret'
  EXPECT_EQ(http::webhook_signature("shop-secret", "1700000000", R"({"order":1042})"),
            "998cbe1289dc11ceafc85f76fc9bce71e2e0438a743ed1c87bad7ebe6ee93373");
  const auto ok = http::verify_webhook("shop-secret", "1700000000",
                                       "sha256=998CBE1289DC11CEAFC85F76FC9BCE71E2E0438A743ED1C87BAD7EBE6EE93373",
                                       R"({"order":1042})", 1700000100, std::chrono::seconds(300));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(*ok, "998cbe1289dc11ceafc85f76fc9bce71e2e0438a743ed1c87bad7ebe6ee93373");
  const auto stale = http::verify_webhook("shop-secret", "1700000000",
                                          "sha256=998cbe1289dc11ceafc85f76fc9bce71e2e0438a743ed1c87bad7ebe6ee93373",
                                          R"({"order":1042})", 1700000301, std::chrono::seconds(300));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, "stale_timestamp");
}

TEST(WebhookParsing, HeadersParseStrictly) {
  EXPECT_EQ(*http::parse_webhook_timestamp(" 1700000000 "), 1700000000);
  EXPECT_EQ(http::parse_webhook_timestamp("").error().code, "missing_timestamp");
  for (const char* bad : {"+1", "1e9", "0x10", "1 2", "1234567890123"}) {
    EXPECT_EQ(http::parse_webhook_timestamp(bad).error().code, "malformed_timestamp") << bad;
  }
  const std::string hex(64, 'a');
  EXPECT_EQ(*http::parse_webhook_signature("SHA256=" + std::string(64, 'A')), hex);
  EXPECT_EQ(http::parse_webhook_signature(" ").error().code, "missing_signature");
  for (const std::string& bad : {std::string("sha256="), "sha256:" + hex, "sha512=" + hex, "sha256=" + hex + ",v2"}) {
    const auto r = http::parse_webhook_signature(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "malformed_signature") << bad;
    EXPECT_EQ(r.error().message.find(hex), std::string::npos);
  }
  EXPECT_FALSE(http::check_webhook_timestamp(1000, 1300, std::chrono::seconds(300)).has_value());
  EXPECT_TRUE(http::check_webhook_timestamp(1000, 1301, std::chrono::seconds(300)).has_value());
  EXPECT_TRUE(http::check_webhook_timestamp(1301, 1000, std::chrono::seconds(300)).has_value());
}

TEST(WebhookParsing, ConstantTimeEqualComparesEveryByte) {
  EXPECT_TRUE(http::constant_time_equal("abc", "abc"));
  EXPECT_FALSE(http::constant_time_equal("abc", "abd"));
  EXPECT_FALSE(http::constant_time_equal("abc", "abcd"));
  EXPECT_TRUE(http::constant_time_equal("", ""));
}

TEST(WebhookParsing, TriggersAndBodiesBecomeTheRunsInputs) {
  const auto t = http::webhook_trigger(json::parse(
      R"([{"schedule": {"cron": "0 * * * *"}}, {"webhook": {"secret": "S", "input": "p", "tolerance": "2m"}}])"));
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->secret, "S");
  EXPECT_EQ(t->input, "p");
  EXPECT_EQ(t->tolerance, std::chrono::seconds(120));
  EXPECT_FALSE(http::webhook_trigger(json::parse(R"([{"schedule": {"cron": "0 * * * *"}}])")).has_value());
  EXPECT_FALSE(http::webhook_trigger(json::parse(R"([{"webhook": {"secret": 5}}])")).has_value());
  EXPECT_FALSE(http::webhook_trigger(json::parse(R"({"webhook": {"secret": "S"}})")).has_value());

  EXPECT_EQ(*http::webhook_inputs(R"({"a": 1})", ""), json::parse(R"({"a": 1})"));
  EXPECT_EQ(*http::webhook_inputs("[1]", "p"), json::parse(R"({"p": [1]})"));
  EXPECT_EQ(http::webhook_inputs("[1]", "").error().status, 400);
  EXPECT_EQ(http::webhook_inputs("{", "p").error().code, "malformed_json");
  const std::string key = http::webhook_idempotency_key("shop", std::string(64, 'a'));
  EXPECT_EQ(key.rfind("webhook:shop:", 0), 0u);
  EXPECT_EQ(key.find(std::string(16, 'a')), std::string::npos);
  EXPECT_NE(key, http::webhook_idempotency_key("shop", std::string(64, 'b')));
}

// ------------------------------------------------------------ validation

Diagnostics validate_text(const std::string& yaml) {
  return compile_workflow(yaml, "hook.yaml", builtin_plugins()).diagnostics;
}

std::string with_trigger(const std::string& trigger) {
  return "name: h\ninputs:\n  payload: { type: object }\ntriggers:\n  - " + trigger +
         "\nsteps:\n  - id: x\n    uses: core.transform\n    with: { value: 1 }\n";
}

TEST(WebhookTriggerValidation, AcceptsSecretInputAndTolerance) {
  EXPECT_TRUE(validate_text(with_trigger("webhook: { secret: SHOP_HOOK }")).empty());
  EXPECT_TRUE(validate_text(with_trigger("webhook: { secret: SHOP_HOOK, input: payload, tolerance: 5m }")).empty());
}

TEST(WebhookTriggerValidation, NamesEachBadKey) {
  const auto expect_problem = [](const std::string& trigger, const std::string& code, const std::string& words) {
    const auto d = validate_text(with_trigger(trigger));
    ASSERT_EQ(d.size(), 1u) << trigger;
    EXPECT_EQ(d.front().code, code) << trigger;
    EXPECT_NE(d.front().message.find(words), std::string::npos) << d.front().message;
    EXPECT_EQ(d.front().file, "hook.yaml");
    EXPECT_GT(d.front().pos.line, 0);
  };
  expect_problem("webhook: { secret: S, sekret: x }", "unknown-key", "sekret");
  expect_problem("webhook: { input: payload }", "invalid-value", "webhook.secret");
  expect_problem("webhook: { secret: \"hunter2 is my password\" }", "invalid-value", "NAME");
  expect_problem("webhook: { secret: S, input: nope }", "invalid-value", "webhook.input");
  expect_problem("webhook: { secret: S, tolerance: 300 }", "invalid-value", "webhook.tolerance");
  expect_problem("webhook: S", "invalid-value", "webhook:");
}

}  // namespace
}  // namespace linkhub::test
