// `linkhub serve` under connection exhaustion (issue 10, item 3): idle sockets
// and open event streams used to take every server thread, /healthz included.
// Now a socket that says nothing holds no thread, event streams hold none and
// are capped per principal and in total, and a stream whose client left gives
// its slot back at once.
#include "raw_http.hpp"
#include "serve_fixture.hpp"

#include <memory>
#include <string>
#include <vector>

namespace linkhub::test {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;

std::string get_request(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extra + "\r\n";
}

class SecurityHttpExhaustion : public ServeTest {
 protected:
  void SetUp() override {
    raise_open_file_limit();
    ServeTest::SetUp();
  }

  // linkhub_event_streams from /metrics.
  long open_streams() {
    const auto metrics = get("/metrics");
    const std::string name = "\nlinkhub_event_streams ";
    const size_t at = metrics.body.find(name);
    return at == std::string::npos ? -1 : std::stol(metrics.body.substr(at + name.size()));
  }

  std::string stream_target(const std::string& run) { return "/api/v1/runs/" + run + "/events/stream"; }
};

TEST_F(SecurityHttpExhaustion, IdleSocketsAndOpenStreamsLeaveHealthAndTriggersAnswering) {
  start([](http::ServeOptions& o) {
    o.worker = false;  // runs stay queued, so their streams stay open
    o.limits.max_streams = 200;
    o.limits.max_streams_per_principal = 50;
  });
  const std::string run = trigger("hello", R"({"inputs": {"name": "x"}})");

  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 1000; ++i) {
    idle.push_back(std::make_unique<RawConnection>(port_));
    ASSERT_TRUE(idle.back()->connected()) << "connection " << i;
  }

  // 200 streams from four viewer keys, 50 each: the per-principal cap first, then the total.
  std::vector<std::string> keys;
  std::vector<std::unique_ptr<SseStream>> streams;
  for (int k = 0; k < 4; ++k) {
    keys.push_back(make_key("viewer", "streamer " + std::to_string(k)));
    for (int i = 0; i < 50; ++i) {
      streams.push_back(std::make_unique<SseStream>(
          port_, stream_target(run), std::map<std::string, std::string>{{"Authorization", "Bearer " + keys.back()}}));
      ASSERT_EQ(streams.back()->status(), 200) << "stream " << streams.size();
    }
    if (k == 0) {
      SseStream over(port_, stream_target(run), {{"Authorization", "Bearer " + keys.back()}});
      ASSERT_EQ(over.status(), 503);
      const auto error = json::parse(over.body_if_error())["error"];
      EXPECT_EQ(error["code"], "too_many_streams");
      EXPECT_EQ(error["details"]["scope"], "principal");
    }
  }
  SseStream over_total(port_, stream_target(run), {{"Authorization", "Bearer " + make_key("viewer", "one more")}});
  ASSERT_EQ(over_total.status(), 503);
  EXPECT_EQ(json::parse(over_total.body_if_error())["error"]["details"]["scope"], "server");
  EXPECT_EQ(open_streams(), 200);

  // With 1,000 idle sockets and 200 streams open, health and a trigger answer
  // (the guard of 5 s bounds a failure; it is not a speed check).
  const auto health = raw_exchange(port_, get_request("/healthz"), std::chrono::seconds(5));
  ASSERT_TRUE(health.has_value()) << "/healthz did not answer";
  EXPECT_EQ(health->status, 200);
  const std::string body = R"({"inputs": {"name": "y"}})";
  const auto triggered = raw_exchange(
      port_,
      "POST /api/v1/workflows/hello/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer " +
          admin_key_ + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\n\r\n" + body,
      std::chrono::seconds(5));
  ASSERT_TRUE(triggered.has_value()) << "the trigger did not answer";
  EXPECT_EQ(triggered->status, 202) << triggered->body;
  const auto ready = raw_exchange(port_, get_request("/readyz"), std::chrono::seconds(5));
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->status, 200);
}

TEST_F(SecurityHttpExhaustion, AStreamWhoseClientLeftFreesItsSlotAtOnce) {
  start([](http::ServeOptions& o) {
    o.worker = false;
    o.limits.max_streams_per_principal = 2;
    o.limits.stream_heartbeat = std::chrono::hours(1);  // no heartbeat reveals the dead client
  });
  const std::string run = trigger("hello", R"({"inputs": {"name": "x"}})");
  const std::string key = make_key("viewer");
  const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + key}};
  auto first = std::make_unique<SseStream>(port_, stream_target(run), auth);
  SseStream second(port_, stream_target(run), auth);
  ASSERT_EQ(first->status(), 200);
  ASSERT_EQ(second.status(), 200);
  {
    SseStream third(port_, stream_target(run), auth);
    ASSERT_EQ(third.status(), 503);
  }
  ASSERT_EQ(open_streams(), 2);
  first.reset();  // the client hangs up
  // The server notices the closed socket itself; this loop only waits for it to have done so.
  long open = 2;
  const auto guard = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (int i = 0; i < 10000 && open != 1 && std::chrono::steady_clock::now() < guard; ++i) {
    open = open_streams();
  }
  ASSERT_EQ(open, 1) << "the closed stream still holds its slot";
  SseStream again(port_, stream_target(run), auth);
  EXPECT_EQ(again.status(), 200);
}

TEST_F(SecurityHttpExhaustion, AConnectionPastTheCapIsRefusedAtOnceWithJson) {
  start([](http::ServeOptions& o) { o.http.max_connections = 4; });
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<RawConnection>(port_));
    // A request answered proves the server accepted this connection (and counts it).
    ASSERT_TRUE(held.back()->send(get_request("/healthz").substr(0, 10)));
  }
  // The server accepts in order: once a fifth connection is refused, the four are counted.
  std::optional<RawResponse> refused;
  for (int i = 0; i < 100 && !(refused && refused->status == 503); ++i) {
    refused = raw_exchange(port_, get_request("/healthz"));
  }
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->json()["error"]["code"], "too_many_connections");
  EXPECT_FALSE(refused->header("x-request-id").empty());
  EXPECT_FALSE(refused->header("retry-after").empty());
}

TEST_F(SecurityHttpExhaustion, AClientThatStopsMidHeaderIsCutOff) {
  start([](http::ServeOptions& o) { o.http.header_timeout = milliseconds(200); });
  RawConnection slow(port_);
  ASSERT_TRUE(slow.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
  EXPECT_TRUE(slow.closed_by_peer(std::chrono::seconds(10)));
  RawConnection silent(port_);
  EXPECT_TRUE(silent.closed_by_peer(std::chrono::seconds(10)));
}

TEST_F(SecurityHttpExhaustion, AKeepAliveConnectionEndsAfterItsRequestLimit) {
  start([](http::ServeOptions& o) { o.http.max_requests_per_connection = 2; });
  RawConnection c(port_);
  const std::string keep = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  ASSERT_TRUE(c.send(keep));
  auto one = c.read_response();
  ASSERT_TRUE(one.has_value());
  EXPECT_NE(one->header("connection"), "close");
  ASSERT_TRUE(c.send(keep));
  auto two = c.read_response();
  ASSERT_TRUE(two.has_value());
  EXPECT_EQ(two->header("connection"), "close");
  EXPECT_TRUE(c.closed_by_peer());
}

}  // namespace
}  // namespace linkhub::test
