// POST /api/v1/events/{key} on a real `linkhub serve` (in this process): a
// run triggered over the API parks in core.wait_for, shows as waiting with
// its key and deadline, and the event posted for its key resumes it on the
// server's node. Keys nobody waits on, malformed keys, repeats and roles.
#include "run_polling.hpp"
#include "serve_fixture.hpp"

namespace linkhub {
namespace {

constexpr const char* kAsk = R"(name: ask
inputs:
  from: { type: string }
steps:
  - id: answer
    uses: core.wait_for
    with: { key: "wa:${{ inputs.from }}", timeout: 24h }
  - id: reply
    uses: core.transform
    needs: [answer]
    with: { value: "you said ${{ steps.answer.outputs.event.text }}" }
outputs:
  reply: "${{ steps.reply.outputs.value }}"
)";

class WaitEventsApiTest : public test::ServeTest {};

TEST_F(WaitEventsApiTest, AnEventPostedForItsKeyResumesTheWaitingRun) {
  write("workflows/ask.yaml", kAsk);
  start();
  const std::string id = trigger("ask", R"({"inputs": {"from": "4915550003"}})");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(test::poll_run_status(*store_, id, RunStatus::Waiting)) << "the run never parked";

  const auto shown = get("/api/v1/runs/" + id);
  ASSERT_EQ(shown.status, 200) << shown.body;
  const auto run = shown.json();
  EXPECT_EQ(run["status"], "waiting");
  ASSERT_EQ(run["waits"].size(), 1u) << shown.body;
  EXPECT_EQ(run["waits"][0]["step"], "answer");
  EXPECT_EQ(run["waits"][0]["key"], "wa:4915550003");
  EXPECT_EQ(run["waits"][0]["state"], "waiting");
  EXPECT_GT(run["waits"][0]["deadline_ms"].get<int64_t>(), now_ms());
  const auto listed = get("/api/v1/runs?status=waiting");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json()["runs"].size(), 1u);
  EXPECT_EQ(listed.json()["runs"][0]["id"], id);

  const auto nobody = post("/api/v1/events/wa:nobody", R"({"text": "hi"})");
  EXPECT_EQ(nobody.status, 404) << nobody.body;
  EXPECT_EQ(nobody.json()["error"]["code"], "no_waiting_run");
  for (const std::string& key : {std::string("has%20space"), std::string(201, 'k'), std::string("a%2Fb")}) {
    const auto bad = post("/api/v1/events/" + key, "{}");
    EXPECT_EQ(bad.status, 400) << key << ": " << bad.body;
    EXPECT_EQ(bad.json()["error"]["code"], "bad_key") << key;
  }
  const auto not_json = post("/api/v1/events/wa:4915550003", "{oops");
  EXPECT_EQ(not_json.status, 400) << not_json.body;
  const auto viewer = client_with(make_key("viewer"))->post_json("/api/v1/events/wa:4915550003", "{}");
  EXPECT_EQ(viewer.status, 403) << viewer.body;
  EXPECT_EQ(store_->get_run(id)->status, RunStatus::Waiting) << "refused requests delivered nothing";

  const auto delivered = post("/api/v1/events/wa:4915550003", R"({"text": "2"})");
  ASSERT_EQ(delivered.status, 202) << delivered.body;
  EXPECT_EQ(delivered.json()["delivered"], true);
  EXPECT_EQ(delivered.json()["run_id"], id);
  EXPECT_EQ(delivered.json()["step"], "answer");
  EXPECT_EQ(delivered.header("location"), "/api/v1/runs/" + id);
  wait_finished(id);
  const auto done = get("/api/v1/runs/" + id).json();
  EXPECT_EQ(done["status"], "succeeded") << done.dump();
  EXPECT_EQ(done["outputs"]["reply"], "you said 2");
  EXPECT_FALSE(done.contains("waits")) << "a finished run waits for nothing";

  const auto again = post("/api/v1/events/wa:4915550003", R"({"text": "2"})");
  EXPECT_EQ(again.status, 404) << "a repeat finds no wait: " << again.body;
}

}  // namespace
}  // namespace linkhub
