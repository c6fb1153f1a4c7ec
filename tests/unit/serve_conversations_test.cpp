// linkhub serve: GET /api/v1/conversations and /api/v1/conversations/{wa_id},
// over the whatsapp plugin's steps. Contacts and messages arrive the way they
// do in production, as signed deliveries through POST /api/v1/whatsapp/webhook;
// the answers list them newest first, page, filter, show one conversation,
// and refuse bad parameters by name. No secret is ever in an answer.
#include "serve_fixture.hpp"

#include <linkhub/sigv4.hpp>

#include <ctime>

namespace linkhub::test {
namespace {

using nlohmann::json;

constexpr const char* kAppSecret = "conv-app-secret-91b3";

std::string signature_of(const std::string& body) {
  const std::string mac = sdk::sigv4::hmac_sha256(kAppSecret, body);
  return "sha256=" + sdk::sigv4::to_hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
}

// One delivery of one text message, as Meta sends it.
std::string text_delivery(const std::string& wamid, const std::string& from, const std::string& name,
                          const std::string& text, long long at_s) {
  const json value = {{"messaging_product", "whatsapp"},
                      {"metadata", {{"display_phone_number", "15550783881"}, {"phone_number_id", "106540352242922"}}},
                      {"contacts", {{{"profile", {{"name", name}}}, {"wa_id", from}}}},
                      {"messages",
                       {{{"from", from},
                         {"id", wamid},
                         {"timestamp", std::to_string(at_s)},
                         {"type", "text"},
                         {"text", {{"body", text}}}}}}};
  return json{{"object", "whatsapp_business_account"},
              {"entry", {{{"id", "102290129340398"}, {"changes", {{{"field", "messages"}, {"value", value}}}}}}}}
      .dump();
}

std::vector<std::string> wa_ids(const json& conversations) {
  std::vector<std::string> out;
  for (const json& c : conversations) {
    out.push_back(c.value("wa_id", ""));
  }
  return out;
}

class ServeConversations : public ServeTest {
 protected:
  void SetUp() override {
    ServeTest::SetUp();
    start([](http::ServeOptions& o) { o.executor.secrets["WHATSAPP_APP_SECRET"] = kAppSecret; });
  }

  void deliver(const std::string& wamid, const std::string& from, const std::string& name, const std::string& text,
               long long at_s) {
    HttpRequest request;
    request.method = "POST";
    request.target = "/api/v1/whatsapp/webhook";
    request.body = text_delivery(wamid, from, name, text, at_s);
    request.content_type = "application/json";
    request.headers["X-Hub-Signature-256"] = signature_of(request.body);
    const auto answer = send(request);
    ASSERT_EQ(answer.status, 200) << answer.body;
  }

  // Ana wrote twice, Bruno once after her, Carla long ago and then STOP.
  void seed() {
    now_s = static_cast<long long>(std::time(nullptr));
    deliver("wamid.carla.1", "5511900000003", "Carla", "oi", now_s - 3 * 86400);
    deliver("wamid.carla.2", "5511900000003", "Carla", "PARAR", now_s - 3 * 86400 + 60);
    deliver("wamid.ana.1", "5511900000001", "Ana", "hi", now_s - 600);
    deliver("wamid.ana.2", "5511900000001", "Ana", "BUY A-12", now_s - 500);
    deliver("wamid.bruno.1", "5511900000002", "Bruno", "hello", now_s - 400);
  }

  void expect_no_secret(const HttpAnswer& answer) {
    EXPECT_EQ(answer.body.find(kAppSecret), std::string::npos) << answer.body;
  }

  long long now_s = 0;
};

TEST_F(ServeConversations, ListsConversationsNewestActivityFirstAndPages) {
  seed();
  auto all = get("/api/v1/conversations");
  ASSERT_EQ(all.status, 200) << all.body;
  expect_no_secret(all);
  const json body = all.json();
  EXPECT_EQ(wa_ids(body["conversations"]),
            (std::vector<std::string>{"5511900000002", "5511900000001", "5511900000003"}));
  EXPECT_TRUE(body["next_cursor"].is_null());
  const json& ana = body["conversations"][1];
  EXPECT_EQ(ana["name"], "Ana");
  EXPECT_EQ(ana["messages_in"], 2);
  EXPECT_EQ(ana["messages_out"], 0);
  EXPECT_EQ(ana["window_open"], true);
  EXPECT_EQ(ana["last_message"]["text"], "BUY A-12");
  EXPECT_EQ(ana["last_message"]["direction"], "in");
  EXPECT_EQ(ana["last_message"]["at_ms"], (now_s - 500) * 1000);
  const json& carla = body["conversations"][2];
  EXPECT_EQ(carla["opted_out"], true);
  EXPECT_EQ(carla["window_open"], false);

  // Page by page, with a viewer's key: the same three, in the same order.
  auto viewer = client_with(make_key("viewer"));
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    auto answer = viewer->get("/api/v1/conversations?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(answer.status, 200) << answer.body;
    const json got = answer.json();
    EXPECT_LE(got["conversations"].size(), 2u);
    for (const auto& id : wa_ids(got["conversations"])) {
      seen.push_back(id);
    }
    if (got["next_cursor"].is_null()) {
      break;
    }
    cursor = got["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"5511900000002", "5511900000001", "5511900000003"}));

  auto named = get("/api/v1/conversations?q=ana");
  ASSERT_EQ(named.status, 200) << named.body;
  EXPECT_EQ(wa_ids(named.json()["conversations"]), (std::vector<std::string>{"5511900000001"}));
}

TEST_F(ServeConversations, ShowsOneConversationNewestFirstAndPagesBackwards) {
  seed();
  auto first = get("/api/v1/conversations/5511900000001?limit=1");
  ASSERT_EQ(first.status, 200) << first.body;
  expect_no_secret(first);
  const json page1 = first.json();
  EXPECT_EQ(page1["contact"]["wa_id"], "5511900000001");
  EXPECT_EQ(page1["contact"]["name"], "Ana");
  EXPECT_EQ(page1["contact"]["opted_out"], false);
  ASSERT_EQ(page1["messages"].size(), 1u);
  EXPECT_EQ(page1["messages"][0]["id"], "wamid.ana.2");
  EXPECT_EQ(page1["messages"][0]["direction"], "in");
  EXPECT_EQ(page1["messages"][0]["status"], "received");
  ASSERT_TRUE(page1["next_before"].is_string()) << page1.dump();

  auto second = get("/api/v1/conversations/5511900000001?limit=1&before=" + page1["next_before"].get<std::string>());
  ASSERT_EQ(second.status, 200) << second.body;
  const json page2 = second.json();
  ASSERT_EQ(page2["messages"].size(), 1u);
  EXPECT_EQ(page2["messages"][0]["id"], "wamid.ana.1");
  EXPECT_EQ(page2["messages"][0]["text"], "hi");
  EXPECT_TRUE(page2["next_before"].is_null());
}

TEST_F(ServeConversations, RefusesBadParametersByNameAndUnknownContactsWith404) {
  seed();
  auto letters = get("/api/v1/conversations/+5511900000001");
  EXPECT_EQ(letters.status, 400) << letters.body;
  EXPECT_EQ(letters.json()["error"]["details"]["parameter"], "wa_id");
  auto words = get("/api/v1/conversations/ana");
  EXPECT_EQ(words.status, 400) << words.body;
  EXPECT_EQ(words.json()["error"]["details"]["parameter"], "wa_id");

  auto unknown = get("/api/v1/conversations/5511999999999");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(unknown.json()["error"]["code"], "unknown_contact");

  auto limit = get("/api/v1/conversations?limit=0");
  EXPECT_EQ(limit.status, 400) << limit.body;
  EXPECT_EQ(limit.json()["error"]["details"]["parameter"], "limit");
  auto big = get("/api/v1/conversations/5511900000001?limit=101");
  EXPECT_EQ(big.status, 400) << big.body;
  EXPECT_EQ(big.json()["error"]["details"]["parameter"], "limit");

  auto cursor = get("/api/v1/conversations?cursor=nonsense");
  EXPECT_EQ(cursor.status, 400) << cursor.body;
  EXPECT_EQ(cursor.json()["error"]["code"], "bad_cursor");
  EXPECT_EQ(cursor.json()["error"]["details"]["parameter"], "cursor");
  auto before = get("/api/v1/conversations/5511900000001?before=1.2.xyz");
  EXPECT_EQ(before.status, 400) << before.body;
  EXPECT_EQ(before.json()["error"]["details"]["parameter"], "before");

  auto unknown_parameter = get("/api/v1/conversations?sort=name");
  EXPECT_EQ(unknown_parameter.status, 400) << unknown_parameter.body;

  // Reads need a key: none is 401.
  EXPECT_EQ(client_with("")->get("/api/v1/conversations").status, 401);
}

TEST_F(ServeConversations, TheOpenApiDocumentDescribesBothRoutes) {
  auto doc = get("/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  const json spec = doc.json();
  EXPECT_TRUE(spec["paths"].contains("/api/v1/conversations"));
  EXPECT_TRUE(spec["paths"].contains("/api/v1/conversations/{wa_id}"));
  EXPECT_TRUE(spec["components"]["schemas"].contains("ConversationList"));
  EXPECT_TRUE(spec["components"]["schemas"].contains("Conversation"));
}

}  // namespace
}  // namespace linkhub::test
