// linkhub serve: a run's events as pages, and live as Server-Sent Events:
// followed to the end, resumed with Last-Event-ID, closed at shutdown.
#include "serve_fixture.hpp"

#include <thread>

namespace linkhub::test {
namespace {

using nlohmann::json;

TEST_F(ServeTest, EventsComeInPagesAfterASequenceNumber) {
  start();
  const std::string id = post("/api/v1/workflows/hello/runs?wait=30s", R"({"inputs": {"name": "e"}})").json()["id"];
  const auto all = get("/api/v1/runs/" + id + "/events").json();
  EXPECT_EQ(all["status"], "succeeded");
  const auto events = all["events"];
  ASSERT_GE(events.size(), 6u);
  EXPECT_EQ(events[0]["seq"], 1);
  EXPECT_EQ(events[0]["type"], "run.created");
  EXPECT_EQ(events.back()["type"], "run.succeeded");

  const auto page = get("/api/v1/runs/" + id + "/events?after=2&limit=2").json();
  ASSERT_EQ(page["events"].size(), 2u);
  EXPECT_EQ(page["events"][0]["seq"], 3);
  EXPECT_EQ(page["events"][1]["seq"], 4);
  EXPECT_EQ(page["next_after"], 4);
  EXPECT_EQ(get("/api/v1/runs/" + id + "/events?limit=5000").status, 400);
  EXPECT_EQ(get("/api/v1/runs/" + id + "/events?after=x").status, 400);
}

TEST_F(ServeTest, TheEventStreamFollowsARunLiveUntilItEnds) {
  start();
  const std::string id = trigger("slow");
  SseStream stream(port_, "/api/v1/runs/" + id + "/events/stream", with_auth());
  ASSERT_EQ(stream.status(), 200);
  EXPECT_EQ(stream.content_type(), "text/event-stream");
  int64_t last = 0;
  bool cancelled = false;
  std::optional<SseEvent> end;
  while (auto event = stream.next()) {
    if (event->event == "end") {
      end = event;
      break;
    }
    const auto j = event->json();
    ASSERT_EQ(std::stoll(event->id), j["seq"].get<int64_t>());
    EXPECT_EQ(j["seq"].get<int64_t>(), last + 1) << "events arrive in order, none missing";
    last = j["seq"];
    if (j["type"] == "step.started" && !cancelled) {
      // The run is live and waiting: end it from another connection.
      EXPECT_EQ(post("/api/v1/runs/" + id + "/cancel").status, 202);
      cancelled = true;
    }
  }
  ASSERT_TRUE(end.has_value()) << "the stream ended without its end event";
  EXPECT_EQ(end->json()["status"], "cancelled");
  EXPECT_EQ(end->json()["last_seq"], last);
  EXPECT_FALSE(stream.next().has_value()) << "the stream closes after its end event";
  EXPECT_EQ(get("/api/v1/runs/" + id + "/events").json()["events"].back()["type"], "run.cancelled");
}

TEST_F(ServeTest, LastEventIdResumesTheStreamAfterThatEvent) {
  start();
  const std::string id = post("/api/v1/workflows/hello/runs?wait=30s", R"({"inputs": {"name": "r"}})").json()["id"];
  const size_t total = get("/api/v1/runs/" + id + "/events").json()["events"].size();

  SseStream resumed(port_, "/api/v1/runs/" + id + "/events/stream", with_auth({{"Last-Event-ID", "3"}}));
  ASSERT_EQ(resumed.status(), 200);
  std::vector<int64_t> seqs;
  while (auto event = resumed.next()) {
    if (event->event == "end") {
      EXPECT_EQ(event->json()["status"], "succeeded");
      break;
    }
    seqs.push_back(std::stoll(event->id));
  }
  ASSERT_FALSE(seqs.empty());
  EXPECT_EQ(seqs.front(), 4);
  EXPECT_EQ(seqs.size(), total - 3);

  SseStream after(port_, "/api/v1/runs/" + id + "/events/stream?after=" + std::to_string(total), with_auth());
  auto first = after.next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->event, "end") << "nothing after the last event but the end";
}

TEST_F(ServeTest, TheEventStreamRefusesBadRequestsBeforeStreaming) {
  start();
  SseStream unknown(port_, "/api/v1/runs/nope/events/stream", with_auth());
  EXPECT_EQ(unknown.status(), 404);
  EXPECT_EQ(json::parse(unknown.body_if_error())["error"]["code"], "unknown_run");
  const std::string id = trigger("hello", R"({"inputs": {"name": "s"}})");
  SseStream bad(port_, "/api/v1/runs/" + id + "/events/stream", with_auth({{"Last-Event-ID", "three"}}));
  EXPECT_EQ(bad.status(), 400);
  wait_finished(id);
}

TEST_F(ServeTest, AnIdleStreamSendsHeartbeatsAndEndsAtItsMaximumDuration) {
  start([](http::ServeOptions& o) {
    o.worker = false;                                          // the run stays queued: nothing happens
    o.limits.stream_heartbeat = std::chrono::milliseconds(1);  // so heartbeats come at once
  });
  const std::string id = trigger("hello", R"({"inputs": {"name": "h"}})");
  {
    SseStream stream(port_, "/api/v1/runs/" + id + "/events/stream", with_auth());
    auto created = stream.next();
    ASSERT_TRUE(created.has_value());
    auto comment = stream.next(true);
    ASSERT_TRUE(comment.has_value());
    EXPECT_EQ(comment->comments, std::vector<std::string>{"heartbeat"});
  }
  app_.reset();
  start([](http::ServeOptions& o) {
    o.worker = false;
    o.limits.stream_max_duration = std::chrono::milliseconds(1);
  });
  const std::string other = trigger("hello", R"({"inputs": {"name": "h"}})");
  SseStream bounded(port_, "/api/v1/runs/" + other + "/events/stream", with_auth());
  while (bounded.next()) {
  }
  ASSERT_FALSE(bounded.trailing_comments().empty());
  EXPECT_NE(bounded.trailing_comments().back().find("maximum duration"), std::string::npos);
}

TEST_F(ServeTest, ShutdownClosesOpenStreams) {
  start([](http::ServeOptions& o) { o.worker = false; });  // the run stays queued: its stream stays open
  const std::string id = trigger("hello", R"({"inputs": {"name": "z"}})");
  SseStream stream(port_, "/api/v1/runs/" + id + "/events/stream", with_auth());
  ASSERT_EQ(stream.status(), 200);
  auto created = stream.next();
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(created->json()["type"], "run.created");
  std::thread stopper([this] { app_->stop(); });
  EXPECT_FALSE(stream.next().has_value());
  stopper.join();
  ASSERT_FALSE(stream.trailing_comments().empty());
  EXPECT_NE(stream.trailing_comments().back().find("shutting down"), std::string::npos);
}

}  // namespace
}  // namespace linkhub::test
