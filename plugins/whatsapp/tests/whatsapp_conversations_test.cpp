// whatsapp.conversations, whatsapp.conversation and whatsapp.subscribers on
// SQLite and PostgreSQL (LINKHUB_TEST_PG): contacts and messages stored the
// way they arrive (signed deliveries through whatsapp.receive, sends through
// whatsapp.send against the stand-in), then read back: order, paging, the
// statuses of each message on that message, opt-outs, unknown contacts.
#include "test_databases.hpp"
#include "whatsapp_test_support.hpp"

#include <ctime>
#include <map>

namespace linkhub::whatsapp_test {
namespace {

constexpr const char* kAna = "15550000001";
constexpr const char* kBruno = "15550000002";
constexpr const char* kCarla = "15550000003";
constexpr const char* kDiego = "15550000004";
constexpr const char* kEva = "15550000005";

// A status delivery for a message we sent, as Meta sends it.
std::string status_delivery(const std::string& wamid, const std::string& status, const std::string& recipient,
                            long long timestamp_s, const Json& errors = Json::array()) {
  Json s = {{"id", wamid}, {"status", status}, {"timestamp", std::to_string(timestamp_s)}, {"recipient_id", recipient}};
  if (!errors.empty()) {
    s["errors"] = errors;
  }
  const Json value = {{"messaging_product", "whatsapp"},
                      {"metadata", {{"display_phone_number", "15550001111"}, {"phone_number_id", kPhoneNumberId}}},
                      {"statuses", {s}}};
  return Json{{"object", "whatsapp_business_account"},
              {"entry", {{{"id", "5467539754836534"}, {"changes", {{{"field", "messages"}, {"value", value}}}}}}}}
      .dump();
}

std::string accepted(const std::string& wamid, const std::string& to) {
  return Json{{"messaging_product", "whatsapp"},
              {"contacts", {{{"input", to}, {"wa_id", to}}}},
              {"messages", {{{"id", wamid}}}}}
      .dump();
}

std::vector<std::string> ids(const Json& list, const char* field) {
  std::vector<std::string> out;
  for (const Json& item : list) {
    out.push_back(item.value(field, ""));
  }
  return out;
}

class WhatsAppConversations : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    h.database = test::fresh_database(GetParam());
    if (h.database.empty()) {
      GTEST_SKIP() << test::postgres_unavailable_reason();
    }
  }

  void inbound(const std::string& from, const std::string& text, long long at_s, const std::string& wamid,
               const std::string& name) {
    const StepResult r = h.receive(text_delivery(from, text, at_s, wamid, name));
    ASSERT_TRUE(r.ok()) << r.error;
  }
  void status(const std::string& wamid, const std::string& st, const std::string& to, long long at_s,
              const Json& errors = Json::array()) {
    const StepResult r = h.receive(status_delivery(wamid, st, to, at_s, errors));
    ASSERT_TRUE(r.ok()) << r.error;
  }
  std::string send(const std::string& to, const Json& message, const std::string& wamid, const std::string& key) {
    h.api.answer(200, accepted(wamid, to));
    Json input = message;
    input["to"] = "+" + to;
    const StepResult r = h.call("send", input, key);
    EXPECT_TRUE(r.ok()) << r.error;
    return r.output.value("message_id", "");
  }

  // Ana wrote twice an hour ago and got a reply (delivered, then read);
  // Bruno wrote once; Carla wrote two days ago, then STOP; Diego never wrote
  // and was sent a template that failed; Eva sent START.
  void seed() {
    t0 = unix_now_s() - 3600;
    inbound(kAna, "hi", t0, "wamid.in.ana.1", "Ana");
    inbound(kAna, "BUY A-12", t0 + 5, "wamid.in.ana.2", "Ana");
    inbound(kBruno, "hello", t0 + 10, "wamid.in.bruno.1", "Bruno");
    inbound(kCarla, "oi", t0 - 2 * 86400, "wamid.in.carla.1", "Carla");
    inbound(kCarla, "STOP", t0 - 2 * 86400 + 30, "wamid.in.carla.2", "Carla");
    inbound(kEva, "START", t0 + 20, "wamid.in.eva.1", "Eva");
    ASSERT_EQ(send(kAna, {{"text", "How many would you like?"}}, "wamid.out.ana.1", "run-a/reply"), "wamid.out.ana.1");
    ASSERT_EQ(send(kDiego, {{"template", {{"name", "new_product"}, {"language", "en"}, {"body", {"Red sneakers"}}}}},
                   "wamid.out.diego.1", "run-d/announce"),
              "wamid.out.diego.1");
    status("wamid.out.ana.1", "delivered", kAna, t0 + 100);
    status("wamid.out.ana.1", "read", kAna, t0 + 200);
    status("wamid.out.ana.1", "delivered", kAna, t0 + 100);  // Meta repeats deliveries
    status("wamid.out.diego.1", "failed", kDiego, t0 + 150,
           Json::array({{{"code", 131026}, {"title", "Message undeliverable"}}}));
  }

  Harness h;
  long long t0 = 0;
};

TEST_P(WhatsAppConversations, ListNewestActivityFirstWithLastMessageCountsAndWindow) {
  seed();
  const StepResult r = h.call("conversations", Json::object());
  ASSERT_TRUE(r.ok()) << r.error;
  const Json& list = r.output["conversations"];
  // Diego's template went after Ana's reply; Eva, Bruno wrote an hour ago; Carla two days ago.
  EXPECT_EQ(ids(list, "wa_id"), (std::vector<std::string>{kDiego, kAna, kEva, kBruno, kCarla}));
  EXPECT_TRUE(r.output["next_cursor"].is_null());

  const Json& ana = list[1];
  EXPECT_EQ(ana["name"], "Ana");
  EXPECT_EQ(ana["messages_in"], 2);
  EXPECT_EQ(ana["messages_out"], 1);
  EXPECT_EQ(ana["window_open"], true);
  EXPECT_EQ(ana["last_inbound_ms"], (t0 + 5) * 1000);
  EXPECT_EQ(ana["last_message"]["direction"], "out");
  EXPECT_EQ(ana["last_message"]["text"], "How many would you like?");
  EXPECT_EQ(ana["last_message"]["status"], "read");

  const Json& diego = list[0];
  EXPECT_TRUE(diego["name"].is_null());
  EXPECT_EQ(diego["window_open"], false);
  EXPECT_TRUE(diego["last_inbound_ms"].is_null());
  EXPECT_EQ(diego["last_message"]["type"], "template");
  EXPECT_EQ(diego["last_message"]["text"], "[template new_product] Red sneakers");
  EXPECT_EQ(diego["last_message"]["status"], "failed");

  const Json& carla = list[4];
  EXPECT_EQ(carla["opted_out"], true);
  EXPECT_EQ(carla["window_open"], false);
  EXPECT_EQ(carla["last_message"]["text"], "STOP");
  EXPECT_EQ(carla["last_message"]["direction"], "in");
  EXPECT_EQ(carla["last_message"]["at_ms"], (t0 - 2 * 86400 + 30) * 1000);
}

TEST_P(WhatsAppConversations, PagesWithTheCursorAndFiltersWithQ) {
  seed();
  std::vector<std::string> seen;
  Json cursor = nullptr;
  for (int page = 0; page < 5; ++page) {
    Json input{{"limit", 2}};
    if (!cursor.is_null()) {
      input["cursor"] = cursor;
    }
    const StepResult r = h.call("conversations", input);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_LE(r.output["conversations"].size(), 2u);
    for (const std::string& id : ids(r.output["conversations"], "wa_id")) {
      seen.push_back(id);
    }
    cursor = r.output["next_cursor"];
    if (cursor.is_null()) {
      break;
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{kDiego, kAna, kEva, kBruno, kCarla}));

  StepResult r = h.call("conversations", {{"q", "BRU"}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(ids(r.output["conversations"], "wa_id"), (std::vector<std::string>{kBruno}));
  r = h.call("conversations", {{"q", "0003"}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(ids(r.output["conversations"], "wa_id"), (std::vector<std::string>{kCarla}));
  r = h.call("conversations", {{"q", "%"}});  // taken literally
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.output["conversations"].empty());

  r = h.call("conversations", {{"cursor", "not-a-cursor"}});
  EXPECT_EQ(r.code, "invalid_input");
  EXPECT_EQ(r.details["reason"], "bad_cursor");
  EXPECT_EQ(r.details["field"], "cursor");
}

TEST_P(WhatsAppConversations, OneConversationNewestFirstWithEachMessagesOwnStatuses) {
  seed();
  StepResult r = h.call("conversation", {{"wa_id", kAna}, {"limit", 2}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["contact"]["wa_id"], kAna);
  EXPECT_EQ(r.output["contact"]["name"], "Ana");
  EXPECT_EQ(r.output["contact"]["window_open"], true);
  EXPECT_EQ(r.output["contact"]["window_closes_ms"], (t0 + 5 + 86400) * 1000);
  const Json& page1 = r.output["messages"];
  ASSERT_EQ(ids(page1, "id"), (std::vector<std::string>{"wamid.out.ana.1", "wamid.in.ana.2"}));
  EXPECT_EQ(page1[0]["direction"], "out");
  EXPECT_EQ(page1[0]["status"], "read");
  ASSERT_EQ(page1[0]["statuses"].size(), 2u);  // the repeated "delivered" is stored once
  EXPECT_EQ(page1[0]["statuses"][0]["status"], "delivered");
  EXPECT_EQ(page1[0]["statuses"][0]["at_ms"], (t0 + 100) * 1000);
  EXPECT_EQ(page1[0]["statuses"][1]["status"], "read");
  EXPECT_EQ(page1[1]["direction"], "in");
  EXPECT_EQ(page1[1]["text"], "BUY A-12");
  EXPECT_EQ(page1[1]["status"], "received");
  EXPECT_TRUE(page1[1]["statuses"].empty());
  ASSERT_TRUE(r.output["next_before"].is_string());

  r = h.call("conversation", {{"wa_id", "+" + std::string(kAna)}, {"limit", 2}, {"before", r.output["next_before"]}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(ids(r.output["messages"], "id"), (std::vector<std::string>{"wamid.in.ana.1"}));
  EXPECT_EQ(r.output["messages"][0]["at_ms"], t0 * 1000);
  EXPECT_TRUE(r.output["next_before"].is_null());

  // Diego's failure is on Diego's message, with its error; nothing of Ana's is there.
  r = h.call("conversation", {{"wa_id", kDiego}});
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.output["messages"].size(), 1u);
  const Json& failed = r.output["messages"][0];
  EXPECT_EQ(failed["id"], "wamid.out.diego.1");
  EXPECT_EQ(failed["status"], "failed");
  ASSERT_EQ(failed["statuses"].size(), 1u);
  EXPECT_EQ(failed["statuses"][0]["error"]["code"], 131026);
}

TEST_P(WhatsAppConversations, UnknownContactAndBadInputs) {
  seed();
  StepResult r = h.call("conversation", {{"wa_id", "15559999999"}});
  EXPECT_EQ(r.code, "not_found") << r.error;
  EXPECT_EQ(r.details["wa_id"], "15559999999");
  r = h.call("conversation", {{"wa_id", "not a number"}});
  EXPECT_EQ(r.code, "invalid_input");
  r = h.call("conversation", {{"wa_id", kAna}, {"before", "1.2.zz"}});
  EXPECT_EQ(r.code, "invalid_input");
  EXPECT_EQ(r.details["field"], "before");
  r = h.call("conversations", {{"limit", 0}});
  EXPECT_EQ(r.code, "invalid_input");
  r = h.call("conversations", {{"limit", 101}});
  EXPECT_EQ(r.code, "invalid_input");
}

TEST_P(WhatsAppConversations, AStatusThatArrivesBeforeTheSendIsRecordedLandsOnItsMessage) {
  inbound(kAna, "hi", unix_now_s() - 60, "wamid.in.ana.1", "Ana");
  // Meta's "sent" webhook overtakes the API's answer: stored while the send waits for it.
  // (The hook runs on the stand-in's thread while it holds its lock: it must not call the stand-in.)
  bool fired = false;
  h.api.before_answer([&] {
    if (!fired) {
      fired = true;
      status("wamid.out.race", "sent", kAna, unix_now_s());
    }
  });
  EXPECT_EQ(send(kAna, {{"text", "hello"}}, "wamid.out.race", "run-r/reply"), "wamid.out.race");
  const StepResult r = h.call("conversation", {{"wa_id", kAna}});
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.output["messages"][0]["id"], "wamid.out.race");
  EXPECT_EQ(r.output["messages"][0]["status"], "sent");
  EXPECT_EQ(r.output["messages"][0]["statuses"].size(), 1u);
}

TEST_P(WhatsAppConversations, SubscribersAreThoseWhoWroteOrOptedInNeverThoseWhoOptedOut) {
  seed();
  StepResult r = h.call("subscribers", Json::object());
  ASSERT_TRUE(r.ok()) << r.error;
  // Carla opted out; Diego never wrote nor opted in.
  EXPECT_EQ(ids(r.output["subscribers"], "wa_id"), (std::vector<std::string>{kAna, kBruno, kEva}));
  EXPECT_EQ(r.output["subscribers"][0]["to"], "+" + std::string(kAna));
  EXPECT_TRUE(r.output["next_cursor"].is_null());

  std::vector<std::string> seen;
  Json cursor = nullptr;
  for (int page = 0; page < 5; ++page) {
    Json input{{"limit", 2}};
    if (!cursor.is_null()) {
      input["cursor"] = cursor;
    }
    r = h.call("subscribers", input);
    ASSERT_TRUE(r.ok()) << r.error;
    for (const std::string& id : ids(r.output["subscribers"], "wa_id")) {
      seen.push_back(id);
    }
    cursor = r.output["next_cursor"];
    if (cursor.is_null()) {
      break;
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{kAna, kBruno, kEva}));

  r = h.call("subscribers", {{"opted_in_only", true}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(ids(r.output["subscribers"], "wa_id"), (std::vector<std::string>{kEva}));

  // Opting out later takes them off the list.
  inbound(kBruno, "BERHENTI", unix_now_s(), "wamid.in.bruno.2", "Bruno");
  r = h.call("subscribers", Json::object());
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(ids(r.output["subscribers"], "wa_id"), (std::vector<std::string>{kAna, kEva}));
}

TEST_P(WhatsAppConversations, OnErrorReportReturnsARecipientsPermanentFailureAndStillFailsOnRetryableOnes) {
  seed();
  h.api.answer(400, openapi_error(100).dump());  // a recorded answer: invalid parameter
  StepResult r = h.call(
      "send",
      {{"to", "+15550000004"}, {"template", {{"name", "new_product"}, {"language", "en"}}}, {"on_error", "report"}},
      "run-x/1");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["sent"], false);
  EXPECT_EQ(r.output["error"]["code"], "invalid_input");
  EXPECT_EQ(r.output["error"]["details"]["whatsapp_code"], 100);
  EXPECT_FALSE(r.output.contains("message_id"));
  // Opted out: reported without an API call.
  const int calls = h.api.calls();
  r = h.call("send",
             {{"to", "+" + std::string(kCarla)},
              {"template", {{"name", "new_product"}, {"language", "en"}}},
              {"on_error", "report"}},
             "run-x/2");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["error"]["code"], "opted_out");
  EXPECT_EQ(h.api.calls(), calls);
  // A retryable failure is not reported: the engine retries it.
  h.api.answer(429, Json{{"error", {{"message", "throughput"}, {"code", 130429}}}}.dump());
  r = h.call("send", {{"to", "+" + std::string(kAna)}, {"text", "again"}, {"on_error", "report"}}, "run-x/3");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.code, "rate_limited");
  expect_no_secret(r);
}

TEST_P(WhatsAppConversations, StatsCountMessagesInAndOutPerDayByTheirOwnTime) {
  seed();
  // The day of each received message, from the timestamps seed() gave them.
  std::map<std::string, long long> expected_in;
  for (long long at_s : {t0, t0 + 5, t0 + 10, t0 - 2 * 86400, t0 - 2 * 86400 + 30, t0 + 20}) {
    const std::time_t t = static_cast<std::time_t>(at_s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char day[16];
    std::strftime(day, sizeof day, "%Y-%m-%d", &tm);
    ++expected_in[day];
  }
  const StepResult r = h.call("stats", {{"days", 5}});
  ASSERT_TRUE(r.ok()) << r.error;
  const Json& days = r.output["messages_per_day"];
  ASSERT_EQ(days.size(), 5u) << r.output.dump();
  std::map<std::string, long long> in;
  long long out = 0;
  for (const Json& d : days) {
    if (d["in"].get<long long>() > 0) {
      in[d["day"].get<std::string>()] = d["in"].get<long long>();
    }
    out += d["out"].get<long long>();
  }
  EXPECT_EQ(in, expected_in);
  EXPECT_EQ(out, 2);  // the reply to Ana and Diego's template, sent just now
  EXPECT_LT(days[0]["day"].get<std::string>(), days[4]["day"].get<std::string>());
  // One day: only today's; the window is bounded.
  EXPECT_EQ(h.call("stats", {{"days", 1}}).output["messages_per_day"].size(), 1u);
  EXPECT_EQ(h.call("stats", {{"days", 0}}).code, "invalid_input");
  EXPECT_EQ(h.call("stats", {{"weeks", 1}}).code, "invalid_input");
}

INSTANTIATE_TEST_SUITE_P(Backends, WhatsAppConversations, ::testing::ValuesIn(test::all_sql_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace linkhub::whatsapp_test
