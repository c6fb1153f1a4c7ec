// GET /api/v1/runs/stream: the run-level events of every run (created,
// started, waiting, requeued, finished) with the run as it is now, live as
// Server-Sent Events, so a list of runs follows them all on one connection.
#include "http/handlers.hpp"
#include "http/json_views.hpp"
#include "http/sse_feed.hpp"
#include "http/stream_slot.hpp"

#include <linkhub/engine/sql_store.hpp>

#include <set>

namespace linkhub::http {
namespace {

constexpr size_t kBatch = 500;         // events read per query
constexpr size_t kBatchesPerPoll = 8;  // a long catch-up goes on at the next poll
// Event times come from the nodes' clocks and are written when a transaction
// commits, so an event can land a little behind one already sent. Each poll
// reads this far back again and sends what it had not seen.
constexpr int64_t kSettleMs = 2000;

// An event's place as an SSE id: "<time_ms>-<seq>-<run_id>".
std::string cursor_text(const EventCursor& c) {
  return std::to_string(c.time_ms) + "-" + std::to_string(c.seq) + "-" + c.run_id;
}

ApiResult<EventCursor> parse_cursor(const std::string& what, const std::string& text) {
  const auto bad = [&] {
    return bad_request("bad_parameter",
                       what + ": expected an event id this stream gave out (<time_ms>-<seq>-<run_id>), found '" +
                           text.substr(0, 64) + "'",
                       Json{{"parameter", what}});
  };
  const auto first = text.find('-');
  const auto second = first == std::string::npos ? std::string::npos : text.find('-', first + 1);
  if (second == std::string::npos) {
    return bad();
  }
  auto time = int_value(what, std::string_view(text).substr(0, first), 0, INT64_MAX);
  auto seq = int_value(what, std::string_view(text).substr(first + 1, second - first - 1), 0, INT64_MAX);
  if (!time || !seq) {
    return bad();
  }
  return EventCursor{*time, text.substr(second + 1), *seq};
}

class RunsFeed final : public SseFeed {
 public:
  RunsFeed(Services& services, EventCursor start, std::string workflow)
      : services_(services), floor_(start), last_(std::move(start)), workflow_(std::move(workflow)) {
    services_.metrics.stream_opened();
  }
  ~RunsFeed() override { services_.metrics.stream_closed(); }
  RunsFeed(const RunsFeed&) = delete;
  RunsFeed& operator=(const RunsFeed&) = delete;

  std::string first() override { return sse_retry(2000); }

  Next poll() override {
    Next next;
    EventCursor from{last_.time_ms - kSettleMs, "", 0};
    if (from < floor_) {
      from = floor_;  // nothing before where the client asked to start
    }
    for (size_t batch = 0; batch < kBatchesPerPoll; ++batch) {
      const auto changes = services_.store.run_changes(from, kBatch);
      for (const auto& change : changes) {
        from = change.at;
        if (!seen_.insert(change.at).second) {
          continue;  // sent (or filtered out) by an earlier poll
        }
        if (last_ < change.at) {
          last_ = change.at;
        }
        if (!workflow_.empty() && change.run.workflow != workflow_) {
          continue;
        }
        // The id is the furthest place seen, so a reconnect never goes back before it.
        next.text += sse_event(cursor_text(last_), compact(Json{{"type", change.type},
                                                                {"run_id", change.run.id},
                                                                {"seq", change.at.seq},
                                                                {"time_ms", change.at.time_ms},
                                                                {"run", run_summary_json(change.run)}}));
      }
      if (changes.size() < kBatch) {
        break;
      }
    }
    // Forget what fell out of the window: it is never read again.
    const int64_t horizon = last_.time_ms - kSettleMs;
    while (!seen_.empty() && seen_.begin()->time_ms < horizon) {
      seen_.erase(seen_.begin());
    }
    return next;
  }

 private:
  Services& services_;
  const EventCursor floor_;
  EventCursor last_;
  const std::string workflow_;
  std::set<EventCursor> seen_;  // within kSettleMs of last_
};

}  // namespace

Reply stream_runs(Call& call) {
  Services& services = call.services;
  // Where to start: after Last-Event-ID (a reconnecting EventSource) or ?after; else from now on.
  EventCursor start{now_ms(), "", 0};
  const auto& query = call.target.query;
  std::string last = call.header("Last-Event-ID");
  std::string what = "header Last-Event-ID";
  if (last.empty()) {
    if (auto it = query.find("after"); it != query.end()) {
      last = it->second;
      what = "query parameter 'after'";
    }
  }
  if (!last.empty()) {
    auto parsed = parse_cursor(what, last);
    if (!parsed) {
      return Reply::error(parsed.error());
    }
    start = *parsed;
  }
  std::string workflow;
  if (auto it = query.find("workflow"); it != query.end()) {
    workflow = it->second;
  }
  auto feed = std::make_shared<RunsFeed>(services, start, workflow);
  return start_stream(call, std::move(feed), RunWatch::kAnyRun);
}

}  // namespace linkhub::http
