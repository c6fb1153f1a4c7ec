// POST /api/v1/events/{key}: an event from another system for the run that
// waits on its key (core.wait_for). Not a run's own event log: that is
// handlers_events.cpp.
#include "http/handlers.hpp"

#include <linkhub/engine/waits.hpp>

#include <algorithm>
#include <cctype>

namespace linkhub::http {
namespace {

// Any JSON value; an empty body is the empty object.
ApiResult<Json> parse_event_payload(std::string_view body) {
  if (std::all_of(body.begin(), body.end(), [](unsigned char c) { return std::isspace(c) != 0; })) {
    return Json::object();
  }
  return parse_json(body);
}

}  // namespace

Reply deliver_wait_event(Call& call) {
  const std::string& key = call.param("key");
  if (auto problem = event_key_problem(key)) {
    return Reply::error(bad_request("bad_key", "path parameter 'key': " + *problem, Json{{"parameter", "key"}}));
  }
  auto payload = call.parsed_body(parse_event_payload);
  if (!payload) {
    return Reply::error(payload.error());
  }
  auto delivery = deliver_event(call.services.store, key, *payload);
  if (!delivery) {
    return Reply::error(bad_request("bad_key", delivery.error().message, Json{{"parameter", "key"}}));
  }
  if (!delivery->delivered) {
    // Not kept for later: a sender whose event found nobody decides what to do
    // (the WhatsApp webhook starts a new conversation instead).
    return Reply::error(not_found("no_waiting_run", "no run is waiting for the key '" + key + "'", Json{{"key", key}}));
  }
  call.services.watch.notify(delivery->run_id);
  Reply reply = Reply::json(
      202, Json{{"delivered", true}, {"key", key}, {"run_id", delivery->run_id}, {"step", delivery->step_id}});
  reply.headers.emplace_back("Location", "/api/v1/runs/" + delivery->run_id);
  return reply;
}

}  // namespace linkhub::http
