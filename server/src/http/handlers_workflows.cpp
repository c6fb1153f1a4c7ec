// /api/v1/workflows: the registered workflows, registering them at run time,
// validation, and triggering runs.
#include "http/auth.hpp"
#include "http/follow.hpp"
#include "http/handlers.hpp"
#include "http/json_views.hpp"
#include "http/run_start.hpp"

#include <linkhub/engine/compile.hpp>
#include <linkhub/engine/executor.hpp>
#include <linkhub/engine/names.hpp>

#include <algorithm>
#include <chrono>

namespace linkhub::http {
namespace {

// Who changed the registered workflows, for the head's updated_by: "api:key:<id>" or "api:user:<name>".
std::string who(const Call& call) {
  return call.principal != nullptr ? "api:" + call.principal->label() : std::string("api");
}

ApiResult<CatalogEntry> find_workflow(Call& call) {
  const std::string& name = call.param("name");
  if (auto entry = call.services.workflows.find(name)) {
    return std::move(*entry);
  }
  Json known = Json::array();
  for (const auto& e : call.services.workflows.entries()) {
    known.push_back(e.workflow->name);
  }
  return not_found("unknown_workflow", "no workflow named '" + name + "' is registered",
                   Json{{"workflow", name}, {"known", known}});
}

Json head_json(const WorkflowHead& head) {
  return Json{{"origin", head.origin}, {"updated_by", head.updated_by}, {"updated_ms", head.updated_ms}};
}

// The body of PUT /workflows/{name} loaded and linted as POST /workflows/validate does.
ApiResult<Workflow> workflow_from_body(Call& call, const std::string& name) {
  auto body = call.body();
  if (!body) {
    return body.error();
  }
  if (!valid_name(name)) {
    return bad_request("invalid_name",
                       "the workflow name in the path must be " + std::string(kNameRule) + " (docs/workflows.md)",
                       Json{{"workflow", name.substr(0, 80)}, {"rule", "^[a-z0-9][a-z0-9_.-]{0,63}$"}});
  }
  if (body->find_first_not_of(" \t\r\n") == std::string::npos) {
    return bad_request("empty_body", "the body is empty: send the workflow's YAML text, or JSON {\"yaml\": \"...\"}");
  }
  auto request = parse_validate_body(*body, call.media_type());
  if (!request) {
    return request.error();
  }
  if (request->file == ValidateBody{}.file) {
    request->file = name + ".yaml";
  }
  Compiled compiled = compile_workflow(request->yaml, request->file, call.services.host);
  if (!compiled.ok()) {
    Json diagnostics = Json::array();
    for (const auto& d : compiled.diagnostics) {
      diagnostics.push_back(diagnostic_to_json(d));
    }
    const size_t count = diagnostics.size();
    return unprocessable("invalid_workflow",
                         "the workflow does not validate (" + std::to_string(count) +
                             (count == 1 ? " problem" : " problems") + "; see details.diagnostics)",
                         Json{{"workflow", name}, {"diagnostics", std::move(diagnostics)}});
  }
  Workflow workflow = *compiled.workflow;
  if (workflow.name != name) {
    return bad_request("name_mismatch",
                       "the YAML names workflow '" + workflow.name + "' but the path names '" + name + "'",
                       Json{{"path", name}, {"yaml", workflow.name}});
  }
  // Registered through the API: it has no folder on this machine (the file
  // name only labelled the diagnostics), so nothing resolves files beside it.
  workflow.file.clear();
  return workflow;
}

Json run_links(const std::string& id) {
  const std::string self = "/api/v1/runs/" + id;
  return Json{{"self", self}, {"events", self + "/events"}, {"stream", self + "/events/stream"}};
}

}  // namespace

Reply list_workflows(Call& call) {
  Json out = Json::array();
  for (const auto& entry : call.services.workflows.entries()) {
    const Workflow& wf = *entry.workflow;
    RunFilter filter;
    filter.workflow = wf.name;
    filter.limit = 1;
    const auto last = call.services.store.list_runs(filter);
    out.push_back(Json{{"name", wf.name},
                       {"version", wf.version},
                       {"description", wf.description},
                       {"hash", entry.hash},
                       {"registered", head_json(entry.head)},
                       {"triggers", wf.triggers},
                       {"steps", wf.steps.size()},
                       {"last_run", last.empty() ? Json(nullptr)
                                                 : Json{{"id", last.front().id},
                                                        {"status", std::string(to_string(last.front().status))},
                                                        {"created_ms", last.front().created_ms}}}});
  }
  return Reply::json(200, Json{{"workflows", std::move(out)}});
}

Reply get_workflow(Call& call) {
  auto entry = find_workflow(call);
  if (!entry) {
    return Reply::error(entry.error());
  }
  const Workflow& wf = *entry->workflow;
  Json outputs = Json::array();
  for (const auto& [name, value] : wf.outputs.items()) {
    outputs.push_back(name);
  }
  return Reply::json(200, Json{{"name", wf.name},
                               {"version", wf.version},
                               {"description", wf.description},
                               {"hash", entry->hash},
                               {"registered", head_json(entry->head)},
                               {"file", wf.file},
                               {"source", wf.source},
                               {"triggers", wf.triggers},
                               {"concurrency", wf.concurrency},
                               {"input_schema", input_schema_json(wf)},
                               {"outputs", std::move(outputs)},
                               {"dag", dag_json(wf, call.services.host)}});
}

Reply validate_workflow_body(Call& call) {
  auto body = call.body();
  if (!body) {
    return Reply::error(body.error());
  }
  auto request = parse_validate_body(*body, call.media_type());
  if (!request) {
    return Reply::error(request.error());
  }
  Compiled compiled = compile_workflow(request->yaml, request->file, call.services.host);
  Json diagnostics = Json::array();
  for (const auto& d : compiled.diagnostics) {
    diagnostics.push_back(diagnostic_to_json(d));
  }
  return Reply::json(200, Json{{"valid", compiled.ok()}, {"diagnostics", std::move(diagnostics)}});
}

Reply trigger_run(Call& call) {
  auto entry = find_workflow(call);
  if (!entry) {
    return Reply::error(entry.error());
  }
  auto wait = duration_param(call.target, "wait", call.services.limits.max_wait);
  if (!wait) {
    return Reply::error(wait.error());
  }
  std::string key;
  if (const std::string header = call.header("Idempotency-Key"); !header.empty()) {
    auto parsed = parse_idempotency_key(header);
    if (!parsed) {
      return Reply::error(parsed.error());
    }
    key = std::move(*parsed);
  }
  auto request = call.parsed_body(parse_trigger_body);
  if (!request) {
    return Reply::error(request.error());
  }
  // A wait holds a worker thread: past the caps the run is answered at once
  // (it exists already; a 503 would have the client trigger it again).
  Slots::Taken waiting;
  if (wait->count() > 0) {
    waiting = call.services.waits.acquire(call.principal ? call.principal->label() : call.client_address());
  }
  const bool will_wait = wait->count() > 0 && waiting.full == Slots::Full::No;
  const auto asked = std::chrono::steady_clock::now();
  auto started = [&] {
    // This thread only waits for the run next: its first pure steps run here.
    std::optional<Executor::RunPureStepsHere> here;
    if (will_wait) {
      here.emplace();
    }
    return start_run(call.services, *entry, request->inputs, key);
  }();
  if (!started) {
    return Reply::error(started.error());
  }
  RunRecord current = std::move(started->run);
  if (will_wait) {
    // The wait counts from the request: the steps run here above are part of it.
    const auto ran = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - asked);
    if (auto latest = wait_for_run(call.services, current.id, std::max(*wait - ran, std::chrono::milliseconds(0)))) {
      current = std::move(*latest);
    }
    if (is_final(current.status)) {
      Reply reply = Reply::json(200, run_document(call.services, current));
      reply.headers.emplace_back("Location", "/api/v1/runs/" + current.id);
      return reply;
    }
  }
  Reply reply = Reply::json(202, Json{{"run_id", current.id},
                                      {"workflow", current.workflow},
                                      {"status", std::string(to_string(current.status))},
                                      {"links", run_links(current.id)}});
  if (waiting.full != Slots::Full::No) {
    reply.body["wait_skipped"] = waiting.full == Slots::Full::Total ? "too_many_waits" : "too_many_waits_for_principal";
  }
  reply.headers.emplace_back("Location", "/api/v1/runs/" + current.id);
  return reply;
}

Reply put_workflow(Call& call) {
  const std::string& name = call.param("name");
  auto wf = workflow_from_body(call, name);
  if (!wf) {
    return Reply::error(wf.error());
  }
  auto outcome = call.services.workflows.put(*wf, who(call));
  if (!outcome) {
    return Reply::error(unprocessable("invalid_workflow", outcome.error().message, Json{{"workflow", name}}));
  }
  static constexpr const char* kOutcomes[] = {"created", "replaced", "unchanged"};
  Reply reply =
      Reply::json(*outcome == PutOutcome::Created ? 201 : 200, Json{{"name", wf->name},
                                                                    {"version", wf->version},
                                                                    {"hash", workflow_hash(*wf)},
                                                                    {"status", kOutcomes[static_cast<int>(*outcome)]}});
  reply.headers.emplace_back("Location", "/api/v1/workflows/" + wf->name);
  return reply;
}

Reply delete_workflow(Call& call) {
  const std::string& name = call.param("name");
  if (!call.services.workflows.remove(name, who(call))) {
    return Reply::error(
        not_found("unknown_workflow", "no workflow named '" + name + "' is registered", Json{{"workflow", name}}));
  }
  Reply reply;
  reply.status = 204;
  return reply;
}

}  // namespace linkhub::http
