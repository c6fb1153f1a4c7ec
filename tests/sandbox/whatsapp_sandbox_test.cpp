// `linkhub whatsapp-sandbox`: the Cloud API stand-in answers the real
// whatsapp plugin like Meta does and serves the messages back; it refuses
// malformed requests with Graph-shaped errors; the scripted customer talks
// to a real `linkhub serve` through it (signed deliveries the server
// verifies, replies read back from the stand-in); a wrong app secret is refused.
#include "child_process.hpp"
#include "temp_dir.hpp"

#include "sandbox/chat_driver.hpp"
#include "sandbox/cloud_sandbox.hpp"
#include "sandbox/inbound_delivery.hpp"
#include "sandbox/plain_http.hpp"
#include "sandbox/transcript.hpp"

#include <linkhub/testing.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace linkhub::test {
namespace {

using nlohmann::json;
using sandbox::CloudSandbox;
using sandbox::SandboxRequest;
namespace fs = std::filesystem;

constexpr const char* kToken = "EAAG-sandbox-t0ken-91f3";
constexpr const char* kAppSecret = "sandbox-app-S3CRET-2c77";
constexpr const char* kVerifyToken = "sandbox-verify-0b1e";
constexpr const char* kPhoneNumberId = "1122334455667";

int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

json read_fixture(const std::string& name) {
  std::ifstream in(fs::path(LINKHUB_TEST_DATA_DIR) / "fixtures" / "whatsapp" / name);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

SandboxRequest post(const std::string& path, const std::string& body, const std::string& token = kToken) {
  SandboxRequest request;
  request.method = "POST";
  request.path = path;
  request.authorization = token.empty() ? "" : "Bearer " + token;
  request.body = body;
  return request;
}

void expect_cloud_error(const sandbox::SandboxAnswer& answer, int status, int code) {
  EXPECT_EQ(answer.status, status) << answer.body.dump();
  ASSERT_TRUE(answer.body.contains("error")) << answer.body.dump();
  const json& error = answer.body["error"];
  EXPECT_EQ(error["code"], code) << error.dump();
  EXPECT_TRUE(error["message"].is_string() && !error["message"].get<std::string>().empty());
  EXPECT_EQ(error["type"], "OAuthException");
  EXPECT_TRUE(error["fbtrace_id"].is_string());
}

TEST(WhatsappSandbox, RefusesMalformedRequestsWithCloudApiErrors) {
  CloudSandbox cloud;
  const std::string path = "/v21.0/1122334455667/messages";
  const json text = {
      {"messaging_product", "whatsapp"}, {"to", "5511987654321"}, {"type", "text"}, {"text", {{"body", "hi"}}}};
  const auto malformed = cloud.handle(post(path, "{\"messaging_product\": \"whatsapp\", \"to\": "));
  expect_cloud_error(malformed, 400, 100);
  EXPECT_EQ(malformed.body["error"]["error_data"]["messaging_product"], "whatsapp");
  expect_cloud_error(cloud.handle(post(path, "[1, 2]")), 400, 100);
  // Found by sandbox_cloud_fuzz: a number too large for a double is nlohmann's out_of_range, not a parse_error.
  expect_cloud_error(cloud.handle(post(path, R"({"messaging_product": "whatsapp", "to": "1", "n": 1e999})")), 400, 100);
  expect_cloud_error(cloud.handle(post(path, json{{"to", "5511987654321"}, {"text", {{"body", "x"}}}}.dump())), 400,
                     100);
  expect_cloud_error(
      cloud.handle(
          post(path, json{{"messaging_product", "whatsapp"}, {"to", "5511987654321"}, {"type", "image"}}.dump())),
      400, 100);
  expect_cloud_error(cloud.handle(post(path, text.dump(), "")), 401, 190);
  expect_cloud_error(cloud.handle(post("/v21.0/not-a-number/messages", text.dump())), 400, 100);
  expect_cloud_error(cloud.handle(post("/nowhere", text.dump())), 404, 2500);
  EXPECT_EQ(cloud.last_seq(), 0) << "a refused message was kept";
  // A good one is answered with the Cloud API's success shape and kept.
  const auto ok = cloud.handle(post(path, text.dump()));
  ASSERT_EQ(ok.status, 200) << ok.body.dump();
  const json recorded = read_fixture("whatsapp_send_message_success_response_openapi.json");
  for (const auto& [key, value] : recorded.items()) {
    ASSERT_TRUE(ok.body.contains(key)) << key;
    EXPECT_EQ(ok.body[key].type(), value.type()) << key;
  }
  EXPECT_EQ(ok.body["contacts"][0]["wa_id"], "5511987654321");
  EXPECT_EQ(cloud.last_seq(), 1);
}

TEST(WhatsappSandbox, ListsMessagesAfterASequenceNumberAndForOneRecipient) {
  CloudSandbox cloud;
  const std::string path = "/v21.0/1122334455667/messages";
  for (const char* to : {"5511900000001", "5511900000002", "+55 11 90000-0001"}) {
    const json body = {{"messaging_product", "whatsapp"}, {"to", to}, {"type", "text"}, {"text", {{"body", to}}}};
    ASSERT_EQ(cloud.handle(post(path, body.dump())).status, 200);
  }
  SandboxRequest list;
  list.method = "GET";
  list.path = "/_sandbox/messages";
  list.query = {{"after", "1"}, {"to", "5511900000001"}};
  const auto answer = cloud.handle(list);
  ASSERT_EQ(answer.status, 200) << answer.body.dump();
  ASSERT_EQ(answer.body["messages"].size(), 1u) << answer.body.dump();
  EXPECT_EQ(answer.body["messages"][0]["seq"], 3);
  EXPECT_EQ(answer.body["last"], 3);
  list.query = {{"after", "x"}};
  expect_cloud_error(cloud.handle(list), 400, 100);
}

// The real plugin, through its C ABI, pointed at the stand-in over HTTP.
class SandboxWithPlugin : public ::testing::Test {
 protected:
  void SetUp() override { cloud_.start(); }

  sdk::testing::StepResult call(const std::string& step, const json& input, const std::string& key) {
    static const sdk::testing::Plugin plugin(fs::path(LINKHUB_PLUGIN_BUILD_DIR) / "linkhub_whatsapp.so");
    sdk::testing::FakeContext ctx;
    ctx.plugin_config = {{"base_url", cloud_.base_url()},     {"api_version", "v21.0"},
                         {"phone_number_id", kPhoneNumberId}, {"database", (dir_.path() / "wa.db").string()},
                         {"recipient_interval_ms", 0},        {"timeout_ms", 5000}};
    ctx.secrets = {
        {"WHATSAPP_TOKEN", kToken}, {"WHATSAPP_APP_SECRET", kAppSecret}, {"WHATSAPP_VERIFY_TOKEN", kVerifyToken}};
    ctx.http_allow = {"127.0.0.1"};
    ctx.idempotency_key = key;
    return plugin.run(step, ctx, input);
  }

  TempDir dir_{"linkhub-sandbox-"};
  CloudSandbox cloud_;
};

TEST_F(SandboxWithPlugin, AcceptsThePluginsSendsAndServesThemBack) {
  // The customer writes first (the 24-hour window), in a delivery the
  // sandbox builds and signs: the plugin verifies it.
  const sandbox::Customer customer{"5511987654321", "Ana"};
  const std::string body =
      sandbox::delivery_body(customer, {}, sandbox::customer_message(customer, "hi", "wamid.SBTEST1", now_s()));
  const auto received =
      call("receive", {{"body", body}, {"signature", sandbox::hub_signature(kAppSecret, body)}}, "run-hook/receive");
  ASSERT_TRUE(received.ok()) << received.error;
  ASSERT_EQ(received.output["messages"].size(), 1u) << received.output_text;
  EXPECT_EQ(received.output["messages"][0]["text"], "hi") << received.output_text;

  const auto text = call("send", {{"to", "+5511987654321"}, {"text", "Hello Ana"}}, "run-1/text");
  ASSERT_TRUE(text.ok()) << text.error;
  const auto buttons =
      call("send",
           {{"to", "+5511987654321"},
            {"buttons",
             {{"body", "Red sneakers, $59.99"},
              {"buttons", {{{"id", "buy:42"}, {"title", "Buy"}}, {{"id", "more:42"}, {"title", "More"}}}}}}},
           "run-1/buttons");
  ASSERT_TRUE(buttons.ok()) << buttons.error;
  const auto list =
      call("send",
           {{"to", "+5511987654321"},
            {"list",
             {{"body", "Today's picks"},
              {"button", "Products"},
              {"sections", {{{"title", "Shoes"}, {"rows", {{{"id", "A-12"}, {"title", "Red sneakers"}}}}}}}}}},
           "run-1/list");
  ASSERT_TRUE(list.ok()) << list.error;

  // Served back over HTTP in order, with the ids the plugin was answered.
  sandbox::PlainConnection http(sandbox::parse_http_url(cloud_.base_url()), std::chrono::milliseconds(5000));
  const auto answer = http.request("GET", "/_sandbox/messages?after=0&to=5511987654321");
  ASSERT_EQ(answer.status, 200) << answer.body;
  const json messages = json::parse(answer.body)["messages"];
  ASSERT_EQ(messages.size(), 3u) << answer.body;
  EXPECT_EQ(messages[0]["id"], text.output["message_id"]);
  EXPECT_EQ(messages[1]["id"], buttons.output["message_id"]);
  EXPECT_EQ(messages[2]["id"], list.output["message_id"]);
  EXPECT_EQ(sandbox::render_message(messages[0]["body"]), std::vector<std::string>{"Hello Ana"});
  EXPECT_EQ(sandbox::render_message(messages[1]["body"]),
            (std::vector<std::string>{"Red sneakers, $59.99", "[Buy]{buy:42} [More]{more:42}"}));
  const auto rows = sandbox::render_message(messages[2]["body"]);
  EXPECT_NE(std::find(rows.begin(), rows.end(), "  - Red sneakers  {A-12}"), rows.end()) << rows.size();
}

// A workflow that answers every text with "echo: <text>", started by the webhook.
constexpr const char* kEchoYaml = R"yaml(name: echo
inputs:
  from: { type: string, required: true }
  text: { type: string }
triggers:
  - whatsapp: { on: message, type: text }
steps:
  - id: reply
    uses: whatsapp.send
    with:
      to: "+${{ inputs.from }}"
      text: "echo: ${{ inputs.text }}"
)yaml";

// A reply-button tap gets its own answer.
constexpr const char* kTapYaml = R"yaml(name: tap
inputs:
  from: { type: string, required: true }
  button: { type: object, required: true }
triggers:
  - whatsapp: { on: message, type: interactive }
steps:
  - id: reply
    uses: whatsapp.send
    with:
      to: "+${{ inputs.from }}"
      text: "tapped ${{ inputs.button.id }}"
)yaml";

class ChatAgainstServe : public ::testing::Test {
 protected:
  void SetUp() override {
    cloud_.start();
    fs::create_directories(dir_.path() / "workflows");
    std::ofstream(dir_.path() / "workflows" / "echo.yaml") << kEchoYaml;
    std::ofstream(dir_.path() / "workflows" / "tap.yaml") << kTapYaml;
    serve_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{LINKHUB_BINARY, "serve", "--listen", "127.0.0.1:0", "--db",
                                 (dir_.path() / "linkhub.db").string(), "--workflows",
                                 (dir_.path() / "workflows").string(), "--threads", "2"},
        std::map<std::string, std::string>{{"LINKHUB_PLUGIN_WHATSAPP_BASE_URL", cloud_.base_url()},
                                           {"LINKHUB_PLUGIN_WHATSAPP_PHONE_NUMBER_ID", kPhoneNumberId},
                                           {"LINKHUB_PLUGIN_WHATSAPP_RECIPIENT_INTERVAL_MS", "0"},
                                           {"LINKHUB_SECRET_WHATSAPP_TOKEN", kToken},
                                           {"LINKHUB_SECRET_WHATSAPP_APP_SECRET", kAppSecret},
                                           {"LINKHUB_SECRET_WHATSAPP_VERIFY_TOKEN", kVerifyToken},
                                           {"LINKHUB_HTTP_ALLOW", "127.0.0.1"}},
        dir_.str());
    const auto listening = serve_->read_until("serve.listening");
    ASSERT_TRUE(listening.has_value()) << serve_->transcript();
    port_ = json::parse(listening->substr(listening->find('{')))["port"].get<int>();
  }

  std::string webhook() const { return "http://127.0.0.1:" + std::to_string(port_) + "/api/v1/whatsapp/webhook"; }

  // `linkhub whatsapp-sandbox chat` with the app secret in its environment.
  ChildProcess chat(const std::string& secret, const std::vector<std::string>& lines) {
    std::vector<std::string> argv = {LINKHUB_BINARY, "whatsapp-sandbox", "chat",   "--webhook",        webhook(),
                                     "--sandbox",    cloud_.base_url(),  "--from", "5511987654321",    "--timeout",
                                     "60",           "--settle",         "0.5",    "--app-secret-env", "SHOP_SECRET"};
    argv.insert(argv.end(), lines.begin(), lines.end());
    return ChildProcess(argv, {{"SHOP_SECRET", secret}}, dir_.str());
  }

  TempDir dir_{"linkhub-sandbox-chat-"};
  CloudSandbox cloud_;
  std::unique_ptr<ChildProcess> serve_;
  int port_ = 0;
};

TEST_F(ChatAgainstServe, TheScriptedCustomerGetsTheWorkflowsRepliesInOrder) {
  auto driver = chat(kAppSecret, {"hi", "BUY 1", "2", "@button:again:Again"});
  const auto status = driver.wait();
  ASSERT_TRUE(status.exited && status.code == 0) << driver.transcript() << "\n--- serve:\n" << serve_->transcript();
  const std::string& transcript = driver.transcript();
  const std::vector<std::string> expected = {"customer > hi",          "shop     < echo: hi", "customer > BUY 1",
                                             "shop     < echo: BUY 1", "customer > 2",        "shop     < echo: 2"};
  size_t at = 0;
  for (const std::string& line : expected) {
    const size_t found = transcript.find(line + "\n", at);
    ASSERT_NE(found, std::string::npos) << "missing, in order: " << line << "\n" << transcript;
    at = found + line.size();
  }
  EXPECT_EQ(cloud_.last_seq(), 4) << transcript;
  EXPECT_EQ(transcript.find(kAppSecret), std::string::npos);
}

TEST_F(ChatAgainstServe, AWrongAppSecretIsRefusedAndNothingIsSent) {
  auto driver = chat("not-the-secret", {"hi"});
  const auto status = driver.wait();
  EXPECT_TRUE(status.exited);
  EXPECT_EQ(status.code, 1) << driver.transcript();
  EXPECT_NE(driver.transcript().find("401"), std::string::npos) << driver.transcript();
  EXPECT_EQ(cloud_.last_seq(), 0);
}

TEST(WhatsappSandboxCli, ChatWithoutTheSecretVariableSaysWhichVariable) {
  ChildProcess driver({LINKHUB_BINARY, "whatsapp-sandbox", "chat", "--webhook", "http://127.0.0.1:9/x", "--sandbox",
                       "http://127.0.0.1:9", "--from", "5511987654321", "--app-secret-env",
                       "LINKHUB_SANDBOX_TEST_UNSET", "hi"});
  const auto status = driver.wait();
  EXPECT_EQ(status.code, 2) << driver.transcript();
  EXPECT_NE(driver.transcript().find("LINKHUB_SANDBOX_TEST_UNSET"), std::string::npos) << driver.transcript();
}

TEST(WhatsappSandboxCli, TheStandInRefusesANonLoopbackAddress) {
  ChildProcess sandbox({LINKHUB_BINARY, "whatsapp-sandbox", "serve", "--listen", "0.0.0.0:0"});
  const auto status = sandbox.wait();
  EXPECT_EQ(status.code, 2) << sandbox.transcript();
  EXPECT_NE(sandbox.transcript().find("loopback"), std::string::npos) << sandbox.transcript();
}

}  // namespace
}  // namespace linkhub::test
