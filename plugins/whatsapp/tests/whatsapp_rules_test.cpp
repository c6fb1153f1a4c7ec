// The rules checked before any API call: opted-out contacts get nothing, and
// the per-recipient pace and per-number rate, held in the database.
#include "opt_out.hpp"
#include "whatsapp_test_support.hpp"

namespace linkhub::whatsapp_test {
namespace {

const Json kTemplate = {{"to", "+15551234567"}, {"template", {{"name", "hello_world"}, {"language", "en_US"}}}};

TEST(WhatsAppOptOut, OptOutWordsInEveryLanguageMatchWholeMessagesOnly) {
  for (const char* word : {"STOP", "stop", " Stop! ", "PARAR", "parar.", "BERHENTI", "DỪNG", "dừng", "dung", "BAJA",
                           "CANCELAR", "UNSUBSCRIBE", "Unsubscribe", "HỦY", "darme de baja"}) {
    EXPECT_TRUE(whatsapp::is_opt_out(word)) << word;
  }
  for (const char* text : {"stop the order please", "stopping", "hi", "", "BUY A-12", "2", "baja el precio?"}) {
    EXPECT_FALSE(whatsapp::is_opt_out(text)) << text;
  }
  EXPECT_TRUE(whatsapp::is_opt_in("START"));
  EXPECT_TRUE(whatsapp::is_opt_in("Bắt đầu"));
  EXPECT_FALSE(whatsapp::is_opt_in("start over"));
}

TEST(WhatsAppOptOut, AContactWhoSentStopGetsNothingNotEvenATemplate) {
  Harness h;
  const StepResult stop = h.inbound_text("15551234567", "Stop", unix_now_s(), "wamid.stop");
  ASSERT_TRUE(stop.ok()) << stop.error;
  ASSERT_EQ(stop.output["messages"].size(), 1u);
  EXPECT_EQ(stop.output["messages"][0]["opted_out"], true);
  EXPECT_EQ(h.number("SELECT opted_out FROM whatsapp_contacts WHERE wa_id = '15551234567'"), 1);
  EXPECT_GT(h.number("SELECT opted_out_ms FROM whatsapp_contacts WHERE wa_id = '15551234567'"), 0);

  StepResult r = h.call("send", kTemplate, "k1");
  EXPECT_EQ(r.status, LH_ERROR);
  EXPECT_EQ(r.code, "opted_out");
  r = h.call("send", {{"to", "+15551234567"}, {"text", "but why?"}}, "k2");
  EXPECT_EQ(r.code, "opted_out");
  EXPECT_EQ(h.api.calls(), 0);

  // START opts them in again.
  const StepResult start = h.inbound_text("15551234567", "START", unix_now_s(), "wamid.start");
  EXPECT_EQ(start.output["messages"][0]["opted_out"], false);
  EXPECT_EQ(h.number("SELECT opted_in FROM whatsapp_contacts WHERE wa_id = '15551234567'"), 1);
  EXPECT_TRUE(h.call("send", kTemplate, "k3").ok());
  EXPECT_EQ(h.api.calls(), 1);
}

TEST(WhatsAppPace, ASecondMessageToOneContactWithinItsIntervalWaitsAndOthersDoNot) {
  Harness h;
  h.extra_config = {{"recipient_interval_ms", 60000}};
  ASSERT_TRUE(h.call("send", kTemplate, "k1").ok());
  const StepResult again = h.call("send", kTemplate, "k2");
  EXPECT_EQ(again.status, LH_RETRYABLE);
  EXPECT_EQ(again.code, "rate_limited");
  EXPECT_EQ(again.details["reason"], "recipient_pace");
  EXPECT_GT(again.details["retry_after_ms"].get<long long>(), 0);
  EXPECT_LE(again.details["retry_after_ms"].get<long long>(), 60000);
  Json other = kTemplate;
  other["to"] = "+15557654321";
  EXPECT_TRUE(h.call("send", other, "k3").ok());
  EXPECT_EQ(h.api.calls(), 2);
}

// The rate is per second of the clock: a pair of sends may straddle two
// seconds, so the test sends pairs until one falls into a single second
// (bounded: a pair takes milliseconds).
TEST(WhatsAppRate, TheNumbersRateIsHeldInTheDatabaseAndRefusesTheOverflow) {
  Harness h;
  h.extra_config = {{"number_rate_per_second", 1}};
  bool refused = false;
  for (int pair = 0; pair < 5 && !refused; ++pair) {
    for (int i = 0; i < 2 && !refused; ++i) {
      Json to = kTemplate;
      to["to"] = "+1555000" + std::to_string(1000 + pair * 2 + i);
      const StepResult r = h.call("send", to, "k" + std::to_string(pair * 2 + i));
      if (r.status == LH_RETRYABLE) {
        EXPECT_EQ(r.code, "rate_limited");
        EXPECT_EQ(r.details["reason"], "number_rate");
        EXPECT_GT(r.details["retry_after_ms"].get<long long>(), 0);
        EXPECT_LE(r.details["retry_after_ms"].get<long long>(), 1000);
        refused = true;
      } else {
        EXPECT_TRUE(r.ok()) << r.error;
      }
    }
  }
  EXPECT_TRUE(refused);
  // Every refusal happened before the API: it saw only what was admitted.
  EXPECT_EQ(h.api.calls(), h.number("SELECT COUNT(*) FROM whatsapp_sends"));
}

}  // namespace
}  // namespace linkhub::whatsapp_test
