// whatsapp.send against the loopback Cloud API stand-in: every message kind's
// request body as Meta documents it (the fixtures), the wamid it returns,
// input checks that stop a message before the API, and the 24-hour rule.
#include "whatsapp_test_support.hpp"

namespace linkhub::whatsapp_test {
namespace {

constexpr const char* kTo = "+1 555 123 4567";
constexpr const char* kToDigits = "15551234567";

// A documented example with its placeholder recipient (and, where the API
// needs a real URL, its placeholder link) made concrete.
Json documented(const std::string& fixture) {
  std::string text = read_fixture(fixture);
  for (const std::string placeholder : {"http(s)://image-url", "http(s)://the-image-url"}) {
    for (size_t at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder)) {
      text.replace(at, placeholder.size(), "https://example.com/image.jpg");
    }
  }
  Json body = Json::parse(text);
  body["to"] = kToDigits;
  return body;
}

// Lets kTo receive free-form messages: they wrote a minute ago.
void open_window(const Harness& h) {
  ASSERT_TRUE(h.inbound_text(kToDigits, "hi", unix_now_s() - 60, "wamid.window-opener").ok());
}

class WhatsAppSend : public ::testing::Test {
 protected:
  void SetUp() override { open_window(h); }

  // Sends `input` (with kTo) and returns what the stand-in received.
  Json sent_body(Json input) {
    input["to"] = kTo;
    const StepResult r = h.call("send", input, "run-1/" + std::to_string(++sends_));
    EXPECT_TRUE(r.ok()) << r.error;
    expect_no_secret(r);
    return h.api.last_body();
  }

  Harness h;
  int sends_ = 0;
};

TEST_F(WhatsAppSend, ATextMessageIsTheDocumentedBody) {
  EXPECT_EQ(sent_body({{"text", {{"body", "text-message-content"}, {"preview_url", false}}}}),
            documented("whatsapp_send_text_request.json"));
  EXPECT_EQ(sent_body({{"text", "text-message-content"}}), documented("whatsapp_send_text_request.json"));
  EXPECT_EQ(sent_body({{"text", {{"body", "see https://example.com"}, {"preview_url", true}}}})["text"]["preview_url"],
            true);
}

TEST_F(WhatsAppSend, AnImageByLinkIsTheDocumentedBody) {
  EXPECT_EQ(sent_body({{"image", {{"link", "https://example.com/image.jpg"}}}}),
            documented("whatsapp_send_image_link_request.json"));
}

TEST_F(WhatsAppSend, AStoredArtifactIsUploadedAndSentByItsMediaId) {
  test::TempDir dir;
  const fs::path file = dir.path() / "cover.jpg";
  std::ofstream(file, std::ios::binary) << "\xff\xd8\xff\xe0 not really a jpeg";
  FakeContext ctx;
  h.prepare(ctx, "run-1/artifact");
  const std::string hash = ctx.put_artifact(file, "image/jpeg")["hash"];
  const StepResult r = h.call_with(ctx, "send", {{"to", kTo}, {"image", {{"artifact", hash}, {"caption", "New!"}}}});
  ASSERT_TRUE(r.ok()) << r.error;
  const auto uploads = h.api.uploads();
  ASSERT_EQ(uploads.size(), 1u);
  EXPECT_EQ(uploads[0].headers.at("Authorization"), std::string("Bearer ") + kToken);
  EXPECT_EQ(uploads[0].headers.at("Content-Type").rfind("multipart/form-data; boundary=", 0), 0u);
  EXPECT_NE(uploads[0].body.find("name=\"messaging_product\"\r\n\r\nwhatsapp"), std::string::npos);
  EXPECT_NE(uploads[0].body.find("Content-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0 not really a jpeg\r\n"),
            std::string::npos);
  EXPECT_EQ(h.api.last_body()["image"], (Json{{"id", kMediaId}, {"caption", "New!"}}));

  const StepResult missing =
      h.call("send", {{"to", kTo}, {"image", {{"artifact", "sha256:" + std::string(64, 'a')}}}}, "run-1/missing");
  EXPECT_EQ(missing.code, "not_found") << missing.error;
  const StepResult both = h.call(
      "send", {{"to", kTo}, {"image", {{"artifact", hash}, {"link", "https://example.com/a.jpg"}}}}, "run-1/both");
  EXPECT_EQ(both.code, "invalid_input") << both.error;
}

TEST_F(WhatsAppSend, ReplyButtonsAreTheDocumentedBody) {
  EXPECT_EQ(sent_body({{"buttons",
                        {{"body", "<BUTTON_TEXT>"},
                         {"buttons",
                          {{{"id", "<UNIQUE_BUTTON_ID_1>"}, {"title", "<BUTTON_TITLE_1>"}},
                           {{"id", "<UNIQUE_BUTTON_ID_2>"}, {"title", "<BUTTON_TITLE_2>"}}}}}}}),
            documented("whatsapp_send_reply_buttons_request.json"));
}

TEST_F(WhatsAppSend, AListIsTheDocumentedBody) {
  Json sections = Json::array();
  for (int s = 1; s <= 2; ++s) {
    const std::string n = std::to_string(s);
    Json rows = Json::array();
    for (int r = 1; r <= 2; ++r) {
      const std::string m = std::to_string(r);
      rows.push_back({{"id", "<LIST_SECTION_" + n + "_ROW_" + m + "_ID>"},
                      {"title", "<SECTION_" + n + "_ROW_" + m + "_TITLE>"},
                      {"description", "<SECTION_" + n + "_ROW_" + m + "_DESC>"}});
    }
    sections.push_back({{"title", "<LIST_SECTION_" + n + "_TITLE>"}, {"rows", rows}});
  }
  EXPECT_EQ(sent_body({{"list",
                        {{"header", "<HEADER_TEXT>"},
                         {"body", "<BODY_TEXT>"},
                         {"footer", "<FOOTER_TEXT>"},
                         {"button", "<BUTTON_TEXT>"},
                         {"sections", sections}}}}),
            documented("whatsapp_send_list_request.json"));
}

Json template_body_parameters() {
  return documented("whatsapp_send_template_text_request.json")["template"]["components"][0]["parameters"];
}

TEST_F(WhatsAppSend, TemplatesAreTheDocumentedBodies) {
  Json body = template_body_parameters();
  body[0] = "text-string";  // a plain string is a text parameter
  EXPECT_EQ(
      sent_body({{"template", {{"name", "template-name"}, {"language", "language-and-locale-code"}, {"body", body}}}}),
      documented("whatsapp_send_template_text_request.json"));
  EXPECT_EQ(sent_body({{"template",
                        {{"name", "template-name"},
                         {"language", "language-and-locale-code"},
                         {"header", {{{"type", "image"}, {"image", {{"link", "https://example.com/image.jpg"}}}}}},
                         {"body", body}}}}),
            documented("whatsapp_send_template_media_request.json"));
}

TEST_F(WhatsAppSend, TemplateButtonsCarryTheirIndexAndSubType) {
  const Json sent = sent_body({{"template",
                                {{"name", "order_update"},
                                 {"language", "pt_BR"},
                                 {"buttons", {{{"index", 0}, {"sub_type", "url"}, {"parameters", {"A-1001"}}}}}}}});
  EXPECT_EQ(sent["template"]["components"][0], (Json{{"type", "button"},
                                                     {"sub_type", "url"},
                                                     {"index", "0"},
                                                     {"parameters", {{{"type", "text"}, {"text", "A-1001"}}}}}));
}

TEST_F(WhatsAppSend, AProductCardIsAnImageHeaderABodyAndButtons) {
  const Json sent =
      sent_body({{"product",
                  {{"image", "https://shop.example/media/abc?exp=1&sig=x"},
                   {"body", "Red sneakers - $59.99"},
                   {"buttons", {{{"id", "buy:42"}, {"title", "Buy"}}, {{"id", "more:42"}, {"title", "More"}}}}}}});
  EXPECT_EQ(sent["type"], "interactive");
  EXPECT_EQ(sent["interactive"]["type"], "button");
  EXPECT_EQ(sent["interactive"]["header"],
            (Json{{"type", "image"}, {"image", {{"link", "https://shop.example/media/abc?exp=1&sig=x"}}}}));
  EXPECT_EQ(sent["interactive"]["body"]["text"], "Red sneakers - $59.99");
  EXPECT_EQ(sent["interactive"]["action"]["buttons"].size(), 2u);
}

TEST_F(WhatsAppSend, ADocumentHasItsLinkCaptionAndFilename) {
  const Json sent =
      sent_body({{"document", {{"link", "https://example.com/a.pdf"}, {"caption", "Invoice"}, {"filename", "a.pdf"}}},
                 {"reply_to", "wamid.previous"}});
  EXPECT_EQ(sent["document"],
            (Json{{"link", "https://example.com/a.pdf"}, {"caption", "Invoice"}, {"filename", "a.pdf"}}));
  EXPECT_EQ(sent["context"], (Json{{"message_id", "wamid.previous"}}));
}

TEST_F(WhatsAppSend, SendsWithTheTokenAsBearerToTheNumbersEndpoint) {
  sent_body({{"text", "hello"}});
  const auto requests = h.api.requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.back().method, "POST");
  EXPECT_EQ(requests.back().path, kMessagesPath);
  EXPECT_EQ(requests.back().headers.at("Authorization"), std::string("Bearer ") + kToken);
  EXPECT_EQ(requests.back().headers.at("Content-Type"), "application/json");
}

TEST_F(WhatsAppSend, ReturnsTheWamidTheApiAnswered) {
  for (const char* fixture : {"whatsapp_send_message_success_response_openapi.json",
                              "whatsapp_send_message_success_response_nodejs_sdk.json"}) {
    h.api.answer(200, read_fixture(fixture));
    const StepResult r = h.call("send", {{"to", kTo}, {"text", "hello"}}, std::string("run-1/") + fixture);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.output["message_id"], fixture_json(fixture)["messages"][0]["id"]) << fixture;
    EXPECT_EQ(r.output["to"], "+15551234567");
    EXPECT_EQ(r.output["type"], "text");
    EXPECT_EQ(r.output["replayed"], false);
  }
}

TEST_F(WhatsAppSend, InputTheApiWouldRefuseNeverLeaves) {
  const Json four_buttons = {{"body", "b"},
                             {"buttons",
                              {{{"id", "1"}, {"title", "a"}},
                               {{"id", "2"}, {"title", "b"}},
                               {{"id", "3"}, {"title", "c"}},
                               {{"id", "4"}, {"title", "d"}}}}};
  Json eleven_rows = Json::array();
  for (int i = 0; i < 11; ++i) {
    eleven_rows.push_back({{"id", std::to_string(i)}, {"title", "row"}});
  }
  const std::vector<std::pair<Json, std::string>> cases = {
      {{{"to", "12"}, {"text", "x"}}, "`to`"},
      {{{"to", "+0 555 1234 567"}, {"text", "x"}}, "`to`"},
      {{{"to", "+1555abc4567"}, {"text", "x"}}, "`to`"},
      {{{"to", kTo}}, "one message kind"},
      {{{"to", kTo}, {"text", "x"}, {"image", {{"link", "https://e.com/a.jpg"}}}}, "one message kind per step"},
      {{{"to", kTo}, {"buttons", four_buttons}}, "`buttons.buttons`"},
      {{{"to", kTo}, {"buttons", {{"body", "b"}, {"buttons", {{{"id", "1"}, {"title", "twenty-one characters"}}}}}}},
       "`buttons.buttons[0].title` must be at most 20 characters"},
      {{{"to", kTo},
        {"buttons", {{"body", "b"}, {"buttons", {{{"id", "1"}, {"title", "a"}}, {{"id", "1"}, {"title", "b"}}}}}}},
       "repeats the id"},
      {{{"to", kTo},
        {"list", {{"body", "b"}, {"button", "Pick"}, {"sections", {{{"title", "s"}, {"rows", eleven_rows}}}}}}},
       "at most 10 rows"},
      {{{"to", kTo}, {"image", {{"link", "file:///etc/passwd"}}}}, "`image.link`"},
      {{{"to", kTo}, {"text", std::string(4097, 'a')}}, "at most 4096"},
      {{{"to", kTo}, {"template", {{"name", "t"}}}}, "`template.language` is required"},
  };
  for (const auto& [input, expected] : cases) {
    const StepResult r = h.call("send", input);
    EXPECT_EQ(r.status, LH_ERROR) << input.dump();
    EXPECT_EQ(r.code, "invalid_input") << input.dump();
    EXPECT_NE(r.error.find(expected), std::string::npos) << r.error;
  }
  EXPECT_EQ(h.api.calls(), 0);
}

TEST(WhatsAppSendWindow, OutsideTheWindowOnlyATemplateGoesAndNothingCallsTheApi) {
  Harness h;
  const Json text = {{"to", kTo}, {"text", "hello"}};
  // Never wrote.
  StepResult r = h.call("send", text, "k1");
  EXPECT_EQ(r.status, LH_ERROR);
  EXPECT_EQ(r.code, "forbidden");
  EXPECT_EQ(r.details["reason"], "outside_24h_window");
  EXPECT_NE(r.error.find("template"), std::string::npos) << r.error;
  // Wrote 25 hours ago.
  ASSERT_TRUE(h.inbound_text(kToDigits, "hello?", unix_now_s() - 25 * 3600, "wamid.old").ok());
  r = h.call("send", text, "k2");
  EXPECT_EQ(r.code, "forbidden") << r.error;
  EXPECT_EQ(h.api.calls(), 0);
  // A template goes.
  r = h.call("send", {{"to", kTo}, {"template", {{"name", "hello_world"}, {"language", "en_US"}}}}, "k3");
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(h.api.calls(), 1);
  // Wrote just now: free-form goes.
  ASSERT_TRUE(h.inbound_text(kToDigits, "yes", unix_now_s(), "wamid.new").ok());
  r = h.call("send", text, "k4");
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(h.api.calls(), 2);
}

TEST(WhatsAppSendConfig, SaysWhichSettingOrSecretIsMissingWithoutAValue) {
  Harness h;
  FakeContext ctx;
  h.prepare(ctx);
  ctx.secrets.erase("WHATSAPP_TOKEN");
  StepResult r = h.call_with(ctx, "send", {{"to", kTo}, {"template", {{"name", "t"}, {"language", "en"}}}});
  EXPECT_EQ(r.code, "unauthorized");
  EXPECT_NE(r.error.find("WHATSAPP_TOKEN"), std::string::npos);
  h.prepare(ctx);
  ctx.plugin_config.erase("phone_number_id");
  r = h.call_with(ctx, "send", {{"to", kTo}, {"template", {{"name", "t"}, {"language", "en"}}}});
  EXPECT_EQ(r.code, "invalid_input");
  EXPECT_NE(r.error.find("LINKHUB_PLUGIN_WHATSAPP_PHONE_NUMBER_ID"), std::string::npos) << r.error;
  h.prepare(ctx);
  ctx.plugin_config["recipient_interval_ms"] = "soon";
  r = h.call_with(ctx, "send", {{"to", kTo}, {"template", {{"name", "t"}, {"language", "en"}}}});
  EXPECT_EQ(r.code, "invalid_input");
  EXPECT_NE(r.error.find("LINKHUB_PLUGIN_WHATSAPP_RECIPIENT_INTERVAL_MS"), std::string::npos) << r.error;
  EXPECT_EQ(h.api.calls(), 0);
}

TEST(WhatsAppLink, BuildsAnEncodedWaMeLink) {
  Harness h;
  StepResult r = h.call("link", {{"to", "+1 (555) 123-4567"}, {"text", "Hi! I want BUY A-12 & café?"}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["url"], "https://wa.me/15551234567?text=Hi%21%20I%20want%20BUY%20A-12%20%26%20caf%C3%A9%3F");
  EXPECT_EQ(r.output["to"], "+15551234567");
  r = h.call("link", {{"to", "+15551234567"}});
  EXPECT_EQ(r.output["url"], "https://wa.me/15551234567");
  r = h.call("link", {{"to", "555-CALL-NOW"}});
  EXPECT_EQ(r.code, "invalid_input");
}

}  // namespace
}  // namespace linkhub::whatsapp_test
