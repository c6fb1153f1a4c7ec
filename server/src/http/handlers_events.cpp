// /api/v1/runs/{id}/events: a run's events as pages, or live as Server-Sent Events.
#include "http/handlers.hpp"
#include "http/json_views.hpp"
#include "http/sse_feed.hpp"
#include "http/stream_slot.hpp"

#include <algorithm>

namespace linkhub::http {
namespace {

constexpr size_t kStreamBatch = 500;  // events read per query while catching up

// One open stream: what it has sent, read from the store when the server
// polls it. It counts itself in /metrics for as long as it lives.
class RunFeed final : public SseFeed {
 public:
  RunFeed(Services& services, std::string run_id, int64_t after)
      : services_(services), run_id_(std::move(run_id)), last_(after) {
    services_.metrics.stream_opened();
  }
  ~RunFeed() override { services_.metrics.stream_closed(); }
  RunFeed(const RunFeed&) = delete;
  RunFeed& operator=(const RunFeed&) = delete;

  std::string first() override { return sse_retry(2000); }
  Next poll() override {
    Next next;
    while (true) {
      // The status first, then the events: a finished run's final event is
      // committed with its status, so once finished is read every event is there.
      auto run = services_.store.get_run(run_id_);
      const bool finished = !run || is_final(run->status);
      const auto events = services_.store.get_events(run_id_, last_, kStreamBatch);
      for (const auto& e : events) {
        next.text += sse_event(e.seq, compact(event_json(e)));
        last_ = e.seq;
      }
      if (events.size() == kStreamBatch) {
        continue;  // catching up
      }
      if (finished) {
        next.text += sse_named("end", compact(Json{{"run_id", run_id_},
                                                   {"status", run ? std::string(to_string(run->status)) : "unknown"},
                                                   {"last_seq", last_}}));
        next.done = true;
      }
      return next;
    }
  }

 private:
  Services& services_;
  const std::string run_id_;
  int64_t last_;
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
  auto feed = std::make_shared<RunFeed>(services, id, *start);
  return start_stream(call, std::move(feed), id);
}

}  // namespace linkhub::http
