// linkhub serve: GET/POST /api/v1/whatsapp/webhook, Meta's WhatsApp webhook.
// The handshake; signed deliveries start the workflows whose `whatsapp`
// trigger takes them; a wrong or missing signature starts and stores nothing;
// a repeated delivery starts nothing new; an opt-out word starts nothing; a
// message from a contact whose conversation waits resumes that run.
#include "serve_fixture.hpp"

#include <linkhub/sigv4.hpp>

#include <ctime>

namespace linkhub::test {
namespace {

using nlohmann::json;

constexpr const char* kAppSecret = "test-app-secret-5d1e";
constexpr const char* kVerifyToken = "verify-me-7c2a";

// Started by a greeting; its inputs are fields of the message.
constexpr const char* kGreetYaml = R"yaml(name: greet
inputs:
  from: { type: string, required: true }
  text: { type: string }
triggers:
  - whatsapp: { on: message, type: text, text: "(?i)^(hi|hello|oi)"
}
steps:
  - id: echo
    uses: core.transform
    with: { value: "${{ inputs.text }}" }
outputs:
  from: "${{ inputs.from }}"
)yaml";

// Any message at all; the whole message is its one input.
// A conversation: greeted, it waits for the customer's next message.
constexpr const char* kChatYaml = R"yaml(name: chat
inputs:
  from: { type: string, required: true }
triggers:
  - whatsapp: { type: text, text: "(?i)^start" }
steps:
  - id: reply
    uses: core.wait_for
    with: { key: "wa:${{ inputs.from }}", timeout: 1h }
outputs:
  answer: "${{ steps.reply.outputs.event.text }}"
)yaml";

constexpr const char* kAnyYaml = R"yaml(name: any
inputs:
  message: { type: object, required: true }
triggers:
  - whatsapp:
steps:
  - id: echo
    uses: core.transform
    with: { value: "${{ inputs.message.type }}" }
)yaml";

std::string signature_of(const std::string& body) {
  const std::string mac = sdk::sigv4::hmac_sha256(kAppSecret, body);
  return "sha256=" + sdk::sigv4::to_hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
}

// A delivery as Meta sends it: one entry, one change, these messages.
std::string delivery(const json& messages, const std::string& name = "Ana") {
  json contacts = json::array();
  for (const json& m : messages) {
    contacts.push_back({{"profile", {{"name", name}}}, {"wa_id", m["from"]}});
  }
  return json{{"object", "whatsapp_business_account"},
              {"entry",
               {{{"id", "102290129340398"},
                 {"changes",
                  {{{"field", "messages"},
                    {"value",
                     {{"messaging_product", "whatsapp"},
                      {"metadata", {{"display_phone_number", "15550783881"}, {"phone_number_id", "106540352242922"}}},
                      {"contacts", contacts},
                      {"messages", messages}}}}}}}}}}
      .dump();
}

json text_message(const std::string& id, const std::string& from, const std::string& text) {
  return {{"from", from},
          {"id", id},
          {"timestamp", std::to_string(std::time(nullptr))},
          {"type", "text"},
          {"text", {{"body", text}}}};
}

class ServeWhatsapp : public ServeTest {
 protected:
  void SetUp() override {
    ServeTest::SetUp();
    write("workflows/greet.yaml", kGreetYaml);
    write("workflows/any.yaml", kAnyYaml);
    write("workflows/chat.yaml", kChatYaml);
    start([](http::ServeOptions& o) {
      o.executor.secrets["WHATSAPP_APP_SECRET"] = kAppSecret;
      o.executor.secrets["WHATSAPP_VERIFY_TOKEN"] = kVerifyToken;
    });
  }

  HttpAnswer deliver(const std::string& body, const std::string& signature) {
    HttpRequest request;
    request.method = "POST";
    request.target = "/api/v1/whatsapp/webhook";
    request.body = body;
    request.content_type = "application/json";
    if (!signature.empty()) {
      request.headers["X-Hub-Signature-256"] = signature;
    }
    return send(request);
  }

  std::vector<RunRecord> runs_of(const std::string& workflow) {
    RunFilter filter;
    filter.workflow = workflow;
    return store_->list_runs(filter);
  }
};

TEST_F(ServeWhatsapp, TheHandshakeEchoesTheChallengeOnlyForTheRightToken) {
  auto ok = get(std::string("/api/v1/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=") + kVerifyToken +
                "&hub.challenge=1158201444");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body, "1158201444");
  auto wrong = get("/api/v1/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444");
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(wrong.body.find("1158201444"), std::string::npos);
  auto mode = get(std::string("/api/v1/whatsapp/webhook?hub.mode=unsubscribe&hub.verify_token=") + kVerifyToken +
                  "&hub.challenge=1");
  EXPECT_EQ(mode.status, 403);
}

TEST_F(ServeWhatsapp, AGreetingStartsTheTriggeredWorkflowsWithTheMessageAsInputs) {
  const std::string body = delivery(json::array({text_message("wamid.HI1", "5511987650001", "Hi there")}));
  auto r = deliver(body, signature_of(body));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["runs_started"], 2) << r.body;  // greet and any
  const auto greet = runs_of("greet");
  ASSERT_EQ(greet.size(), 1u);
  EXPECT_EQ(greet[0].inputs["from"], "5511987650001");
  EXPECT_EQ(greet[0].inputs["text"], "Hi there");
  const auto any = runs_of("any");
  ASSERT_EQ(any.size(), 1u);
  EXPECT_EQ(any[0].inputs["message"]["id"], "wamid.HI1");
  wait_finished(greet[0].id);
}

TEST_F(ServeWhatsapp, AMessageTheTextFilterRefusesStartsOnlyTheCatchAll) {
  const std::string body = delivery(json::array({text_message("wamid.P1", "5511987650002", "price?")}));
  auto r = deliver(body, signature_of(body));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(runs_of("greet").empty());
  EXPECT_EQ(runs_of("any").size(), 1u);
}

TEST_F(ServeWhatsapp, AWrongOrMissingSignatureStartsAndStoresNothing) {
  const std::string body = delivery(json::array({text_message("wamid.BAD1", "5511987650003", "hi")}));
  auto wrong = deliver(body, signature_of(body + " "));
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  EXPECT_EQ(wrong.body.find(kAppSecret), std::string::npos);
  auto missing = deliver(body, "");
  EXPECT_EQ(missing.status, 401) << missing.body;
  EXPECT_TRUE(runs_of("greet").empty());
  EXPECT_TRUE(runs_of("any").empty());
  // Nothing was stored: the same message, now signed, is new.
  auto good = deliver(body, signature_of(body));
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(good.json()["duplicates"], 0);
  EXPECT_EQ(runs_of("greet").size(), 1u);
}

TEST_F(ServeWhatsapp, TheSameDeliveryTwiceStartsOneRun) {
  const std::string body = delivery(json::array({text_message("wamid.TWICE", "5511987650004", "hello")}));
  ASSERT_EQ(deliver(body, signature_of(body)).status, 200);
  auto again = deliver(body, signature_of(body));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["duplicates"], 1);
  EXPECT_EQ(again.json()["runs_started"], 0);
  EXPECT_EQ(runs_of("greet").size(), 1u);
}

TEST_F(ServeWhatsapp, AnOptOutWordStartsNothing) {
  const std::string body = delivery(json::array({text_message("wamid.STOP1", "5511987650005", "PARAR")}));
  auto r = deliver(body, signature_of(body));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["opted_out"], 1);
  EXPECT_TRUE(runs_of("any").empty());
}

TEST_F(ServeWhatsapp, TheNextMessageOfAWaitingConversationResumesItsRunInsteadOfStartingOne) {
  const std::string from = "5511987650006";
  const std::string first = delivery(json::array({text_message("wamid.C1", from, "start")}));
  ASSERT_EQ(deliver(first, signature_of(first)).status, 200);
  const auto chats = runs_of("chat");
  ASSERT_EQ(chats.size(), 1u);
  const std::string id = chats[0].id;
  // Parked: the run waits on wa:<from> (bounded: the run either parks or the test fails).
  bool parked = false;
  for (int i = 0; i < 600 && !parked; ++i) {
    auto run = store_->get_run(id);
    parked = run && run->status == RunStatus::Waiting;
    if (!parked) {
      std::unique_lock lock(mutex_);
      finished_cv_.wait_for(lock, std::chrono::milliseconds(100));
    }
  }
  ASSERT_TRUE(parked) << "the chat run never parked";
  const std::string second = delivery(json::array({text_message("wamid.C2", from, "two please")}));
  auto r = deliver(second, signature_of(second));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["to_waiting_runs"], 1) << r.body;
  EXPECT_EQ(runs_of("any").size(), 1u);  // only the first message started the catch-all
  wait_finished(id);
  auto done = store_->get_run(id);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->status, RunStatus::Succeeded);
  EXPECT_EQ(done->outputs["answer"], "two please");
}

TEST_F(ServeWhatsapp, AMalformedDeliveryIsRefusedWithoutEchoingIt) {
  const std::string body = "{\"object\": \"whatsapp_business_account\", \"entry\": [secret-looking-text";
  auto r = deliver(body, signature_of(body));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.body.find("secret-looking-text"), std::string::npos);
}

}  // namespace
}  // namespace linkhub::test
