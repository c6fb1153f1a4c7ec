#include "http/json_views.hpp"

#include <algorithm>
#include <map>

namespace linkhub::http {
namespace {

Json text_or_null(const std::string& text) {
  return text.empty() ? Json(nullptr) : Json(text);
}

Json duration_or_null(int64_t started_ms, int64_t finished_ms) {
  return started_ms > 0 && finished_ms >= started_ms ? Json(finished_ms - started_ms) : Json(nullptr);
}

Json step_json(const StepRecord& s) {
  Json j{{"step", s.step_id},
         {"status", std::string(to_string(s.status))},
         {"attempts", s.attempt},
         {"started_ms", s.started_ms},
         {"finished_ms", s.finished_ms},
         {"duration_ms", duration_or_null(s.started_ms, s.finished_ms)},
         {"input", s.input},
         {"output", s.output},
         {"error", text_or_null(s.error)},
         {"error_code", text_or_null(s.error_code)},
         {"error_details", s.error_details.is_object() ? s.error_details : Json(nullptr)}};
  if (s.index >= 0) {
    j["index"] = s.index;
  }
  return j;
}

}  // namespace

Json waits_json(const std::vector<WaitRecord>& waits) {
  Json out = Json::array();
  for (const auto& w : waits) {
    out.push_back(Json{{"step", w.step_id},
                       {"key", w.key.empty() ? Json(nullptr) : Json(w.key)},
                       {"deadline_ms", w.deadline_ms == 0 ? Json(nullptr) : Json(w.deadline_ms)},
                       {"state", w.state},
                       {"since_ms", w.created_ms}});
  }
  return out;
}

bool is_final(RunStatus status) {
  return status == RunStatus::Succeeded || status == RunStatus::Failed || status == RunStatus::Cancelled;
}

Json run_summary_json(const RunRecord& r) {
  return Json{{"id", r.id},
              {"workflow", r.workflow},
              {"workflow_version", r.workflow_version},
              {"status", std::string(to_string(r.status))},
              {"error", text_or_null(r.error)},
              {"error_code", text_or_null(r.error_code)},
              {"error_details", r.error_details.is_object() ? r.error_details : Json(nullptr)},
              {"idempotency_key", text_or_null(r.idempotency_key)},
              {"created_ms", r.created_ms},
              {"started_ms", r.started_ms},
              {"finished_ms", r.finished_ms},
              {"duration_ms", duration_or_null(r.started_ms, r.finished_ms)}};
}

Json run_detail_json(const RunRecord& run, const std::vector<StepRecord>& steps, size_t dead_letters) {
  Json j = run_summary_json(run);
  j["workflow_hash"] = run.workflow_hash;
  j["inputs"] = run.inputs;
  j["outputs"] = run.outputs;
  j["dead_letters"] = dead_letters;
  Json list = Json::array();
  std::map<std::string, size_t> position;  // step id -> index in `list`
  for (const auto& s : steps) {
    if (s.index < 0) {
      position[s.step_id] = list.size();
      list.push_back(step_json(s));
    }
  }
  for (const auto& s : steps) {
    if (s.index < 0) {
      continue;
    }
    auto it = position.find(s.step_id);
    if (it == position.end()) {
      list.push_back(step_json(s));  // an item whose step record is not written yet
      continue;
    }
    Json& parent = list[it->second];
    if (!parent.contains("items")) {
      parent["items"] = Json::array();
    }
    parent["items"].push_back(step_json(s));
  }
  // Items run in parallel, so the order they started in is not their order.
  for (auto& step : list) {
    if (step.contains("items")) {
      auto& items = step["items"];
      std::stable_sort(items.begin(), items.end(),
                       [](const Json& a, const Json& b) { return a["index"].get<int>() < b["index"].get<int>(); });
    }
  }
  j["steps"] = std::move(list);
  return j;
}

Json event_json(const EventRecord& e) {
  Json j{{"seq", e.seq}, {"time_ms", e.time_ms}, {"type", e.type}, {"payload", e.payload}};
  j["step"] = text_or_null(e.step_id);
  if (e.index >= 0) {
    j["index"] = e.index;
  }
  return j;
}

Json dead_letter_json(const DeadLetter& d) {
  Json j{{"run_id", d.run_id},         {"workflow", d.workflow},
         {"step", d.step_id},          {"attempts", d.attempts},
         {"input", d.input},           {"error", d.error},
         {"created_ms", d.created_ms}, {"requeued_ms", d.requeued_ms > 0 ? Json(d.requeued_ms) : Json(nullptr)}};
  if (d.index >= 0) {
    j["index"] = d.index;
  }
  return j;
}

Json step_json(const LoadedStep& step) {
  return Json{{"uses", step.signature.uses},
              {"description", step.signature.description},
              {"pure", step.signature.pure},
              {"input_schema", step.signature.input_schema},
              {"output_schema", step.signature.output_schema}};
}

Json plugin_json(const LoadedPlugin& plugin) {
  Json steps = Json::array();
  for (const auto& step : plugin.steps) {
    steps.push_back(step_json(*step));
  }
  return Json{{"name", plugin.name},
              {"version", plugin.version},
              {"description", plugin.description},
              {"api_version", plugin_api_version_text(plugin.api_version)},
              {"steps", std::move(steps)}};
}

Json input_schema_json(const Workflow& workflow) {
  Json properties = Json::object();
  Json required = Json::array();
  for (const auto& input : workflow.inputs) {
    Json p{{"type", input.type}};
    if (!input.description.empty()) {
      p["description"] = input.description;
    }
    if (input.default_value) {
      p["default"] = *input.default_value;
    }
    properties[input.name] = std::move(p);
    if (input.required) {
      required.push_back(input.name);
    }
  }
  Json schema{{"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required.empty()) {
    schema["required"] = std::move(required);
  }
  return schema;
}

Json dag_json(const Workflow& workflow, const StepCatalog& catalog) {
  Json nodes = Json::array();
  Json edges = Json::array();
  for (const auto& step : workflow.steps) {
    const size_t dot = step.uses.find('.');
    Json node{{"id", step.id},
              {"uses", step.uses},
              {"plugin", step.uses.substr(0, dot)},
              {"step", dot == std::string::npos ? "" : step.uses.substr(dot + 1)},
              {"needs", step.needs},
              {"foreach", step.foreach.has_value()},
              {"conditional", step.if_cond.has_value()},
              {"retry_attempts", step.retry.attempts},
              {"continue_on_error", step.continue_on_error}};
    if (const StepSignature* sig = catalog.find_signature(step.uses)) {
      node["description"] = sig->description;
    }
    if (step.timeout) {
      node["timeout_ms"] = step.timeout->count();
    }
    nodes.push_back(std::move(node));
    for (const auto& need : step.needs) {
      edges.push_back(Json{{"from", need}, {"to", step.id}});
    }
  }
  return Json{{"nodes", std::move(nodes)}, {"edges", std::move(edges)}};
}

Json key_json(const ApiKeyRecord& key) {
  return Json{{"id", key.id},
              {"name", key.name},
              {"role", key.role},
              {"created_ms", key.created_ms},
              {"last_used_ms", key.last_used_ms == 0 ? Json(nullptr) : Json(key.last_used_ms)},
              {"revoked_ms", key.revoked_ms == 0 ? Json(nullptr) : Json(key.revoked_ms)}};
}

Json user_json(const UserRecord& user) {
  return Json{
      {"name", user.name}, {"role", user.role}, {"created_ms", user.created_ms}, {"disabled", user.disabled_ms != 0}};
}

}  // namespace linkhub::http
