// Issue 10, item 1: no secret value is stored or served. A distinctive secret
// flows through every place a value can flow (with:, step outputs, foreach
// items, a Lua rule's result and error, the workflow's outputs, a failing
// step's error and its dead letter); then every answer a viewer can get, the
// CLI's `runs show` and every log line are searched for it. The steps must
// still have used the real value, also when a dead letter is requeued.
#include "cli_runner.hpp"
#include "loopback_server.hpp"
#include "serve_fixture.hpp"

#include <linkhub/engine/executor.hpp>
#include <linkhub/engine/memory_run_store.hpp>
#include <linkhub/engine/workflow.hpp>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <string>

namespace linkhub::test {
namespace {

const std::string kSecret = "pl4nted-S3CRET-9d41e7";

class SecuritySecretLeak : public ServeTest {
 protected:
  void SetUp() override {
    ServeTest::SetUp();
    api_.on("/api", [this](const Request& request) {
      auto it = request.headers.find("Authorization");
      if (it != request.headers.end() && it->second == "Bearer " + kSecret) {
        ++good_headers_;
      }
      // The first call of the dead-letter workflow fails (503): its step becomes a dead letter.
      if (request.query == "flaky" && flaky_calls_++ == 0) {
        return Response{503, "application/json", R"({"error": "try later"})", {}};
      }
      return Response{200, "application/json", R"({"ok": true})", {}};
    });
    api_.start();
    write("workflows/leaky.yaml", R"(name: leaky
steps:
  - id: call
    uses: core.http
    with:
      url: ")" + api_.url("/api") + R"y("
      headers: { Authorization: "Bearer ${{ secrets.API_TOKEN }}" }
  - id: echo
    uses: core.transform
    with: { value: "token=${{ secrets.API_TOKEN }}" }
  - id: same
    uses: core.transform
    needs: [echo]
    with: { value: "${{ steps.echo.outputs.value == 'token=' .. secrets.API_TOKEN }}" }
  - id: each
    uses: core.transform
    foreach: "${{ { secrets.API_TOKEN, 'plain' } }}"
    with: { value: "${{ item }}" }
  - id: rule
    uses: lua.rule
    with: { code: "return { seen = input.t, [input.t] = 1 }", input: { t: "${{ secrets.API_TOKEN }}" } }
  - id: rule_error
    uses: lua.rule
    continue_on_error: true
    with: { code: "error('bad token ' .. (input.t))", input: { t: "${{ secrets.API_TOKEN }}" } }
outputs:
  leak: "${{ secrets.API_TOKEN }}"
  echoed: "${{ steps.echo.outputs.value }}"
  same: "${{ steps.same.outputs.value }}"
)y");
    write("workflows/deadly.yaml", R"(name: deadly
steps:
  - id: call
    uses: core.http
    with:
      url: ")" + api_.url("/api?flaky") +
                                       R"("
      headers: { Authorization: "Bearer ${{ secrets.API_TOKEN }}", X-Note: "${{ secrets.API_TOKEN }}" }
  - id: boom
    uses: core.fail
    continue_on_error: true
    with: { always: true, message: "refused ${{ secrets.API_TOKEN }}" }
)");
    start([](http::ServeOptions& options) {
      options.executor.secrets["API_TOKEN"] = kSecret;
      options.executor.http_allow = {"127.0.0.1"};  // the loopback stand-in (http.allow)
    });
  }

  // Every answer a viewer can get about these runs, and the CLI's view of them.
  std::vector<std::pair<std::string, std::string>> everything_served(const std::vector<std::string>& ids) {
    std::vector<std::pair<std::string, std::string>> answers;
    auto viewer = client_with(make_key("viewer"));
    auto add = [&](const std::string& target) {
      const auto r = viewer->get(target);
      EXPECT_EQ(r.status, 200) << target << ": " << r.body;
      answers.emplace_back(target, r.body);
    };
    add("/api/v1/runs");
    add("/api/v1/dead-letters");
    add("/metrics");
    for (const auto& id : ids) {
      add("/api/v1/runs/" + id);
      add("/api/v1/runs/" + id + "/events");
      SseStream stream(port_, "/api/v1/runs/" + id + "/events/stream",
                       {{"Authorization", "Bearer " + make_key("viewer")}});
      EXPECT_EQ(stream.status(), 200);
      std::string streamed;
      for (int n = 0; n < 200; ++n) {  // bounded: a run has far fewer events
        auto event = stream.next();
        if (!event) {
          break;
        }
        streamed += event->data + "\n";
        const std::string type = event->json().value("type", "");
        if (type == "run.succeeded" || type == "run.failed") {
          break;
        }
      }
      answers.emplace_back("SSE " + id, streamed);
      for (const std::string format : {"", " --format json"}) {
        const CliResult cli = run_linkhub("runs show " + id + " --events --db " + shell_quote(database_url_) + format);
        const std::string shown = cli.out + cli.err;  // a leak on stderr counts too
        EXPECT_NE(shown.find("***"), std::string::npos) << "runs show" << format << " shows no masked value:\n"
                                                        << shown;
        answers.emplace_back("runs show " + id + format, shown);
      }
    }
    for (const auto& letter : viewer->get("/api/v1/dead-letters").json()["dead_letters"]) {
      add("/api/v1/dead-letters/" + letter["run_id"].get<std::string>() + "/" + letter["step"].get<std::string>());
    }
    return answers;
  }

  LoopbackServer api_;
  std::atomic<int> good_headers_{0};
  std::atomic<int> flaky_calls_{0};
};

TEST_F(SecuritySecretLeak, NoAnswerNoLogLineAndNoCliOutputContainsASecret) {
  const std::string leaky = trigger("leaky");
  const std::string deadly = trigger("deadly");
  wait_finished(leaky);
  wait_finished(deadly);

  // The real value was used: the header reached the server, the echo carried it.
  EXPECT_EQ(good_headers_.load(), 2);
  const auto run = get("/api/v1/runs/" + leaky).json();
  EXPECT_EQ(run["status"], "succeeded") << run.dump();
  EXPECT_EQ(run["outputs"]["same"], true) << "step outputs keep the real value inside the run";
  EXPECT_EQ(run["outputs"]["leak"], "***");

  // The failing call is a dead letter whose input shows the header masked.
  const auto letter = get("/api/v1/dead-letters/" + deadly + "/call").json();
  ASSERT_EQ(letter["dead_letters"].size(), 1u) << letter.dump();
  EXPECT_EQ(letter["dead_letters"][0]["input"]["headers"]["Authorization"], "Bearer ***") << letter.dump();

  // Requeued, it runs again with the real header (rendered again from the workflow).
  ASSERT_EQ(post("/api/v1/dead-letters/" + deadly + "/call/requeue", "").status, 202);
  wait_finished(deadly, 2);
  EXPECT_EQ(good_headers_.load(), 3);
  EXPECT_EQ(get("/api/v1/runs/" + deadly).json()["status"], "succeeded");

  size_t checked = 0;
  for (const auto& [where, body] : everything_served({leaky, deadly})) {
    EXPECT_EQ(body.find(kSecret), std::string::npos) << where << " shows the secret:\n" << body;
    checked += body.size();
  }
  EXPECT_GT(checked, 0u);
  for (const auto& line : log_lines()) {
    EXPECT_EQ(line.find(kSecret), std::string::npos) << "log: " << line;
  }
  // The masked places really held the value: the marks are there.
  const auto detail = get("/api/v1/runs/" + leaky).body;
  EXPECT_NE(detail.find("token=***"), std::string::npos) << detail;
}

}  // namespace
}  // namespace linkhub::test

namespace linkhub {
namespace {

// After a crash, the step that was in flight runs again: its stored input is
// masked, so the executor must render it again from the workflow, with the
// real secret, and not replay what it stored.
TEST(SecuritySecretResume, AStepInFlightAtACrashRunsAgainWithTheRealSecret) {
  const std::string secret = "resume-S3CRET-0c5e";
  MemoryRunStore store;
  ExecutorOptions options;
  options.secrets = {{"API_TOKEN", secret}};
  Executor executor(test::builtin_plugins(), store, options);
  auto loaded = load_workflow_text(R"(name: resumed
steps:
  - id: echo
    uses: core.transform
    with: { value: "token=${{ secrets.API_TOKEN }}" }
  - id: same
    uses: core.transform
    needs: [echo]
    with: { value: "${{ steps.echo.outputs.value == 'token=' .. secrets.API_TOKEN }}" }
)",
                                   "resumed.yaml");
  ASSERT_TRUE(loaded.workflow);
  auto plan = executor.prepare(*loaded.workflow);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  auto first = executor.run(*plan, Json::object());
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->status, RunStatus::Succeeded) << first->error;

  // What the store holds is masked...
  auto steps = store.get_steps(first->run_id);
  std::vector<StepRecord> crashed;
  for (auto& step : steps) {
    EXPECT_EQ(step.input.dump().find(secret), std::string::npos) << step.step_id;
    EXPECT_EQ(step.output.dump().find(secret), std::string::npos) << step.step_id;
    if (step.step_id == "echo") {
      step.status = StepStatus::Running;  // as if the process died while it ran
      step.output = Json();
      crashed.push_back(step);
    }
  }
  ASSERT_EQ(crashed.size(), 1u);
  // ...and the resumed run renders `echo` again with the real value.
  auto record = store.get_run(first->run_id);
  ASSERT_TRUE(record);
  record->status = RunStatus::Running;
  auto resumed = executor.resume(*plan, *record, crashed);
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  const RunResult result = executor.wait(*resumed);
  ASSERT_EQ(result.status, RunStatus::Succeeded) << result.error;
  for (const auto& step : result.steps) {
    if (step.id == "same") {
      EXPECT_EQ(step.output["value"], true) << "echo ran again with the real secret";
    }
  }
}

}  // namespace
}  // namespace linkhub
