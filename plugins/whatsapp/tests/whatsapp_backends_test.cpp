// The plugin's tables on both databases it supports: a conversation's
// round (a delivery, its repeat, a send, its replay, STOP, a refused send)
// behaves the same on SQLite and on PostgreSQL (LINKHUB_TEST_PG).
#include "test_databases.hpp"
#include "whatsapp_test_support.hpp"

namespace linkhub::whatsapp_test {
namespace {

class WhatsAppBackends : public ::testing::TestWithParam<std::string> {};

TEST_P(WhatsAppBackends, AConversationRoundIsStoredOnceAndTheRulesHold) {
  Harness h;
  h.database = test::fresh_database(GetParam());
  if (h.database.empty()) {
    GTEST_SKIP() << test::postgres_unavailable_reason();
  }
  const std::string hi = text_delivery("15551234567", "hi", unix_now_s(), "wamid.hi");
  StepResult r = h.receive(hi);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["messages"].size(), 1u);
  r = h.receive(hi);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["duplicates"], 1);

  const Json reply = {{"to", "+15551234567"}, {"text", "Hello! Which product?"}};
  const StepResult sent = h.call("send", reply, "run-1/reply");
  ASSERT_TRUE(sent.ok()) << sent.error;
  const StepResult replayed = h.call("send", reply, "run-1/reply");
  ASSERT_TRUE(replayed.ok()) << replayed.error;
  EXPECT_EQ(replayed.output["message_id"], sent.output["message_id"]);
  EXPECT_EQ(replayed.output["replayed"], true);
  EXPECT_EQ(h.api.calls(), 1);

  r = h.receive(text_delivery("15551234567", "PARAR", unix_now_s(), "wamid.stop"));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["messages"][0]["opted_out"], true);
  EXPECT_EQ(h.call("send", reply, "run-1/after-stop").code, "opted_out");
  EXPECT_EQ(h.api.calls(), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, WhatsAppBackends, ::testing::ValuesIn(test::all_sql_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace linkhub::whatsapp_test
