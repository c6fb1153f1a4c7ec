// linkhub serve: /api/v1/runs and /api/v1/dead-letters: paging and filters,
// a run's steps, cancel and retry, and their conflicts.
#include "serve_fixture.hpp"

#include <set>

namespace linkhub::test {
namespace {

using nlohmann::json;

TEST_P(ServeOnBackend, ListsRunsNewestFirstInPagesWithAnOpaqueCursor) {
  start();
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    const auto r =
        post("/api/v1/workflows/hello/runs?wait=30s", json{{"inputs", {{"name", std::to_string(i)}}}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    ids.push_back(r.json()["id"]);
  }
  const std::string failed = trigger("flaky");
  wait_finished(failed);

  std::vector<std::string> seen;
  std::string target = "/api/v1/runs?workflow=hello&limit=2";
  int pages = 0;
  while (true) {
    const auto r = get(target);
    ASSERT_EQ(r.status, 200) << r.body;
    ++pages;
    const auto page = r.json();  // a temporary in the loop header would die before the loop
    for (const auto& run : page["runs"]) {
      EXPECT_EQ(run["workflow"], "hello");
      seen.push_back(run["id"]);
    }
    if (r.json()["next_cursor"].is_null()) {
      break;
    }
    target = "/api/v1/runs?workflow=hello&limit=2&cursor=" + r.json()["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, std::vector<std::string>(ids.rbegin(), ids.rend()));

  const auto by_status = get("/api/v1/runs?status=failed");
  ASSERT_EQ(by_status.json()["runs"].size(), 1u) << by_status.body;
  EXPECT_EQ(by_status.json()["runs"][0]["id"], failed);
  EXPECT_EQ(by_status.json()["runs"][0]["error"].get<std::string>().find("boom") != std::string::npos, true);
}

TEST_P(ServeOnBackend, FiltersRunsByCreationTime) {
  start();
  const auto first = post("/api/v1/workflows/hello/runs?wait=30s", R"({"inputs": {"name": "a"}})").json();
  const int64_t created = first["created_ms"];
  const auto since = get("/api/v1/runs?since=" + std::to_string(created)).json()["runs"];
  ASSERT_EQ(since.size(), 1u);
  EXPECT_EQ(get("/api/v1/runs?since=" + std::to_string(created + 1)).json()["runs"].size(), 0u);
  EXPECT_EQ(get("/api/v1/runs?until=" + std::to_string(created)).json()["runs"].size(), 0u);
  EXPECT_EQ(get("/api/v1/runs?until=" + std::to_string(created + 1)).json()["runs"].size(), 1u);
}

TEST_F(ServeTest, BadListParametersAre400NamingTheParameter) {
  start();
  for (const auto& [query, parameter] :
       std::vector<std::pair<std::string, std::string>>{{"limit=0", "limit"},
                                                        {"limit=501", "limit"},
                                                        {"limit=ten", "limit"},
                                                        {"status=done", "status"},
                                                        {"since=-5", "since"},
                                                        {"until=yesterday", "until"},
                                                        {"cursor=not-a-cursor", "cursor"},
                                                        {"cursor=djE6", "cursor"},
                                                        {"cursor=%ZZ", ""}}) {
    const auto r = get("/api/v1/runs?" + query);
    EXPECT_EQ(r.status, 400) << query << ": " << r.body;
    if (!parameter.empty()) {
      EXPECT_EQ(r.json()["error"]["details"]["parameter"], parameter) << query;
    }
  }
  EXPECT_EQ(get("/api/v1/runs?cursor=garbage").json()["error"]["code"], "bad_cursor");
}

TEST_F(ServeTest, ShowsARunWithItsStepsAttemptsDurationsInputsAndOutputs) {
  start();
  const auto run = post("/api/v1/workflows/hello/runs?wait=30s", R"({"inputs": {"name": "Di"}})").json();
  const auto r = get("/api/v1/runs/" + run["id"].get<std::string>());
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = r.json();
  EXPECT_EQ(j["status"], "succeeded");
  EXPECT_EQ(j["workflow"], "hello");
  EXPECT_EQ(j["workflow_version"], 2);
  EXPECT_EQ(j["dead_letters"], 0);
  ASSERT_EQ(j["steps"].size(), 2u);
  const auto greet = j["steps"][0];
  EXPECT_EQ(greet["step"], "greet");
  EXPECT_EQ(greet["status"], "succeeded");
  EXPECT_EQ(greet["attempts"], 1);
  EXPECT_TRUE(greet["duration_ms"].is_number()) << greet.dump();
  EXPECT_EQ(greet["input"], json::parse(R"({"value": "hello Di"})"));
  EXPECT_EQ(greet["output"], json::parse(R"({"value": "hello Di"})"));
  EXPECT_TRUE(greet["error"].is_null());
}

TEST_F(ServeTest, ShowsForeachItemsUnderTheirStep) {
  start();
  const auto run = post("/api/v1/workflows/fanout/runs?wait=30s", "").json();
  ASSERT_EQ(run["status"], "succeeded") << run.dump();
  ASSERT_EQ(run["steps"].size(), 1u);
  ASSERT_EQ(run["steps"][0]["items"].size(), 3u);
  EXPECT_EQ(run["steps"][0]["items"][2]["index"], 2);
}

TEST_F(ServeTest, AnUnknownRunIs404Everywhere) {
  start();
  for (const auto& r : {get("/api/v1/runs/nope"), get("/api/v1/runs/nope/events"), post("/api/v1/runs/nope/cancel"),
                        post("/api/v1/runs/nope/retry")}) {
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(r.json()["error"]["code"], "unknown_run");
  }
}

TEST_F(ServeTest, CancelStopsARunningRunAndAFinishedOneIsAConflict) {
  start();
  const std::string id = trigger("slow");
  wait_step_started(id, "wait");
  const auto busy = post("/api/v1/runs/" + id + "/retry");
  EXPECT_EQ(busy.status, 409) << busy.body;
  EXPECT_EQ(busy.json()["error"]["code"], "run_not_finished");

  const auto cancel = post("/api/v1/runs/" + id + "/cancel");
  ASSERT_EQ(cancel.status, 202) << cancel.body;
  EXPECT_EQ(cancel.json()["run_id"], id);
  wait_finished(id);
  EXPECT_EQ(get("/api/v1/runs/" + id).json()["status"], "cancelled");

  const auto again = post("/api/v1/runs/" + id + "/cancel");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.json()["error"]["code"], "run_finished");
}

TEST_F(ServeTest, CancellingAQueuedRunEndsItAtOnce) {
  start([](http::ServeOptions& o) { o.worker = false; });  // nothing executes: the run stays queued
  const std::string id = trigger("hello", R"({"inputs": {"name": "q"}})");
  // As `curl -X POST` sends it: no Content-Length, no body.
  HttpRequest bare;
  bare.method = "POST";
  bare.target = "/api/v1/runs/" + id + "/cancel";
  bare.omit_length = true;
  const auto cancel = send(bare);
  ASSERT_EQ(cancel.status, 202) << cancel.body;
  EXPECT_EQ(cancel.json()["status"], "cancelled");
  bare.target = "/api/v1/workflows/fanout/runs";
  EXPECT_EQ(send(bare).status, 202) << "a trigger without a body has no inputs";
}

TEST_F(ServeTest, RetryRunsTheFailedStepsAgain) {
  start();
  const std::string id = trigger("flaky");
  wait_finished(id);
  const auto run = get("/api/v1/runs/" + id).json();
  EXPECT_EQ(run["status"], "failed");
  EXPECT_EQ(run["dead_letters"], 1);

  const auto retry = post("/api/v1/runs/" + id + "/retry");
  ASSERT_EQ(retry.status, 202) << retry.body;
  EXPECT_EQ(retry.json()["run_id"], id);  // its status may already have moved on: the node is quick
  wait_finished(id, 2);
  std::map<std::string, int> starts;
  const auto events = get("/api/v1/runs/" + id + "/events?limit=1000").json();
  for (const auto& e : events["events"]) {
    if (e["type"] == "step.started") {
      starts[e["step"]]++;
    }
  }
  EXPECT_EQ(starts["first"], 1);  // succeeded the first time: kept
  EXPECT_EQ(starts["boom"], 2);

  const auto from = post("/api/v1/runs/" + id + "/retry", R"({"from": "first"})");
  ASSERT_EQ(from.status, 202) << from.body;
  wait_finished(id, 3);
}

TEST_F(ServeTest, RetryRefusesBadRequests) {
  start();
  const std::string ok = post("/api/v1/workflows/hello/runs?wait=30s", R"({"inputs": {"name": "r"}})").json()["id"];
  const auto nothing = post("/api/v1/runs/" + ok + "/retry");
  EXPECT_EQ(nothing.status, 409) << nothing.body;
  EXPECT_EQ(nothing.json()["error"]["code"], "nothing_to_retry");
  const auto unknown = post("/api/v1/runs/" + ok + "/retry", R"({"from": "nope"})");
  EXPECT_EQ(unknown.status, 422) << unknown.body;
  EXPECT_EQ(unknown.json()["error"]["details"]["field"], "from");
  const auto wrong = post("/api/v1/runs/" + ok + "/retry", R"({"from": 5})");
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_EQ(wrong.json()["error"]["details"]["field"], "from");
  const auto malformed = post("/api/v1/runs/" + ok + "/retry", R"({"from": )");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.json()["error"]["code"], "malformed_json");
}

TEST_F(ServeTest, DeadLettersListStepsThatExhaustedTheirRetries) {
  start();
  const std::string id = trigger("flaky");
  wait_finished(id);
  trigger("hello", R"({"inputs": {"name": "x"}})");
  const auto all = get("/api/v1/dead-letters").json()["dead_letters"];
  ASSERT_EQ(all.size(), 1u);
  const auto letters = get("/api/v1/dead-letters?run=" + id).json()["dead_letters"];
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0]["run_id"], id);
  EXPECT_EQ(letters[0]["step"], "boom");
  EXPECT_EQ(letters[0]["workflow"], "flaky");
  EXPECT_NE(letters[0]["error"].get<std::string>().find("boom"), std::string::npos);
  EXPECT_EQ(get("/api/v1/dead-letters?run=other").json()["dead_letters"].size(), 0u);
  EXPECT_EQ(get("/api/v1/dead-letters?limit=0").status, 400);
}

TEST_F(ServeTest, ADeadLetterCanBeInspectedAndRequeued) {
  start();
  const std::string id = trigger("flaky");
  wait_finished(id);
  const auto letters = get("/api/v1/dead-letters/" + id + "/boom");
  ASSERT_EQ(letters.status, 200) << letters.body;
  ASSERT_EQ(letters.json()["dead_letters"].size(), 1u);
  EXPECT_EQ(letters.json()["dead_letters"][0]["step"], "boom");
  EXPECT_EQ(letters.json()["dead_letters"][0]["attempts"], 1);
  EXPECT_EQ(get("/api/v1/dead-letters/" + id + "/first").json()["error"]["code"], "unknown_dead_letter");
  EXPECT_EQ(get("/api/v1/dead-letters/nope/boom").status, 404);

  const auto requeued = post("/api/v1/dead-letters/" + id + "/boom/requeue", "");
  ASSERT_EQ(requeued.status, 202) << requeued.body;
  EXPECT_EQ(requeued.json()["run_id"], id);
  wait_finished(id, 2);  // boom fails again (it always does)
  const auto run = get("/api/v1/runs/" + id).json();
  EXPECT_EQ(run["status"], "failed");
  ASSERT_TRUE(run.contains("steps") && run["steps"].is_array()) << run.dump();
  bool saw_first = false;
  for (const auto& step : run["steps"]) {
    if (step.value("step", "") == "first") {
      saw_first = true;
      EXPECT_EQ(step["attempts"], 1) << "a step that succeeded is not run again";
    }
  }
  EXPECT_TRUE(saw_first) << run.dump();
  const auto again = get("/api/v1/dead-letters/" + id + "/boom").json()["dead_letters"];
  ASSERT_EQ(again.size(), 1u) << "the step failed again: one dead letter for it, not two";
  EXPECT_EQ(again[0]["attempts"], 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, ServeOnBackend, ::testing::ValuesIn(all_sql_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace linkhub::test
