// `linkhub runs ...` and `linkhub dead-letters`: runs in the database.
#include "cli_common.hpp"

#include <linkhub/engine/node.hpp>

#include <ctime>
#include <iomanip>
#include <iostream>

namespace linkhub::cli {
namespace {

Json run_json(const RunRecord& r) {
  Json j{{"id", r.id},
         {"workflow", r.workflow},
         {"workflow_version", r.workflow_version},
         {"status", std::string(to_string(r.status))},
         {"inputs", r.inputs},
         {"outputs", r.outputs},
         {"created_ms", r.created_ms},
         {"started_ms", r.started_ms},
         {"finished_ms", r.finished_ms}};
  if (!r.error.empty()) {
    j["error"] = r.error;
  }
  if (!r.error_code.empty()) {
    j["error_code"] = r.error_code;
    j["error_details"] = r.error_details;
  }
  if (!r.idempotency_key.empty()) {
    j["idempotency_key"] = r.idempotency_key;
  }
  return j;
}

Json step_json(const StepRecord& s) {
  Json j{{"step", s.step_id},
         {"status", std::string(to_string(s.status))},
         {"attempt", s.attempt},
         {"started_ms", s.started_ms},
         {"finished_ms", s.finished_ms},
         {"input", s.input},
         {"output", s.output}};
  if (s.index >= 0) {
    j["index"] = s.index;
  }
  if (!s.error.empty()) {
    j["error"] = s.error;
  }
  if (!s.error_code.empty()) {
    j["error_code"] = s.error_code;
    j["error_details"] = s.error_details;
  }
  return j;
}

// A run's durable waits (core.wait_for, core.sleep) while it is unfinished.
Json waits_doc(const std::vector<WaitRecord>& waits) {
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

// " [not_found]" after a status, so a reader sees the class before the prose.
std::string coded(const std::string& code) {
  return code.empty() ? "" : " [" + terminal_safe(code) + "]";
}

Json event_json(const EventRecord& e) {
  Json j{{"seq", e.seq}, {"time_ms", e.time_ms}, {"type", e.type}, {"payload", e.payload}};
  if (!e.step_id.empty()) {
    j["step"] = e.step_id;
  }
  if (e.index >= 0) {
    j["index"] = e.index;
  }
  return j;
}

// Opens the configuration and the store without loading plugins (reading runs needs none).
Result<std::unique_ptr<SqlStore>> store_only(const GlobalOptions& global) {
  auto config = load_cli_config(global);
  if (!config) {
    return config.error();
  }
  return open_store(global, *config);
}

}  // namespace

int cmd_runs_list(const GlobalOptions& global, const RunsListOptions& options) {
  auto store = store_only(global);
  if (!store) {
    std::cerr << "linkhub: " << store.error().message << "\n";
    return 2;
  }
  RunFilter filter{options.workflow, options.status, options.limit};
  auto runs = (*store)->list_runs(filter);
  if (global.format == "json") {
    Json out = Json::array();
    for (const auto& r : runs) {
      out.push_back(run_json(r));
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (runs.empty()) {
    std::cout << "no runs in " << (*store)->display_url() << "\n";
    return 0;
  }
  std::cout << std::left << std::setw(38) << "RUN" << std::setw(24) << "WORKFLOW" << std::setw(11) << "STATUS"
            << std::setw(21) << "CREATED (UTC)"
            << "ERROR\n";
  for (const auto& r : runs) {
    std::cout << std::left << std::setw(38) << terminal_safe(r.id) << std::setw(24) << terminal_safe(r.workflow)
              << std::setw(11) << to_string(r.status) << std::setw(21) << format_time(r.created_ms)
              << terminal_safe(r.error.substr(0, 80)) << "\n";
  }
  return 0;
}

int cmd_runs_show(const GlobalOptions& global, const std::string& run_id, bool events) {
  auto store = store_only(global);
  if (!store) {
    std::cerr << "linkhub: " << store.error().message << "\n";
    return 2;
  }
  auto run = (*store)->get_run(run_id);
  if (!run) {
    std::cerr << "linkhub: no run " << run_id << " in " << (*store)->display_url() << "\n";
    return 1;
  }
  const auto steps = (*store)->get_steps(run_id);
  const auto letters = (*store)->dead_letters(run_id, 1000);
  const auto waits = (*store)->waits(run_id);
  std::vector<EventRecord> evs;
  if (events) {
    evs = (*store)->get_events(run_id, 0, 1000000);
  }
  if (global.format == "json") {
    Json doc = run_json(*run);
    doc["steps"] = Json::array();
    for (const auto& s : steps) {
      doc["steps"].push_back(step_json(s));
    }
    doc["dead_letters"] = letters.size();
    if (!waits.empty()) {
      doc["waits"] = waits_doc(waits);
    }
    if (events) {
      doc["events"] = Json::array();
      for (const auto& e : evs) {
        doc["events"].push_back(event_json(e));
      }
    }
    std::cout << doc.dump(2) << "\n";
    return 0;
  }
  std::cout << "run       " << terminal_safe(run->id) << "\n"
            << "workflow  " << terminal_safe(run->workflow) << " (version " << run->workflow_version << ", "
            << run->workflow_hash << ")\n"
            << "status    " << to_string(run->status) << coded(run->error_code)
            << (run->error.empty() ? "" : ": " + terminal_safe(run->error)) << "\n"
            << "created   " << format_time(run->created_ms) << " UTC\n"
            << "inputs    " << run->inputs.dump() << "\n";
  if (run->status == RunStatus::Succeeded) {
    std::cout << "outputs   " << run->outputs.dump() << "\n";
  }
  for (const auto& w : waits) {
    std::cout << "waits     " << terminal_safe(w.step_id) << ": "
              << (w.key.empty() ? std::string("sleeps") : "key " + terminal_safe(w.key))
              << (w.deadline_ms == 0 ? std::string(", no deadline") : ", until " + format_time(w.deadline_ms) + " UTC")
              << (w.state == "waiting" ? "" : " (" + w.state + ", resuming)") << "\n";
  }
  std::cout << "steps\n";
  for (const auto& s : steps) {
    const std::string who = s.index >= 0 ? s.step_id + "[" + std::to_string(s.index) + "]" : s.step_id;
    std::cout << "  " << std::left << std::setw(28) << terminal_safe(who) << std::setw(11) << to_string(s.status)
              << "attempt " << s.attempt;
    if (s.finished_ms > 0 && s.started_ms > 0) {
      std::cout << ", " << (s.finished_ms - s.started_ms) << " ms";
    }
    if (!s.error.empty()) {
      std::cout << coded(s.error_code) << ": " << terminal_safe(s.error);
    }
    std::cout << "\n";
  }
  if (!letters.empty()) {
    std::cout << "dead letters: " << letters.size() << " (see `linkhub dead-letters " << run_id << "`)\n";
  }
  if (events) {
    std::cout << "events\n";
    const int64_t t0 = evs.empty() ? 0 : evs.front().time_ms;
    for (const auto& e : evs) {
      const std::string who = e.index >= 0 ? e.step_id + "[" + std::to_string(e.index) + "]" : e.step_id;
      std::cout << "  " << std::right << std::setw(4) << e.seq << " +" << std::setw(6) << (e.time_ms - t0) << " ms  "
                << std::left << std::setw(16) << terminal_safe(e.type) << std::setw(20) << terminal_safe(who)
                << e.payload.dump() << "\n";
    }
  }
  return 0;
}

int cmd_runs_cancel(const GlobalOptions& global, const std::string& run_id) {
  auto store = store_only(global);
  if (!store) {
    std::cerr << "linkhub: " << store.error().message << "\n";
    return 2;
  }
  if (!(*store)->request_cancel(run_id)) {
    auto run = (*store)->get_run(run_id);
    std::cerr << "linkhub: "
              << (run ? "run " + run_id + " already " + std::string(to_string(run->status))
                      : "no run " + run_id + " in " + (*store)->display_url())
              << "\n";
    return 1;
  }
  auto run = (*store)->get_run(run_id);
  if (run && run->status == RunStatus::Cancelled) {
    std::cout << "cancelled run " << run_id << " (it had not started)\n";
  } else {
    std::cout << "asked the node running " << run_id
              << " to cancel it: its running steps see the cancellation, nothing new starts\n";
  }
  return 0;
}

int cmd_runs_retry(const GlobalOptions& global, const std::string& run_id, const std::string& from_step, bool detach) {
  auto session = open_session(global);
  if (!session) {
    return 2;
  }
  auto* env = &session->env;
  auto* store = &session->store;
  auto run = retry_run(**store, run_id, from_step);
  if (!run) {
    std::cerr << "linkhub: " << run.error().message << "\n";
    return 1;
  }
  (global.format == "json" ? std::cerr : std::cout)
      << "retrying run " << run_id << (from_step.empty() ? "" : " from step " + from_step) << "\n"
      << std::flush;
  if (detach) {
    return 0;
  }
  return execute_and_report(global, *env, **store, run_id, 0);
}

int cmd_runs_resume(const GlobalOptions& global, const std::string& run_id) {
  auto session = open_session(global);
  if (!session) {
    return 2;
  }
  auto* env = &session->env;
  auto* store = &session->store;
  auto run = (*store)->get_run(run_id);
  if (!run) {
    std::cerr << "linkhub: no run " << run_id << " in " << (*store)->display_url() << "\n";
    return 1;
  }
  return execute_and_report(global, *env, **store, run_id, 0);
}

int cmd_dead_letters(const GlobalOptions& global, const std::string& run_id, size_t limit) {
  auto store = store_only(global);
  if (!store) {
    std::cerr << "linkhub: " << store.error().message << "\n";
    return 2;
  }
  auto letters = (*store)->dead_letters(run_id, limit);
  if (global.format == "json") {
    Json out = Json::array();
    for (const auto& d : letters) {
      Json j{{"run_id", d.run_id}, {"workflow", d.workflow}, {"step", d.step_id},         {"attempts", d.attempts},
             {"input", d.input},   {"error", d.error},       {"created_ms", d.created_ms}};
      if (d.index >= 0) {
        j["index"] = d.index;
      }
      if (d.requeued_ms > 0) {
        j["requeued_ms"] = d.requeued_ms;
      }
      out.push_back(std::move(j));
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (letters.empty()) {
    std::cout << "no dead letters\n";
    return 0;
  }
  for (const auto& d : letters) {
    const std::string who = d.index >= 0 ? d.step_id + "[" + std::to_string(d.index) + "]" : d.step_id;
    std::cout << format_time(d.created_ms) << "  " << terminal_safe(d.run_id) << "  " << terminal_safe(d.workflow)
              << "/" << terminal_safe(who) << "  after " << d.attempts << " attempts"
              << (d.requeued_ms > 0 ? " (requeued)" : "") << "\n    error: " << terminal_safe(d.error)
              << "\n    input: " << d.input.dump() << "\n";
  }
  return 0;
}

}  // namespace linkhub::cli
