// /api/v1/runs/{id}/events: a run's events as pages, or live as Server-Sent Events.
#include "http/handlers.hpp"
#include "http/json_views.hpp"
#include "http/sse.hpp"

#include <algorithm>
#include <ostream>

namespace linkhub::http {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr size_t kStreamBatch = 500;  // events read per query while catching up

std::string compact(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Counts the open streams for /metrics, whichever way the handler leaves.
class OpenStream {
 public:
  explicit OpenStream(Metrics& metrics) : metrics_(metrics) { metrics_.stream_opened(); }
  ~OpenStream() { metrics_.stream_closed(); }
  OpenStream(const OpenStream&) = delete;
  OpenStream& operator=(const OpenStream&) = delete;

 private:
  Metrics& metrics_;
};

// Where a stream starts: after Last-Event-ID (a reconnecting EventSource) or ?after.
ApiResult<int64_t> stream_start(Call& call) {
  const std::string last = call.header("Last-Event-ID");
  if (last.empty()) {
    return int_param(call.target, "after", 0, 0, INT64_MAX);
  }
  return int_value("header Last-Event-ID", last, 0, INT64_MAX);
}

}  // namespace

Reply list_events(Call& call) {
  const std::string& id = call.param("id");
  auto after = int_param(call.target, "after", 0, 0, INT64_MAX);
  auto limit = int_param(call.target, "limit", 100, 1, 1000);
  for (const auto* p : {&after, &limit}) {
    if (!*p) {
      return Reply::error(p->error());
    }
  }
  auto run = call.services.store.get_run(id);
  if (!run) {
    return Reply::error(not_found("unknown_run", "no run with id '" + id + "'", Json{{"run_id", id}}));
  }
  Json out = Json::array();
  int64_t last = *after;
  for (const auto& e : call.services.store.get_events(id, *after, static_cast<size_t>(*limit))) {
    out.push_back(event_json(e));
    last = e.seq;
  }
  return Reply::json(200, Json{{"run_id", id},
                               {"status", std::string(to_string(run->status))},
                               {"events", std::move(out)},
                               {"next_after", last}});
}

Reply stream_events(Call& call) {
  Services& services = call.services;
  const std::string& id = call.param("id");
  auto start = stream_start(call);
  if (!start) {
    return Reply::error(start.error());
  }
  if (!services.store.get_run(id)) {
    return Reply::error(not_found("unknown_run", "no run with id '" + id + "'", Json{{"run_id", id}}));
  }
  OpenStream counted(services.metrics);
  RunWatch::Subscription follow(services.watch, id);

  auto& response = call.response();
  response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
  response.setContentType("text/event-stream");
  response.set("Cache-Control", "no-cache");
  response.set("X-Accel-Buffering", "no");  // proxies must not hold events back
  response.setChunkedTransferEncoding(true);
  response.setKeepAlive(false);
  std::ostream& out = response.send();
  const auto write = [&out](const std::string& text) {
    out << text;
    out.flush();  // one chunk per write, on the wire now
    return static_cast<bool>(out);
  };

  Reply reply;
  reply.streamed = true;
  const auto opened = Clock::now();
  auto next_heartbeat = opened + services.limits.stream_heartbeat;
  int64_t last = *start;
  if (!write(sse_retry(2000))) {
    return reply;
  }
  while (true) {
    follow.mark();
    // The status first, then the events: a finished run's final event is
    // committed with its status, so once finished is read every event is there.
    auto run = services.store.get_run(id);
    const bool finished = !run || is_final(run->status);
    const auto events = services.store.get_events(id, last, kStreamBatch);
    for (const auto& e : events) {
      if (!write(sse_event(e.seq, compact(event_json(e))))) {
        return reply;  // the client went away
      }
      last = e.seq;
    }
    if (events.size() == kStreamBatch) {
      continue;  // catching up
    }
    if (finished) {
      write(sse_named("end", compact(Json{{"run_id", id},
                                          {"status", run ? std::string(to_string(run->status)) : "unknown"},
                                          {"last_seq", last}})));
      return reply;
    }
    const auto now = Clock::now();
    if (now - opened >= services.limits.stream_max_duration) {
      write(sse_comment("the stream reached its maximum duration; reconnect with Last-Event-ID to go on"));
      return reply;
    }
    if (now >= next_heartbeat) {
      if (!write(sse_comment("heartbeat"))) {
        return reply;
      }
      next_heartbeat = now + services.limits.stream_heartbeat;
    }
    const auto until_heartbeat = std::chrono::duration_cast<milliseconds>(next_heartbeat - now);
    const auto until_end = std::chrono::duration_cast<milliseconds>(opened + services.limits.stream_max_duration - now);
    const auto timeout = std::max(milliseconds(1), std::min({services.limits.poll, until_heartbeat, until_end}));
    if (follow.wait(timeout) == RunWatch::Subscription::Woke::Closed) {
      write(sse_comment("the server is shutting down; reconnect with Last-Event-ID to go on"));
      return reply;
    }
  }
}

}  // namespace linkhub::http
