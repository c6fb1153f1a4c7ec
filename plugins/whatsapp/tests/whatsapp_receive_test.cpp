// whatsapp.receive and whatsapp.webhook_verify: Meta's signature (the
// published vector, wrong and missing ones), every payload shape in the
// fixtures as typed records, several entries and changes per delivery,
// repeated deliveries dropped, contacts and statuses stored.
#include "signature.hpp"
#include "webhook_payload.hpp"
#include "whatsapp_test_support.hpp"

namespace linkhub::whatsapp_test {
namespace {

TEST(WhatsAppSignature, ThePublishedVectorVerifies) {
  for (const Json& v : fixture_json("whatsapp_x_hub_signature_256_vectors.json")["test_vectors"]) {
    const std::string secret = v["app_secret"];
    const std::string body = v["request_body_utf8"];
    const std::string header = "sha256=" + v["expected_hex_digest"].get<std::string>();
    EXPECT_EQ(whatsapp::webhook_signature(secret, body), header);
    EXPECT_TRUE(whatsapp::signature_matches(secret, body, header));
    EXPECT_FALSE(whatsapp::signature_matches(secret, body + " ", header));
    EXPECT_FALSE(whatsapp::signature_matches("other", body, header));
    EXPECT_FALSE(whatsapp::signature_matches(secret, body, header.substr(7)));  // no prefix
    EXPECT_FALSE(whatsapp::signature_matches(secret, body, header.substr(0, header.size() - 2)));
    EXPECT_FALSE(whatsapp::signature_matches(secret, body, "sha1=" + header.substr(7)));
    EXPECT_FALSE(whatsapp::signature_matches("", body, header));
  }
}

TEST(WhatsAppReceive, ABadOrMissingSignatureIsUnauthorizedAndStoresNothing) {
  Harness h;
  const std::string body = text_delivery("15551234567", "hi", unix_now_s(), "wamid.a");
  for (const std::string& signature : {sign("wrong secret", body), std::string("sha256=") + std::string(64, '0'),
                                       std::string("garbage"), std::string()}) {
    const StepResult r = h.call("receive", {{"body", body}, {"signature", signature}});
    EXPECT_EQ(r.status, LH_ERROR) << signature;
    EXPECT_EQ(r.code, "unauthorized") << signature;
    expect_no_secret(r);
  }
  EXPECT_EQ(h.call("receive", {{"body", body}}).code, "unauthorized");
  // Nothing stored: the tables may not even exist yet.
  EXPECT_LE(h.number("SELECT COUNT(*) FROM whatsapp_messages"), 0);
  EXPECT_LE(h.number("SELECT COUNT(*) FROM whatsapp_contacts"), 0);
  // A good signature over a body that is not JSON gets past the check and fails as bad input.
  const StepResult not_json = h.call("receive", {{"body", "test"}, {"signature", sign(kAppSecret, "test")}});
  EXPECT_EQ(not_json.code, "invalid_input") << not_json.error;
}

// Every case of every webhook fixture, in a database of its own.
StepResult receive_case(const std::string& fixture, const std::string& name) {
  Harness h;
  const StepResult r = h.receive(fixture_json(fixture).at(name).dump());
  EXPECT_TRUE(r.ok()) << fixture << " " << name << ": " << r.error;
  return r;
}

Json only_message(const StepResult& r) {
  EXPECT_EQ(r.output["messages"].size(), 1u) << r.output.dump();
  return r.output["messages"].empty() ? Json::object() : r.output["messages"][0];
}

TEST(WhatsAppReceive, EveryInboundMessageFixtureIsATypedRecord) {
  const std::string file = "whatsapp_webhook_pywa_message.json";
  const Json all = fixture_json(file);
  for (const auto& [name, delivery] : all.items()) {
    const Json m = only_message(receive_case(file, name));
    SCOPED_TRACE(name + ": " + m.dump());
    const Json& raw = delivery["entry"][0]["changes"][0]["value"]["messages"][0];
    EXPECT_EQ(m["id"], raw["id"]);
    EXPECT_EQ(m["from"], raw["from"]);
    EXPECT_EQ(m["key"], "wa:" + raw["from"].get<std::string>());
    EXPECT_EQ(m["opted_out"], false);
    EXPECT_EQ(m["timestamp"], std::stoll(raw["timestamp"].get<std::string>()));
    EXPECT_EQ(m["profile_name"], "Test Name");
    const std::string type = raw.value("type", "");
    EXPECT_EQ(m["type"], type);
    if (type == "text") {
      EXPECT_EQ(m["text"], raw["text"]["body"]);
    } else if (type == "image" || type == "video" || type == "document" || type == "audio" || type == "sticker") {
      EXPECT_EQ(m[type]["id"], raw[type]["id"]);
      EXPECT_EQ(m[type]["mime_type"], raw[type]["mime_type"]);
    } else if (type == "location") {
      EXPECT_EQ(m["location"]["latitude"], raw["location"]["latitude"]);
      EXPECT_EQ(m["location"]["longitude"], raw["location"]["longitude"]);
    } else if (type == "contacts") {
      EXPECT_EQ(m["contacts"].size(), raw["contacts"].size());
      EXPECT_EQ(m["contacts"][0]["name"]["formatted_name"], raw["contacts"][0]["name"]["formatted_name"]);
    } else if (type == "reaction") {
      EXPECT_EQ(m["reaction"]["message_id"], raw["reaction"]["message_id"]);
    } else if (type == "order") {
      EXPECT_EQ(m["order"]["product_items"], raw["order"]["product_items"]);
    } else if (type == "unsupported") {
      EXPECT_EQ(m["errors"][0]["code"], 131051);
    }
    if (raw.contains("context")) {
      EXPECT_TRUE(m.contains("context"));
    }
  }
  // The typed fields the issue names, spelled out.
  EXPECT_EQ(only_message(receive_case(file, "voice"))["audio"]["voice"], true);
  EXPECT_EQ(only_message(receive_case(file, "chosen_location"))["location"]["name"], "Facebook HQ");
  EXPECT_EQ(only_message(receive_case(file, "referral"))["referral"]["ctwa_clid"], "CTWA_CLID");
}

TEST(WhatsAppReceive, ButtonListAndQuickReplyFixturesCarryWhatWasTapped) {
  const std::string buttons = "whatsapp_webhook_pywa_callback_button.json";
  EXPECT_EQ(only_message(receive_case(buttons, "button"))["button"],
            (Json{{"id", "callback_data"}, {"title", "title"}}));
  for (const char* name : {"quick_reply", "quick_reply_without_context"}) {
    const Json m = only_message(receive_case(buttons, name));
    EXPECT_EQ(m["type"], "button");
    EXPECT_EQ(m["button"], (Json{{"payload", "callback_data"}, {"text", "title"}}));
  }
  const std::string lists = "whatsapp_webhook_pywa_callback_selection.json";
  EXPECT_EQ(only_message(receive_case(lists, "callback"))["list"], (Json{{"id", "callback_data"}, {"title", "title"}}));
  EXPECT_EQ(only_message(receive_case(lists, "description"))["list"]["description"], "description");
}

TEST(WhatsAppReceive, EveryStatusFixtureIsStoredWithItsErrors) {
  const std::string file = "whatsapp_webhook_pywa_message_status.json";
  const Json all = fixture_json(file);
  for (const auto& [name, delivery] : all.items()) {
    const StepResult r = receive_case(file, name);
    SCOPED_TRACE(name + ": " + r.output.dump());
    ASSERT_EQ(r.output["statuses"].size(), 1u);
    const Json& raw = delivery["entry"][0]["changes"][0]["value"]["statuses"][0];
    EXPECT_EQ(r.output["statuses"][0]["status"], raw["status"]);
    EXPECT_EQ(r.output["statuses"][0]["id"], raw["id"]);
    EXPECT_TRUE(r.output["messages"].empty());
  }
  const StepResult failed = receive_case(file, "failed");
  EXPECT_EQ(failed.output["statuses"][0]["errors"][0]["code"], 130472);
  EXPECT_NE(failed.output["statuses"][0]["errors"][0]["details"].get<std::string>().find("experiment"),
            std::string::npos);
}

TEST(WhatsAppReceive, StatusesMoveASentMessageForwardOnly) {
  Harness h;
  const StepResult sent = h.call("send", {{"to", "+972987654321"}, {"template", {{"name", "t"}, {"language", "en"}}}});
  ASSERT_TRUE(sent.ok()) << sent.error;
  const std::string wamid = sent.output["message_id"];
  const Json statuses = fixture_json("whatsapp_webhook_pywa_message_status.json");
  for (const char* name : {"sent", "read", "delivered"}) {  // delivered arrives after read: read stays
    Json delivery = statuses[name];
    delivery["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = wamid;
    ASSERT_TRUE(h.receive(delivery.dump()).ok());
  }
  EXPECT_EQ(h.number("SELECT COUNT(*) FROM whatsapp_message_statuses WHERE wamid = '" + wamid + "'"), 3);
  EXPECT_EQ(h.number("SELECT COUNT(*) FROM whatsapp_messages WHERE wamid = '" + wamid + "' AND status = 'read'"), 1);
}

TEST(WhatsAppReceive, SeveralEntriesAndChangesInOneDeliveryAreAllRead) {
  Harness h;
  const Json text = fixture_json("whatsapp_webhook_pywa_message.json")["text"];
  const Json button = fixture_json("whatsapp_webhook_pywa_callback_button.json")["quick_reply"];
  const Json status = fixture_json("whatsapp_webhook_pywa_message_status.json")["delivered"];
  Json delivery = text;
  delivery["entry"].push_back(button["entry"][0]);                              // a second entry
  delivery["entry"][0]["changes"].push_back(status["entry"][0]["changes"][0]);  // a second change
  const StepResult r = h.receive(delivery.dump());
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.output["messages"].size(), 2u);
  EXPECT_EQ(r.output["messages"][0]["text"], "Body Text");
  EXPECT_EQ(r.output["messages"][1]["button"]["payload"], "callback_data");
  EXPECT_EQ(r.output["statuses"].size(), 1u);
  EXPECT_EQ(r.output["duplicates"], 0);
}

TEST(WhatsAppReceive, ARepeatedDeliveryIsDroppedByMessageId) {
  Harness h;
  const std::string body = text_delivery("15551234567", "hi", unix_now_s(), "wamid.once");
  const StepResult first = h.receive(body);
  ASSERT_TRUE(first.ok()) << first.error;
  EXPECT_EQ(first.output["messages"].size(), 1u);
  const StepResult second = h.receive(body);
  ASSERT_TRUE(second.ok()) << second.error;
  EXPECT_TRUE(second.output["messages"].empty());
  EXPECT_EQ(second.output["duplicates"], 1);
  EXPECT_EQ(h.number("SELECT COUNT(*) FROM whatsapp_messages WHERE direction = 'in'"), 1);
}

TEST(WhatsAppReceive, ContactsKeepTheirProfileNameAndLastInboundTime) {
  Harness h;
  const long long at = unix_now_s() - 120;
  ASSERT_TRUE(h.receive(text_delivery("15551234567", "hi", at, "wamid.1", "Ana Souza")).ok());
  ASSERT_TRUE(h.receive(text_delivery("15551234567", "older", at - 600, "wamid.0", "Ana Souza")).ok());
  EXPECT_EQ(h.number("SELECT COUNT(*) FROM whatsapp_contacts WHERE profile_name = 'Ana Souza'"), 1);
  EXPECT_EQ(h.number("SELECT last_inbound_ms FROM whatsapp_contacts WHERE wa_id = '15551234567'"), at * 1000);
}

TEST(WhatsAppReceive, ABodyThatIsNotAnObjectIsBadInputAndOddShapesAreSkipped) {
  EXPECT_THROW(whatsapp::parse_webhook_payload("[1,2]"), whatsapp::WebhookPayloadError);
  EXPECT_THROW(whatsapp::parse_webhook_payload("{"), whatsapp::WebhookPayloadError);
  const auto odd = whatsapp::parse_webhook_payload(
      R"({"entry": [1, {"changes": [null, {"value": {"messages": [{"id": 5}, {"from": "1"}, "x"],
          "statuses": [{"id": "wamid.s"}], "contacts": [{"wa_id": 3}]}}]}]})");
  EXPECT_TRUE(odd.messages.empty());
  EXPECT_TRUE(odd.statuses.empty());
}

TEST(WhatsAppWebhookVerify, AnswersTheChallengeOnlyForSubscribeWithTheToken) {
  Harness h;
  StepResult r =
      h.call("webhook_verify", {{"mode", "subscribe"}, {"verify_token", kVerifyToken}, {"challenge", "1158201444"}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output, (Json{{"ok", true}, {"challenge", "1158201444"}}));
  for (const Json& input : {Json{{"mode", "subscribe"}, {"verify_token", "wrong"}, {"challenge", "1"}},
                            Json{{"mode", "unsubscribe"}, {"verify_token", kVerifyToken}, {"challenge", "1"}},
                            Json{{"mode", "subscribe"}, {"challenge", "1"}}}) {
    r = h.call("webhook_verify", input);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.output, (Json{{"ok", false}, {"challenge", ""}})) << input.dump();
  }
  FakeContext ctx;
  h.prepare(ctx);
  ctx.secrets.erase("WHATSAPP_VERIFY_TOKEN");
  r = h.call_with(ctx, "webhook_verify", {{"mode", "subscribe"}, {"verify_token", ""}, {"challenge", "1"}});
  EXPECT_EQ(r.output["ok"], false);
}

}  // namespace
}  // namespace linkhub::whatsapp_test
