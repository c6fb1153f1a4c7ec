// The feed of the console's runs list: SqlStore::run_changes (every run's
// run-level events in (time, run, seq) order) on SQLite and PostgreSQL, and
// GET /api/v1/runs/stream on top of it: followed live on one connection,
// resumed with Last-Event-ID, late events within the settle window, roles
// and the stream caps.
#include "serve_fixture.hpp"

#include <algorithm>
#include <set>

namespace linkhub::test {
namespace {

using nlohmann::json;

// Reads `stream` until `done` says so; the events read, in order.
template <class Done>
std::vector<SseEvent> read_until(SseStream& stream, Done done) {
  std::vector<SseEvent> events;
  while (auto event = stream.next()) {
    events.push_back(*event);
    if (done(events)) {
      break;
    }
  }
  return events;
}

class RunChanges : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !postgres_unavailable_reason().empty()) {
      GTEST_SKIP() << "\n\n*** " << postgres_unavailable_reason() << " ***\n";
    }
    auto opened = SqlStore::open(fresh_database(GetParam()));
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(*opened);
  }
  RunRecord new_run(const std::string& workflow, int64_t created_ms) {
    RunRecord r;
    r.created_ms = created_ms;
    r.workflow = workflow;
    r.workflow_hash = "h1";
    return store_->create_run(r);
  }
  std::unique_ptr<SqlStore> store_;
};

TEST_P(RunChanges, ComeInTimeOrderAcrossRunsWithTheRunAsItIsNow) {
  RunRecord a = new_run("alpha", 1000);
  RunRecord b = new_run("beta", 2000);
  RunRecord c = new_run("alpha", 2000);  // same time as b: the run id decides
  store_->append_event(EventRecord{a.id, 0, 1500, "step.log", "s", -1, Json{{"line", "not a run event"}}});
  a.status = RunStatus::Succeeded;
  a.finished_ms = 3000;
  store_->update_run(a, EventRecord{a.id, 0, 3000, "run.succeeded", "", -1, Json::object()});

  const auto all = store_->run_changes(EventCursor{}, 100);
  ASSERT_EQ(all.size(), 4u);
  const auto [first_same, second_same] = b.id < c.id ? std::pair(b.id, c.id) : std::pair(c.id, b.id);
  EXPECT_EQ(all[0].run.id, a.id);
  EXPECT_EQ(all[0].type, "run.created");
  EXPECT_EQ(all[0].run.status, RunStatus::Succeeded) << "the run as it is now, not as it was";
  EXPECT_EQ(all[1].run.id, first_same);
  EXPECT_EQ(all[2].run.id, second_same);
  EXPECT_EQ(all[3].type, "run.succeeded");
  EXPECT_EQ(all[3].at.time_ms, 3000);
  EXPECT_EQ(all[3].at.seq, 3) << "run.created, step.log, run.succeeded";

  // Keyset paging: strictly after a place, ties on time broken by run id then seq.
  const auto after_one = store_->run_changes(all[1].at, 100);
  ASSERT_EQ(after_one.size(), 2u);
  EXPECT_EQ(after_one[0].run.id, second_same);
  const auto page = store_->run_changes(all[0].at, 1);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].run.id, first_same);
  EXPECT_TRUE(store_->run_changes(all[3].at, 100).empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, RunChanges, ::testing::ValuesIn(all_sql_backends()),
                         [](const auto& info) { return info.param; });

int count_type(const std::vector<SseEvent>& events, const std::string& type) {
  return static_cast<int>(
      std::count_if(events.begin(), events.end(), [&](const SseEvent& e) { return e.json()["type"] == type; }));
}

class RunsStream : public ServeOnBackend {};

TEST_P(RunsStream, TheRunsStreamFollowsEveryRunLiveOnOneConnection) {
  start([](http::ServeOptions& o) {
    o.limits.stream_max_duration = std::chrono::seconds(60);  // bounds a failure: the stream ends
  });
  SseStream stream(port_, "/api/v1/runs/stream", {{"Authorization", "Bearer " + make_key("viewer")}});
  ASSERT_EQ(stream.status(), 200);
  EXPECT_EQ(stream.content_type(), "text/event-stream");
  const std::string one = trigger("hello", R"({"inputs": {"name": "a"}})");
  const std::string two = trigger("hello", R"({"inputs": {"name": "b"}})");
  const auto events = read_until(stream, [](const auto& seen) { return count_type(seen, "run.succeeded") == 2; });
  ASSERT_EQ(count_type(events, "run.succeeded"), 2) << "the stream ended early";
  std::set<std::string> runs;
  for (const auto& e : events) {
    const auto j = e.json();
    EXPECT_EQ(j["type"].get<std::string>().rfind("run.", 0), 0u) << "only run-level events: " << j.dump();
    EXPECT_EQ(j["run"]["id"], j["run_id"]);
    EXPECT_EQ(j["run"]["workflow"], "hello");
    EXPECT_FALSE(e.id.empty());
    runs.insert(j["run_id"]);
  }
  EXPECT_EQ(runs, (std::set<std::string>{one, two}));
  EXPECT_EQ(count_type(events, "run.created"), 2);
  EXPECT_EQ(events.back().json()["run"]["status"], "succeeded");
}

TEST_P(RunsStream, LastEventIdResumesTheRunsStreamAfterThatEvent) {
  start([](http::ServeOptions& o) {
    o.limits.stream_max_duration = std::chrono::seconds(30);  // bounds a failure: the stream ends
  });
  const std::string first = post("/api/v1/workflows/hello/runs?wait=30s", R"({"inputs": {"name": "a"}})").json()["id"];
  const std::string second = post("/api/v1/workflows/hello/runs?wait=30s", R"({"inputs": {"name": "b"}})").json()["id"];
  size_t expected = 0;
  for (const auto& id : {first, second}) {
    const auto page = get("/api/v1/runs/" + id + "/events").json();
    for (const auto& e : page["events"]) {
      expected += e["type"].get<std::string>().rfind("run.", 0) == 0 ? 1 : 0;
    }
  }
  ASSERT_GE(expected, 6u);  // created, started, succeeded, twice
  // From the start of time: every run event of both runs, in order.
  SseStream all(port_, "/api/v1/runs/stream?after=0-0-", with_auth());
  ASSERT_EQ(all.status(), 200);
  const auto everything = read_until(all, [&](const auto& seen) { return seen.size() == expected; });
  ASSERT_EQ(everything.size(), expected);
  EXPECT_EQ(everything.front().json()["run_id"], first);
  EXPECT_EQ(everything.front().json()["type"], "run.created");
  EXPECT_EQ(everything.back().json()["run_id"], second);
  EXPECT_EQ(everything.back().json()["type"], "run.succeeded");

  // After the first run's end: the second run's events, in the same order.
  size_t cut = 0;
  while (cut < everything.size() &&
         !(everything[cut].json()["run_id"] == first && everything[cut].json()["type"] == "run.succeeded")) {
    ++cut;
  }
  ASSERT_LT(cut + 1, everything.size());
  SseStream resumed(port_, "/api/v1/runs/stream", with_auth({{"Last-Event-ID", everything[cut].id}}));
  ASSERT_EQ(resumed.status(), 200);
  const size_t left = everything.size() - cut - 1;
  const auto rest = read_until(resumed, [&](const auto& seen) { return seen.size() == left; });
  ASSERT_EQ(rest.size(), left);
  for (size_t i = 0; i < rest.size(); ++i) {
    EXPECT_EQ(rest[i].data, everything[cut + 1 + i].data);
  }

  // Without a place the stream starts from now: the first event is a new run's.
  SseStream fresh(port_, "/api/v1/runs/stream", with_auth());
  ASSERT_EQ(fresh.status(), 200);
  const std::string third = trigger("hello", R"({"inputs": {"name": "c"}})");
  auto next = fresh.next();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->json()["run_id"], third);
  EXPECT_EQ(next->json()["type"], "run.created");
  wait_finished(third);
}

TEST_F(ServeTest, TheRunsStreamSendsAnEventCommittedLateBehindOneAlreadySent) {
  start([](http::ServeOptions& o) {
    o.limits.poll = std::chrono::milliseconds(20);
    o.limits.stream_max_duration = std::chrono::seconds(30);  // bounds a failure: the stream ends
  });
  SseStream stream(port_, "/api/v1/runs/stream", with_auth());
  ASSERT_EQ(stream.status(), 200);
  const std::string id = trigger("hello", R"({"inputs": {"name": "l"}})");
  const auto events = read_until(stream, [](const auto& seen) { return count_type(seen, "run.succeeded") == 1; });
  ASSERT_EQ(count_type(events, "run.succeeded"), 1);
  // An event stamped before the last one sent (at the run's first event, after
  // the stream began), as a slower node's commit would be.
  const int64_t stamped = events.front().json()["time_ms"].get<int64_t>();
  store_->append_event(EventRecord{id, 0, stamped, "run.requeued", "", -1, Json::object()});
  auto late = stream.next();
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->json()["type"], "run.requeued");
  EXPECT_EQ(late->json()["time_ms"], stamped);
  EXPECT_EQ(late->id, events.back().id) << "the id stays at the furthest place, so a reconnect does not go back";
}

TEST_F(ServeTest, TheRunsStreamNeedsAViewerAndCountsAgainstTheStreamCaps) {
  start([](http::ServeOptions& o) {
    o.worker = false;  // runs stay queued, so their streams stay open
    o.limits.max_streams_per_principal = 2;
  });
  SseStream anonymous(port_, "/api/v1/runs/stream");
  EXPECT_EQ(anonymous.status(), 401);
  SseStream bad(port_, "/api/v1/runs/stream", with_auth({{"Last-Event-ID", "yesterday"}}));
  EXPECT_EQ(bad.status(), 400);
  EXPECT_EQ(json::parse(bad.body_if_error())["error"]["code"], "bad_parameter");

  const std::string viewer = make_key("viewer");
  const std::map<std::string, std::string> as_viewer{{"Authorization", "Bearer " + viewer}};
  const std::string run = trigger("hello", R"({"inputs": {"name": "c"}})");
  SseStream feed(port_, "/api/v1/runs/stream", as_viewer);
  ASSERT_EQ(feed.status(), 200);
  SseStream one_run(port_, "/api/v1/runs/" + run + "/events/stream", as_viewer);
  ASSERT_EQ(one_run.status(), 200);
  SseStream over(port_, "/api/v1/runs/stream", as_viewer);
  ASSERT_EQ(over.status(), 503) << "both kinds of stream count against one cap";
  const auto error = json::parse(over.body_if_error())["error"];
  EXPECT_EQ(error["code"], "too_many_streams");
  EXPECT_EQ(error["details"]["scope"], "principal");
}

INSTANTIATE_TEST_SUITE_P(Backends, RunsStream, ::testing::ValuesIn(all_sql_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace linkhub::test
