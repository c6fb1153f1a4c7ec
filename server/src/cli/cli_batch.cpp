#include "cli_batch.hpp"

#include <linkhub/engine/event_type.hpp>
#include <linkhub/engine/names.hpp>

#include <linkhub/engine/node.hpp>

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <mutex>

namespace linkhub::cli {

bool is_batch_file(const std::string& file) {
  for (const char* ext : {".jsonl", ".ndjson"}) {
    const std::string e(ext);
    if (file.size() > e.size() && file.compare(file.size() - e.size(), e.size(), e) == 0) {
      return true;
    }
  }
  return false;
}

namespace {

struct Line {
  size_t number = 0;
  std::string run_id;
  std::string error;  // when the line could not become a run
};

// Reads the batch: every line an object of inputs (blank lines and lines
// starting with # are skipped); a bad line is reported, never dropped silently.
Result<std::vector<Line>> queue_lines(const RunOptions& options, SqlStore& store, const Workflow& workflow) {
  std::ifstream in(options.inputs_file);
  if (!in) {
    return Error{"cannot read the inputs file " + options.inputs_file};
  }
  std::vector<Line> lines;
  size_t number = 0;
  for (std::string text; std::getline(in, text);) {
    ++number;
    if (text.find_first_not_of(" \t\r") == std::string::npos || text[text.find_first_not_of(" \t")] == '#') {
      continue;
    }
    Line line{number, "", ""};
    Json inputs = Json::parse(text, nullptr, false);
    if (inputs.is_discarded() || !inputs.is_object()) {
      line.error = "not a JSON object of inputs";
    } else {
      // A key per line makes re-running the same batch file return the runs it made before.
      const std::string key =
          options.idempotency_key.empty() ? "" : options.idempotency_key + ":" + std::to_string(number);
      auto run = enqueue_run(store, workflow, inputs, key);
      if (run) {
        line.run_id = run->id;
      } else {
        line.error = run.error().message;
      }
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

// One line per finished run, or a redrawn bar on a terminal.
class BatchProgress {
 public:
  BatchProgress(std::ostream& out, bool tty, size_t total) : out_(out), tty_(tty), total_(total) {}
  void finished(const RunRecord& run) {
    std::lock_guard lock(mutex_);
    ++done_;
    failed_ += run.status == RunStatus::Succeeded ? 0 : 1;
    if (tty_) {
      constexpr size_t kWidth = 30;
      const size_t filled = total_ == 0 ? kWidth : done_ * kWidth / total_;
      out_ << "\r\033[K[" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] " << done_ << "/"
           << total_ << " runs" << (failed_ ? ", " + std::to_string(failed_) + " failed" : "") << std::flush;
    } else {
      out_ << "[" << done_ << "/" << total_ << "] run " << run.id << " " << to_string(run.status) << "\n" << std::flush;
    }
  }
  void close() {
    if (tty_) {
      out_ << "\n";
    }
  }

 private:
  std::ostream& out_;
  bool tty_;
  size_t total_;
  size_t done_ = 0;
  size_t failed_ = 0;
  std::mutex mutex_;
};

}  // namespace

int run_batch(const GlobalOptions& global, const RunOptions& options, Environment& env, SqlStore& store,
              const Workflow& workflow) {
  const bool json = global.format == "json";
  auto lines = queue_lines(options, store, workflow);
  if (!lines) {
    std::cerr << "linkhub: " << lines.error().message << "\n";
    return 2;
  }
  std::vector<std::string> ids;
  for (const auto& line : *lines) {
    if (!line.run_id.empty()) {
      ids.push_back(line.run_id);
    }
  }
  std::ostream& progress_out = json ? std::cerr : std::cout;
  BatchProgress progress(progress_out, isatty(json ? STDERR_FILENO : STDOUT_FILENO) != 0, ids.size());
  progress_out << "batch of " << ids.size() << " runs of " << workflow.name << " from " << options.inputs_file << "\n";
  if (!ids.empty()) {
    ExecutorOptions exec = executor_options(global, env.config, options.threads);
    exec.on_event = [&progress, &store, fault = exec.on_event](const EventRecord& e) {
      if (is_run_end(e.type)) {
        if (auto run = store.get_run(e.run_id)) {
          progress.finished(*run);
        }
      }
      if (fault) {
        fault(e);
      }
    };
    NodeOptions node_options;
    node_options.only_runs = ids;
    node_options.lease = env.config.lease;
    node_options.scheduler = false;
    Node node(*env.host, store, std::move(exec), node_options);
    node.run();
  }
  progress.close();

  // The summary: every line, what became of it.
  Json report = Json::array();
  size_t succeeded = 0;
  for (const auto& line : *lines) {
    Json entry{{"line", line.number}};
    if (!line.error.empty()) {
      entry["status"] = "invalid";
      entry["error"] = line.error;
    } else if (auto run = store.get_run(line.run_id)) {
      entry["run_id"] = run->id;
      entry["status"] = to_string(run->status);
      if (!run->error.empty()) {
        entry["error"] = run->error;
      }
      if (run->status == RunStatus::Succeeded) {
        ++succeeded;
        entry["outputs"] = options.output.empty() ? run->outputs : run->outputs.value(options.output, Json());
      }
    }
    report.push_back(std::move(entry));
  }
  const size_t failed = lines->size() - succeeded;
  if (json) {
    std::cout << Json{{"runs", report}, {"succeeded", succeeded}, {"failed", failed}}.dump(2) << "\n";
  } else {
    std::cout << lines->size() << " lines: " << succeeded << " succeeded, " << failed << " failed\n";
    for (const auto& entry : report) {
      if (entry.value("status", "") != "succeeded") {
        std::cout << "  line " << entry["line"] << ": " << entry.value("status", "") << " " << entry.value("run_id", "")
                  << (entry.contains("run_id") ? " " : "") << terminal_safe(entry.value("error", "")) << "\n";
      }
    }
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace linkhub::cli
