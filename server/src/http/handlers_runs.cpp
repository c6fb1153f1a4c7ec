// /api/v1/runs and /api/v1/dead-letters: listing, inspecting, cancelling and retrying runs.
#include "http/follow.hpp"
#include "http/handlers.hpp"
#include "http/json_views.hpp"

#include <linkhub/engine/node.hpp>

#include <array>

namespace linkhub::http {
namespace {

constexpr std::array<std::string_view, 6> kRunStatuses = {"queued",    "running", "waiting",
                                                          "succeeded", "failed",  "cancelled"};

ApiResult<RunRecord> find_run(Call& call) {
  const std::string& id = call.param("id");
  if (auto run = call.services.store.get_run(id)) {
    return std::move(*run);
  }
  return not_found("unknown_run", "no run with id '" + id + "'", Json{{"run_id", id}});
}

Reply accepted(const RunRecord& run) {
  Reply reply = Reply::json(202, Json{{"run_id", run.id}, {"status", std::string(to_string(run.status))}});
  reply.headers.emplace_back("Location", "/api/v1/runs/" + run.id);
  return reply;
}

}  // namespace

Reply list_runs(Call& call) {
  RunFilter filter;
  const auto& query = call.target.query;
  if (auto it = query.find("workflow"); it != query.end()) {
    filter.workflow = it->second;
  }
  if (auto it = query.find("status"); it != query.end()) {
    if (std::find(kRunStatuses.begin(), kRunStatuses.end(), it->second) == kRunStatuses.end()) {
      return Reply::error(bad_request("bad_parameter",
                                      "query parameter 'status': expected queued, running, waiting, succeeded, failed "
                                      "or cancelled, found '" +
                                          it->second.substr(0, 64) + "'",
                                      Json{{"parameter", "status"}}));
    }
    filter.status = it->second;
  }
  auto limit = int_param(call.target, "limit", 50, 1, 500);
  auto since = int_param(call.target, "since", 0, 0, INT64_MAX);
  auto until = int_param(call.target, "until", 0, 0, INT64_MAX);
  for (const auto* p : {&limit, &since, &until}) {
    if (!*p) {
      return Reply::error(p->error());
    }
  }
  filter.since_ms = *since;
  filter.until_ms = *until;
  if (auto it = query.find("cursor"); it != query.end()) {
    auto cursor = decode_cursor(it->second);
    if (!cursor) {
      return Reply::error(bad_request("bad_cursor",
                                      "query parameter 'cursor': not a cursor this server gave out (pass "
                                      "next_cursor from the previous page as is)",
                                      Json{{"parameter", "cursor"}}));
    }
    filter.after_created_ms = cursor->created_ms;
    filter.after_id = cursor->id;
  }
  // One more than asked tells whether another page exists.
  filter.limit = static_cast<size_t>(*limit) + 1;
  auto runs = call.services.store.list_runs(filter);
  Json next = nullptr;
  if (runs.size() > static_cast<size_t>(*limit)) {
    runs.pop_back();
    next = encode_cursor(Cursor{runs.back().created_ms, runs.back().id});
  }
  Json out = Json::array();
  for (const auto& run : runs) {
    out.push_back(run_summary_json(run));
  }
  return Reply::json(200, Json{{"runs", std::move(out)}, {"next_cursor", std::move(next)}});
}

Reply get_run(Call& call) {
  auto run = find_run(call);
  if (!run) {
    return Reply::error(run.error());
  }
  return Reply::json(200, run_document(call.services, *run));
}

Reply cancel_run(Call& call) {
  auto run = find_run(call);
  if (!run) {
    return Reply::error(run.error());
  }
  if (!call.services.store.request_cancel(run->id)) {
    auto now = call.services.store.get_run(run->id).value_or(*run);
    return Reply::error(conflict(
        "run_finished",
        "run " + now.id + " already finished (" + std::string(to_string(now.status)) + "): there is nothing to cancel",
        Json{{"run_id", now.id}, {"status", std::string(to_string(now.status))}}));
  }
  // A queued run is cancelled in the store at once, without an executor event: tell its followers.
  call.services.watch.notify(run->id);
  return accepted(call.services.store.get_run(run->id).value_or(*run));
}

Reply retry_run(Call& call) {
  auto run = find_run(call);
  if (!run) {
    return Reply::error(run.error());
  }
  auto request = call.parsed_body(parse_retry_body);
  if (!request) {
    return Reply::error(request.error());
  }
  const Json details{{"run_id", run->id}, {"status", std::string(to_string(run->status))}};
  if (!is_final(run->status)) {
    return Reply::error(conflict("run_not_finished",
                                 "run " + run->id + " is " + std::string(to_string(run->status)) +
                                     ": only a finished run can be retried (cancel it first)",
                                 details));
  }
  auto requeued = linkhub::retry_run(call.services.store, run->id, request->from);
  if (!requeued) {
    // The run is finished, so what is left is the request: an unknown step, or nothing to retry.
    if (!request->from.empty()) {
      return Reply::error(unprocessable("unknown_step", requeued.error().message, Json{{"field", "from"}}));
    }
    return Reply::error(conflict("nothing_to_retry", requeued.error().message, details));
  }
  call.services.watch.notify(run->id);
  return accepted(*requeued);
}

Reply list_dead_letters(Call& call) {
  auto limit = int_param(call.target, "limit", 50, 1, 1000);
  if (!limit) {
    return Reply::error(limit.error());
  }
  std::string run_id;
  if (auto it = call.target.query.find("run"); it != call.target.query.end()) {
    run_id = it->second;
  }
  Json out = Json::array();
  for (const auto& letter : call.services.store.dead_letters(run_id, static_cast<size_t>(*limit))) {
    out.push_back(dead_letter_json(letter));
  }
  return Reply::json(200, Json{{"dead_letters", std::move(out)}});
}

namespace {

// The dead letters of one step of one run (one per foreach item that failed), or 404.
ApiResult<std::vector<DeadLetter>> step_dead_letters(Call& call) {
  const std::string& run_id = call.param("run");
  const std::string& step = call.param("step");
  std::vector<DeadLetter> letters;
  for (auto& letter : call.services.store.dead_letters(run_id, 100000)) {
    if (letter.step_id == step) {
      letters.push_back(std::move(letter));
    }
  }
  if (letters.empty()) {
    return not_found("unknown_dead_letter", "run '" + run_id + "' has no dead letter for step '" + step + "'",
                     Json{{"run_id", run_id}, {"step", step}});
  }
  return letters;
}

}  // namespace

Reply get_dead_letters(Call& call) {
  auto letters = step_dead_letters(call);
  if (!letters) {
    return Reply::error(letters.error());
  }
  Json out = Json::array();
  for (const auto& letter : *letters) {
    out.push_back(dead_letter_json(letter));
  }
  return Reply::json(200, Json{{"dead_letters", std::move(out)}});
}

// Requeuing a dead letter is retrying its run: the failed steps (this one
// among them) and what depends on them run again, with the same idempotency
// keys; foreach items that succeeded keep their outputs. The letters are
// marked requeued, and a second requeue of the same finished run is a 409.
Reply requeue_dead_letters(Call& call) {
  auto letters = step_dead_letters(call);
  if (!letters) {
    return Reply::error(letters.error());
  }
  const std::string& run_id = call.param("run");
  auto run = call.services.store.get_run(run_id);
  if (!run) {
    return Reply::error(not_found("unknown_run", "no run with id '" + run_id + "'", Json{{"run_id", run_id}}));
  }
  const Json details{{"run_id", run->id}, {"status", std::string(to_string(run->status))}};
  if (!is_final(run->status)) {
    return Reply::error(conflict("run_not_finished",
                                 "run " + run->id + " is " + std::string(to_string(run->status)) +
                                     ": it was requeued already, or is still going",
                                 details));
  }
  auto requeued = linkhub::retry_run(call.services.store, run->id);
  if (!requeued) {
    return Reply::error(conflict("nothing_to_retry", requeued.error().message, details));
  }
  call.services.watch.notify(run->id);
  return accepted(*requeued);
}

}  // namespace linkhub::http
