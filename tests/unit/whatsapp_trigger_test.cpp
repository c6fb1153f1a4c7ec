// `triggers: - whatsapp: {...}`: which inbound WhatsApp messages start which
// workflow, and what the validator says about malformed triggers.
#include "http/whatsapp_trigger.hpp"

#include <linkhub/engine/workflow.hpp>

#include <gtest/gtest.h>

namespace linkhub::http {
namespace {

using nlohmann::json;

Workflow load(const std::string& triggers) {
  auto loaded = load_workflow_text(
      "name: t\ntriggers:\n" + triggers + "steps:\n  - id: x\n    uses: core.transform\n    with: { value: 1 }\n",
      "t.yaml");
  EXPECT_TRUE(loaded.workflow.has_value());
  return *loaded.workflow;
}

json text_message(const std::string& text) {
  return json{{"id", "wamid.1"}, {"from", "5511999990000"}, {"type", "text"}, {"text", text}, {"key", "wa:5511"}};
}

TEST(WhatsappTrigger, ABareTriggerTakesEveryMessage) {
  const auto triggers = whatsapp_triggers(load("  - whatsapp:\n").triggers);
  ASSERT_EQ(triggers.size(), 1u);
  EXPECT_TRUE(whatsapp_trigger_matches(triggers[0], text_message("anything")));
  EXPECT_TRUE(whatsapp_trigger_matches(triggers[0], json{{"id", "x"}, {"type", "image"}}));
}

TEST(WhatsappTrigger, TypeAndCaseInsensitiveTextFilter) {
  const auto triggers = whatsapp_triggers(
      load("  - whatsapp: { on: message, type: text, text: \"(?i)^(hi|hello|oi)\\\\b\" }\n").triggers);
  ASSERT_EQ(triggers.size(), 1u);
  EXPECT_TRUE(whatsapp_trigger_matches(triggers[0], text_message("Hello there")));
  EXPECT_TRUE(whatsapp_trigger_matches(triggers[0], text_message("OI")));
  EXPECT_FALSE(whatsapp_trigger_matches(triggers[0], text_message("price?")));
  EXPECT_FALSE(whatsapp_trigger_matches(triggers[0], json{{"id", "x"}, {"type", "image"}}));
}

TEST(WhatsappTrigger, ReplyTitlesAreTheTextOfInteractiveMessages) {
  const auto triggers = whatsapp_triggers(load("  - whatsapp: { type: [interactive, button], text: BUY }\n").triggers);
  ASSERT_EQ(triggers.size(), 1u);
  const json reply{{"id", "x"}, {"type", "interactive"}, {"button", {{"id", "buy-7"}, {"title", "BUY SHIRT"}}}};
  const json list{{"id", "y"}, {"type", "interactive"}, {"list", {{"id", "r1"}, {"title", "Just looking"}}}};
  const json quick{{"id", "z"}, {"type", "button"}, {"button", {{"payload", "p"}, {"text", "BUY NOW"}}}};
  EXPECT_EQ(whatsapp_message_text(reply), "BUY SHIRT");
  EXPECT_TRUE(whatsapp_trigger_matches(triggers[0], reply));
  EXPECT_FALSE(whatsapp_trigger_matches(triggers[0], list));
  EXPECT_TRUE(whatsapp_trigger_matches(triggers[0], quick));
}

TEST(WhatsappTrigger, StatusTriggersTakeNoMessages) {
  const auto triggers = whatsapp_triggers(load("  - whatsapp: { on: status }\n").triggers);
  ASSERT_EQ(triggers.size(), 1u);
  EXPECT_FALSE(whatsapp_trigger_matches(triggers[0], text_message("hi")));
}

TEST(WhatsappTrigger, MalformedTriggersAreReportedWhereTheyAreAndLeftOut) {
  const Workflow wf = load(
      "  - whatsapp: { on: reaction }\n"
      "  - whatsapp: { type: 7 }\n"
      "  - whatsapp: { text: \"(unclosed\" }\n"
      "  - whatsapp: { when: always }\n"
      "  - whatsapp: [message]\n");
  EXPECT_TRUE(whatsapp_triggers(wf.triggers).empty());
  const Diagnostics problems = whatsapp_trigger_problems(wf);
  ASSERT_EQ(problems.size(), 5u);
  EXPECT_NE(problems[0].message.find("expected message or status"), std::string::npos);
  EXPECT_EQ(problems[0].pos.line, 3);
  EXPECT_NE(problems[1].message.find("whatsapp.type"), std::string::npos);
  EXPECT_NE(problems[2].message.find("not a valid regular expression"), std::string::npos);
  EXPECT_NE(problems[3].message.find("unknown whatsapp trigger key 'when'"), std::string::npos);
  EXPECT_NE(problems[4].message.find("expected {on:"), std::string::npos);
  for (const Diagnostic& d : problems) {
    EXPECT_EQ(d.code, "invalid-trigger");
    EXPECT_EQ(d.file, "t.yaml");
  }
}

}  // namespace
}  // namespace linkhub::http
