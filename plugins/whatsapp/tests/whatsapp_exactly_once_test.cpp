// Exactly-once as far as the Cloud API allows: the wamid is recorded under
// the step's idempotency key, and a retried or resumed step returns it
// without calling the API. The one window left (the API accepted the
// message, the record is not written) is shown by killing a sending process
// there: the re-run sends again, and only then.
#include "child_process.hpp"
#include "whatsapp_test_support.hpp"

#include <signal.h>

#include <condition_variable>

namespace linkhub::whatsapp_test {
namespace {

const Json kTemplate = {{"to", "+15551234567"}, {"template", {{"name", "hello_world"}, {"language", "en_US"}}}};

TEST(WhatsAppExactlyOnce, ARetriedStepReturnsTheRecordedWamidWithoutCallingTheApi) {
  Harness h;
  const StepResult first = h.call("send", kTemplate, "run-7/notify");
  ASSERT_TRUE(first.ok()) << first.error;
  EXPECT_EQ(first.output["replayed"], false);
  h.api.answer(500, "must not be called");
  for (int attempt = 0; attempt < 3; ++attempt) {
    const StepResult again = h.call("send", kTemplate, "run-7/notify");
    ASSERT_TRUE(again.ok()) << again.error;
    EXPECT_EQ(again.output["message_id"], first.output["message_id"]);
    EXPECT_EQ(again.output["replayed"], true);
  }
  EXPECT_EQ(h.api.calls(), 1);
  EXPECT_EQ(h.number("SELECT COUNT(*) FROM whatsapp_sends"), 1);
  EXPECT_EQ(h.number("SELECT COUNT(*) FROM whatsapp_messages WHERE direction = 'out' AND status = 'accepted'"), 1);
}

TEST(WhatsAppExactlyOnce, AKeyReusedForAnotherMessageIsAConflictNotASend) {
  Harness h;
  ASSERT_TRUE(h.call("send", kTemplate, "run-7/notify").ok());
  Json other = kTemplate;
  other["template"]["name"] = "other_template";
  const StepResult r = h.call("send", other, "run-7/notify");
  EXPECT_EQ(r.code, "conflict");
  EXPECT_EQ(h.api.calls(), 1);
}

TEST(WhatsAppExactlyOnce, AFailedSendRecordsNothingAndItsRetrySends) {
  Harness h;
  h.api.answer(503, "");
  EXPECT_EQ(h.call("send", kTemplate, "run-8/notify").status, LH_RETRYABLE);
  EXPECT_EQ(h.number("SELECT COUNT(*) FROM whatsapp_sends"), 0);
  const StepResult retry = h.call("send", kTemplate, "run-8/notify");
  ASSERT_TRUE(retry.ok()) << retry.error;
  EXPECT_EQ(retry.output["replayed"], false);
  EXPECT_EQ(h.api.calls(), 2);
}

// The stand-in kills the sending process when its request arrives: the API
// has the message, the process never records it. Deterministic: the kill
// happens before any answer leaves.
TEST(WhatsAppExactlyOnce, AProcessKilledAfterTheApiAcceptedSendsAgainOnlyInThatWindow) {
  Harness h;
  std::mutex mutex;
  std::condition_variable started;
  pid_t child_pid = -1;
  int killed = 0;
  h.api.before_answer([&] {
    std::unique_lock lock(mutex);
    started.wait_for(lock, std::chrono::seconds(30), [&] { return child_pid > 0; });
    if (child_pid > 0) {
      ::kill(child_pid, SIGKILL);
      ++killed;
    }
  });
  const Json spec = {
      {"config", h.config()}, {"secrets", {{"WHATSAPP_TOKEN", kToken}}}, {"key", "run-9/notify"}, {"input", kTemplate}};
  {
    test::ChildProcess child({LINKHUB_WHATSAPP_SEND_CHILD,
                              (fs::path(LINKHUB_PLUGIN_BUILD_DIR) / "linkhub_whatsapp.so").string(), spec.dump()});
    {
      std::lock_guard lock(mutex);
      child_pid = child.pid();
    }
    started.notify_all();
    const test::ChildProcess::Status status = child.wait();
    EXPECT_EQ(status.signal, SIGKILL) << child.transcript();
  }
  h.api.before_answer(nullptr);
  EXPECT_EQ(killed, 1);
  EXPECT_EQ(h.api.calls(), 1);                                    // the API has the message
  EXPECT_EQ(h.number("SELECT COUNT(*) FROM whatsapp_sends"), 0);  // the record was never written

  // The engine runs the step again (a resume after the crash): in this window it sends again ...
  StepResult rerun = h.call("send", kTemplate, "run-9/notify");
  ASSERT_TRUE(rerun.ok()) << rerun.error;
  EXPECT_EQ(rerun.output["replayed"], false);
  EXPECT_EQ(h.api.calls(), 2);
  // ... and only there: from now on the record answers.
  rerun = h.call("send", kTemplate, "run-9/notify");
  ASSERT_TRUE(rerun.ok()) << rerun.error;
  EXPECT_EQ(rerun.output["replayed"], true);
  EXPECT_EQ(h.api.calls(), 2);
}

}  // namespace
}  // namespace linkhub::whatsapp_test
