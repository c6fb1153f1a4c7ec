#include "cli_batch.hpp"
#include "cli_common.hpp"

#include <linkhub/engine/compile.hpp>
#include <linkhub/engine/event_type.hpp>
#include <linkhub/engine/executor.hpp>
#include <linkhub/engine/node.hpp>

#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>

namespace linkhub::cli {
namespace {

Result<Json> collect_inputs(const RunOptions& options) {
  Json inputs = Json::object();
  if (!options.inputs_file.empty()) {
    std::ifstream in(options.inputs_file);
    if (!in) {
      return Error{"cannot read the inputs file " + options.inputs_file};
    }
    inputs = Json::parse(in, nullptr, false);
    if (inputs.is_discarded() || !inputs.is_object()) {
      return Error{options.inputs_file + ": expected a JSON object of input names to values"};
    }
  }
  for (const auto& kv : options.inputs) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Error{"--input '" + kv + "': expected NAME=VALUE"};
    }
    // Kept as text: the declared input type decides how it is read.
    inputs[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return inputs;
}

// Prints each step as it starts and ends. On a terminal the last line is a
// live status line (steps running, steps done) that is redrawn in place.
class Progress {
 public:
  Progress(std::ostream& out, bool tty) : out_(out), tty_(tty) {}

  void on_event(const EventRecord& e) {
    std::lock_guard lock(mutex_);
    const std::string who = e.index >= 0 ? e.step_id + "[" + std::to_string(e.index) + "]" : e.step_id;
    std::string line;
    const std::optional<EventType> type = parse_event_type(e.type);
    if (!type) {
      return;
    }
    if (type == EventType::StepStarted) {
      if (e.payload.contains("items")) {
        line = "started   " + who + " (foreach over " + e.payload["items"].dump() + " items)";
      } else if (e.payload.value("attempt", 1) > 1) {
        line = "started   " + who + " (attempt " + e.payload["attempt"].dump() + ")";
      } else {
        line = "started   " + who;
      }
      if (e.index < 0) {
        running_.insert(e.step_id);
      }
    } else if (type == EventType::StepSucceeded) {
      line = "succeeded " + who + " in " + ms(e.payload) + attempts(e.payload);
      finish(e.step_id);
    } else if (type == EventType::StepFailed) {
      const std::string code = e.payload.value("code", std::string());
      line = "failed    " + who + " after " + ms(e.payload) + attempts(e.payload) +
             (code.empty() ? "" : " [" + terminal_safe(code) + "]") + ": " +
             terminal_safe(e.payload.value("error", std::string()));
      if (e.payload.value("continue_on_error", false)) {
        line += " (continuing: continue_on_error)";
      }
      finish(e.step_id);
    } else if (type == EventType::StepSkipped || type == EventType::StepCancelled) {
      line = (type == EventType::StepSkipped ? "skipped   " : "cancelled ") + who + ": " +
             e.payload.value("reason", std::string());
      finish(e.step_id);
    } else if (type == EventType::StepRetrying) {
      line = "retrying  " + who + ": attempt " + e.payload["attempt"].dump() + " failed (" +
             e.payload.value("error", std::string()) + "), next in " + e.payload["delay_ms"].dump() + " ms";
    } else if (type == EventType::ItemFailed) {
      line = "failed    " + who + ": " + e.payload.value("error", std::string());
    } else if (type == EventType::StepLog) {
      line = "  " + who + " | " + e.payload.value("level", std::string()) + ": " +
             e.payload.value("message", std::string());
    } else if (type == EventType::RunResumed) {
      line = "resumed: kept " + std::to_string(e.payload.value("finished_steps", Json::array()).size()) +
             " finished steps";
    } else {
      return;
    }
    if (tty_) {
      out_ << "\r\033[K";
    }
    out_ << line << "\n";
    if (!tty_) {
      out_ << std::flush;  // someone may be following the run through a pipe
    }
    if (tty_ && !running_.empty()) {
      out_ << "\033[2m" << done_ << " done, running: ";
      bool first = true;
      for (const auto& s : running_) {
        out_ << (first ? "" : ", ") << s;
        first = false;
      }
      out_ << "\033[0m" << std::flush;
    }
  }

  void clear() {
    if (tty_) {
      out_ << "\r\033[K" << std::flush;
    }
  }

 private:
  static std::string ms(const Json& payload) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f ms", static_cast<double>(payload.value("duration_us", int64_t{0})) / 1000.0);
    return buf;
  }
  static std::string attempts(const Json& payload) {
    const int n = payload.value("attempts", 1);
    return n > 1 ? " (" + std::to_string(n) + " attempts)" : "";
  }
  void finish(const std::string& id) {
    running_.erase(id);
    ++done_;
  }

  std::ostream& out_;
  bool tty_;
  std::mutex mutex_;
  std::set<std::string> running_;
  int done_ = 0;
};

// The run as `linkhub run` prints it: steps in declaration order.
Json run_document(SqlStore& store, const RunRecord& run) {
  Json steps = Json::array();
  std::vector<StepRecord> records = store.get_steps(run.id);
  std::vector<std::string> order;
  if (auto wf = store.load_workflow(run.workflow_hash)) {
    if (auto loaded = load_workflow_text(wf->source, wf->file); loaded.workflow) {
      for (const auto& s : loaded.workflow->steps) {
        order.push_back(s.id);
      }
    }
  }
  auto rank = [&](const std::string& id) {
    return static_cast<size_t>(std::find(order.begin(), order.end(), id) - order.begin());
  };
  std::stable_sort(records.begin(), records.end(),
                   [&](const StepRecord& a, const StepRecord& b) { return rank(a.step_id) < rank(b.step_id); });
  for (const auto& s : records) {
    if (s.index >= 0) {
      continue;
    }
    Json step{{"id", s.step_id}, {"status", std::string(to_string(s.status))}, {"attempts", s.attempt}};
    if (s.finished_ms > 0 && s.started_ms > 0) {
      step["duration_ms"] = s.finished_ms - s.started_ms;
    }
    if (s.status == StepStatus::Succeeded) {
      step["outputs"] = s.output;
    } else if (!s.error.empty()) {
      step["error"] = s.error;
      if (!s.error_code.empty()) {
        step["error_code"] = s.error_code;
      }
    }
    steps.push_back(std::move(step));
  }
  Json doc{{"run_id", run.id},
           {"workflow", run.workflow},
           {"status", std::string(to_string(run.status))},
           {"steps", steps},
           {"outputs", run.outputs}};
  if (!run.error.empty()) {
    doc["error"] = run.error;
  }
  if (!run.error_code.empty()) {
    doc["error_code"] = run.error_code;
  }
  return doc;
}

}  // namespace

int execute_and_report(const GlobalOptions& global, Environment& env, SqlStore& store, const std::string& run_id,
                       int threads, const std::string& output) {
  const bool json = global.format == "json";
  // stdout keeps only the result when it is meant for a program.
  const bool to_stderr = json || !output.empty();
  std::ostream& progress_out = to_stderr ? std::cerr : std::cout;
  Progress progress(progress_out, isatty(to_stderr ? STDERR_FILENO : STDOUT_FILENO) != 0);
  ExecutorOptions exec = executor_options(global, env.config, threads);
  exec.on_event = [&progress, fault = exec.on_event](const EventRecord& e) {
    progress.on_event(e);
    if (fault) {
      fault(e);
    }
  };
  NodeOptions node_options;
  node_options.only_runs = {run_id};
  node_options.lease = env.config.lease;
  node_options.scheduler = false;
  {
    Node node(*env.host, store, std::move(exec), node_options);
    node.run();
  }
  progress.clear();
  auto run = store.get_run(run_id);
  if (!run) {
    std::cerr << "linkhub: no run " << run_id << " in " << store.display_url() << "\n";
    return 1;
  }
  const bool finished =
      run->status == RunStatus::Succeeded || run->status == RunStatus::Failed || run->status == RunStatus::Cancelled;
  if (run->status == RunStatus::Waiting) {
    // Parked by core.wait_for / core.sleep: durable in the database, this process is not needed.
    if (json) {
      std::cout << run_document(store, *run).dump(2) << "\n";
    } else {
      std::cout << "run " << run->id << " waiting";
      for (const auto& w : store.waits(run->id)) {
        std::cout << (w.key.empty() ? "" : " for " + terminal_safe(w.key))
                  << (w.deadline_ms == 0 ? "" : " until " + format_time(w.deadline_ms) + " UTC");
      }
      std::cout << "\n(an event delivered with POST /api/v1/events/KEY, or the deadline, makes it runnable; "
                   "`linkhub worker` or `linkhub serve` then resume it)\n";
    }
    return 0;
  }
  if (!finished) {
    std::cerr << "linkhub: run " << run_id << " is " << to_string(run->status)
              << " on another node; follow it with `linkhub runs show " << run_id << "`\n";
    return 1;
  }
  if (!output.empty() && run->status == RunStatus::Succeeded) {
    const Json value = run->outputs.value(output, Json());
    std::cout << (value.is_string() ? value.get<std::string>() : value.dump(2)) << "\n";
  } else if (json) {
    std::cout << run_document(store, *run).dump(2) << "\n";
  } else {
    std::cout << "run " << run->id << " " << to_string(run->status);
    if (!run->error.empty()) {
      std::cout << ": " << terminal_safe(run->error);
    }
    std::cout << "\n";
    if (run->status == RunStatus::Succeeded) {
      std::cout << run->outputs.dump(2) << "\n";
    }
  }
  return run->status == RunStatus::Succeeded ? 0 : 1;
}

int cmd_run(const GlobalOptions& global, const RunOptions& options) {
  auto env = open_environment(global);
  if (!env) {
    std::cerr << "linkhub: " << env.error().message << "\n";
    return 2;
  }
  Compiled loaded = compile_workflow_file(options.file, *env->host);
  if (!loaded.ok()) {
    print_diagnostics(loaded.diagnostics, global.format == "json");
    std::cerr << "linkhub: " << options.file << " is not a valid workflow; nothing was run\n";
    return 2;
  }
  if (!options.output.empty() && !loaded.workflow->outputs.contains(options.output)) {
    std::cerr << "linkhub: --output " << options.output << ": the workflow has no such output\n";
    return 2;
  }
  if (is_batch_file(options.inputs_file)) {
    if (options.detach || !options.inputs.empty()) {
      std::cerr << "linkhub: a batch (--inputs-file *.jsonl) cannot be combined with --detach or --input\n";
      return 2;
    }
    auto store = open_store(global, env->config);
    if (!store) {
      std::cerr << "linkhub: " << store.error().message << "\n";
      return 2;
    }
    return run_batch(global, options, *env, **store, *loaded.workflow);
  }
  auto inputs = collect_inputs(options);
  if (!inputs) {
    std::cerr << "linkhub: " << inputs.error().message << "\n";
    return 2;
  }
  auto store = open_store(global, env->config);
  if (!store) {
    std::cerr << "linkhub: " << store.error().message << "\n";
    return 2;
  }
  auto run = enqueue_run(**store, *loaded.workflow, *inputs, options.idempotency_key);
  if (!run) {
    std::cerr << "linkhub: " << options.file << ": " << run.error().message << "\n";
    return 2;
  }
  if (options.detach) {
    // The id alone on stdout (or a JSON document), for scripts; the nodes on this database run it.
    if (global.format == "json") {
      std::cout << Json{{"run_id", run->id}, {"status", to_string(run->status)}, {"workflow", run->workflow}}.dump(2)
                << "\n";
    } else {
      std::cout << run->id << "\n";
    }
    std::cerr << "queued run " << run->id << " of " << run->workflow << " in " << (*store)->display_url()
              << "; follow it with `linkhub runs show " << run->id << "`\n";
    return 0;
  }
  // First, so that a user whose process dies can resume it.
  (global.format == "json" || !options.output.empty() ? std::cerr : std::cout) << "run " << run->id << "\n"
                                                                               << std::flush;
  return execute_and_report(global, *env, **store, run->id, options.threads, options.output);
}

}  // namespace linkhub::cli
