#include "cli_common.hpp"

#include <linkhub/engine/executor.hpp>
#include <linkhub/engine/memory_run_store.hpp>
#include <linkhub/engine/validator.hpp>

#include <unistd.h>
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
    if (e.type == "step.started") {
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
    } else if (e.type == "step.succeeded") {
      line = "succeeded " + who + " in " + ms(e.payload) + attempts(e.payload);
      finish(e.step_id);
    } else if (e.type == "step.failed") {
      line = "failed    " + who + " after " + ms(e.payload) + attempts(e.payload) + ": " +
             e.payload.value("error", std::string());
      if (e.payload.value("continue_on_error", false)) {
        line += " (continuing: continue_on_error)";
      }
      finish(e.step_id);
    } else if (e.type == "step.skipped" || e.type == "step.cancelled") {
      line = (e.type == "step.skipped" ? "skipped   " : "cancelled ") + who + ": " +
             e.payload.value("reason", std::string());
      finish(e.step_id);
    } else if (e.type == "step.retrying") {
      line = "retrying  " + who + ": attempt " + e.payload["attempt"].dump() + " failed (" +
             e.payload.value("error", std::string()) + "), next in " + e.payload["delay_ms"].dump() + " ms";
    } else if (e.type == "item.failed") {
      line = "failed    " + who + ": " + e.payload.value("error", std::string());
    } else if (e.type == "step.log") {
      line = "  " + who + " | " + e.payload.value("level", std::string()) + ": " +
             e.payload.value("message", std::string());
    } else if (e.type == "run.started") {
      line = "run " + e.run_id;
    } else {
      return;
    }
    if (tty_) {
      out_ << "\r\033[K";
    }
    out_ << line << "\n";
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

Json allowed_env(const Config& config) {
  Json env = Json::object();
  for (const auto& name : config.env_allowlist) {
    if (const char* value = std::getenv(name.c_str())) {
      env[name] = value;
    }
  }
  return env;
}

}  // namespace

int cmd_run(const GlobalOptions& global, const RunOptions& options) {
  const bool json = global.format == "json";
  auto env = open_environment(global);
  if (!env) {
    std::cerr << "linkhub: " << env.error().message << "\n";
    return 2;
  }
  auto loaded = load_workflow_file(options.file);
  Diagnostics diagnostics = loaded.diagnostics;
  if (loaded.workflow) {
    Diagnostics semantic = validate_workflow(*loaded.workflow, *env->host);
    diagnostics.insert(diagnostics.end(), semantic.begin(), semantic.end());
  }
  if (!diagnostics.empty() || !loaded.workflow) {
    sort_diagnostics(diagnostics);
    print_diagnostics(diagnostics, json);
    std::cerr << "linkhub: " << options.file << " is not a valid workflow; nothing was run\n";
    return 2;
  }
  auto inputs = collect_inputs(options);
  if (!inputs) {
    std::cerr << "linkhub: " << inputs.error().message << "\n";
    return 2;
  }

  std::ostream& progress_out = json ? std::cerr : std::cout;
  Progress progress(progress_out, isatty(json ? STDERR_FILENO : STDOUT_FILENO) != 0);
  MemoryRunStore store;
  ExecutorOptions exec;
  exec.threads = options.threads > 0 ? options.threads : env->config.effective_threads();
  exec.expression_limits = env->config.expression_limits;
  exec.artifact_dir = env->config.artifact_dir;
  exec.plugin_configs = env->config.plugins;
  exec.secrets = env->config.secrets;
  exec.env = allowed_env(env->config);
  exec.on_event = [&progress](const EventRecord& e) { progress.on_event(e); };
  Executor executor(*env->host, store, exec);

  auto plan = executor.prepare(*loaded.workflow);
  if (!plan) {
    std::cerr << "linkhub: " << plan.error().message << "\n";
    return 2;
  }
  auto result = executor.run(*plan, *inputs);
  if (!result) {
    std::cerr << "linkhub: " << options.file << ": " << result.error().message << "\n";
    return 2;
  }
  progress.clear();
  const RunResult& r = *result;
  if (json) {
    Json steps = Json::array();
    for (const auto& s : r.steps) {
      Json step{{"id", s.id},
                {"status", std::string(to_string(s.status))},
                {"attempts", s.attempts},
                {"duration_ms", static_cast<double>(s.duration_us) / 1000.0}};
      if (s.status == StepStatus::Succeeded) {
        step["outputs"] = s.output;
      } else if (!s.error.empty()) {
        step["error"] = s.error;
      }
      steps.push_back(std::move(step));
    }
    Json doc{{"run_id", r.run_id},
             {"workflow", loaded.workflow->name},
             {"status", std::string(to_string(r.status))},
             {"steps", steps},
             {"outputs", r.outputs}};
    if (!r.error.empty()) {
      doc["error"] = r.error;
    }
    std::cout << doc.dump(2) << "\n";
  } else {
    std::cout << "run " << r.run_id << " " << to_string(r.status);
    if (!r.error.empty()) {
      std::cout << ": " << r.error;
    }
    std::cout << "\n";
    if (r.status == RunStatus::Succeeded) {
      std::cout << r.outputs.dump(2) << "\n";
    }
  }
  return r.status == RunStatus::Succeeded ? 0 : 1;
}

}  // namespace linkhub::cli
