#include <linkhub/engine/plugin_check.hpp>

#include "isolated_call.hpp"

#include <linkhub/engine/plugin_host.hpp>
#include <linkhub/engine/schema_samples.hpp>

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>

namespace linkhub {
namespace {

namespace fs = std::filesystem;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string shorten(const std::string& text, size_t max = 240) {
  if (text.size() <= max) {
    return text;
  }
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return text.substr(0, cut) + "...";
}

std::string show(const Json& input) {
  return shorten(input.dump(-1, ' ', true, Json::error_handler_t::replace));
}

// Why an isolated call counts as a failure, or "" when it ended cleanly.
std::string failure(const IsolatedCall& call, std::chrono::milliseconds bound) {
  switch (call.end) {
    case IsolatedCall::End::crashed:
      return "the step crashed (signal " + std::to_string(call.signal) + ", " + strsignal(call.signal) + ")";
    case IsolatedCall::End::timed_out:
      return "the step did not return within " + std::to_string(bound.count()) + " ms (killed)";
    case IsolatedCall::End::exited:
      return call.exit_code != 0 ? "the step ended its process (exit status " + std::to_string(call.exit_code) + ")"
                                 : call.error;
    case IsolatedCall::End::returned:
      break;
  }
  return call.bad_output ? "the step broke the plugin ABI: " + call.error : "";
}

// Every `default` under a schema, with its JSON pointer.
void collect_defaults(const Json& schema, const std::string& where, std::vector<std::pair<std::string, Json>>& out) {
  if (!schema.is_object()) {
    return;
  }
  if (schema.contains("default")) {
    out.emplace_back(where, schema);
  }
  if (const auto it = schema.find("properties"); it != schema.end() && it->is_object()) {
    for (const auto& [name, sub] : it->items()) {
      collect_defaults(sub, where + "/properties/" + name, out);
    }
  }
  for (const char* key : {"items", "additionalProperties"}) {
    if (const auto it = schema.find(key); it != schema.end()) {
      collect_defaults(*it, where + "/" + key, out);
    }
  }
  for (const char* key : {"anyOf", "oneOf"}) {
    if (const auto it = schema.find(key); it != schema.end() && it->is_array()) {
      for (size_t k = 0; k < it->size(); ++k) {
        collect_defaults((*it)[k], where + "/" + key + "/" + std::to_string(k), out);
      }
    }
  }
}

std::string first_violation(const std::vector<SchemaViolation>& violations) {
  if (violations.empty()) {
    return "";
  }
  const auto& v = violations.front();
  return (v.pointer.empty() ? "" : v.pointer + ": ") + v.message;
}

uint64_t fnv1a(const std::string& text) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : text) {
    h = (h ^ c) * 1099511628211ULL;
  }
  return h;
}

class StepChecker {
 public:
  StepChecker(const PluginHost& host, const LoadedStep& step, const StepCall& base, const PluginCheckOptions& options,
              std::vector<CheckResult>& out)
      : host_(host), step_(step), base_(base), options_(options), out_(out) {
    const Json& schema = step.signature.input_schema;
    if (const auto it = schema.find("examples"); it != schema.end() && it->is_array()) {
      examples_ = *it;
    }
    for (const auto& example : examples_) {
      if (example.is_object() && step.input_validator.validate(example).empty()) {
        valid_ = example;
        break;
      }
    }
    if (valid_.is_null()) {
      auto sample = schema_samples::valid_sample(schema);
      if (sample && step.input_validator.validate(*sample).empty()) {
        valid_ = std::move(*sample);
      }
    }
  }

  void run() {
    schemas();
    rejects();
    examples();
    cancel();
    random();
  }

 private:
  void add(const char* check, CheckVerdict verdict, std::string message, int64_t elapsed_ms = -1) {
    out_.push_back({step_.signature.uses, check, verdict, std::move(message), elapsed_ms});
  }

  // The call as the executor makes it: defaults applied first.
  IsolatedCall invoke(Json input, const StepCall& call, std::chrono::milliseconds bound) {
    step_.input_validator.apply_defaults(input);
    return call_isolated(host_, step_, call, input, bound);
  }

  StepCall fresh_call() const {
    StepCall call = base_;
    call.step_id = step_.signature.uses;
    // Half the bound: a step then has the other half to notice the deadline's
    // cancellation before a call counts as a hang.
    call.deadline_ms = now_ms() + options_.call_bound.count() / 2;
    return call;
  }

  void schemas() {
    const Json& input = step_.signature.input_schema;
    std::vector<std::string> problems;
    if (input.is_object() && input.contains("type") && input["type"] != "object") {
      problems.push_back("the input schema must describe an object (a step's `with:`), it declares type " +
                         input["type"].dump());
    }
    size_t defaults = 0;
    for (const auto& [what, schema] :
         {std::pair{"input", &input}, std::pair{"output", &step_.signature.output_schema}}) {
      std::vector<std::pair<std::string, Json>> found;
      collect_defaults(*schema, "", found);
      for (const auto& [where, sub] : found) {
        ++defaults;
        auto compiled = JsonSchema::compile(sub);
        if (compiled) {
          if (auto v = compiled->validate(sub["default"]); !v.empty()) {
            problems.push_back(std::string(what) + " schema: the default at '" + where + "' (" +
                               shorten(sub["default"].dump(), 60) + ") breaks its own schema: " + first_violation(v));
          }
        }
      }
    }
    if (input.contains("examples") && !input["examples"].is_array()) {
      problems.push_back("input schema: `examples` must be an array of inputs");
    }
    for (size_t k = 0; k < examples_.size(); ++k) {
      if (auto v = step_.input_validator.validate(examples_[k]); !v.empty()) {
        problems.push_back("input schema: example #" + std::to_string(k + 1) +
                           " breaks the input schema: " + first_violation(v));
      }
    }
    for (auto& p : problems) {
      add("schemas", CheckVerdict::fail, std::move(p));
    }
    if (problems.empty()) {
      add("schemas", CheckVerdict::pass,
          "input and output schemas compile; " + std::to_string(defaults) + " defaults and " +
              std::to_string(examples_.size()) + " examples satisfy them");
    }
  }

  void rejects() {
    if (valid_.is_null()) {
      add("rejects", CheckVerdict::skip,
          "no valid input to break: the schema is beyond the sample generator (declare `examples` in the input "
          "schema)");
      return;
    }
    std::map<std::string, int> answers;
    size_t tried = 0;
    bool failed = false;
    for (const auto& broken : schema_samples::broken_inputs(step_.signature.input_schema, valid_)) {
      Json input = broken.input;
      step_.input_validator.apply_defaults(input);
      if (step_.input_validator.validate(input).empty()) {
        failed = true;
        add("rejects", CheckVerdict::fail,
            "the engine's validator accepts an input where " + broken.how + ": " + show(input));
        continue;
      }
      ++tried;
      const IsolatedCall result = invoke(broken.input, fresh_call(), options_.call_bound);
      if (auto why = failure(result, options_.call_bound); !why.empty()) {
        failed = true;
        add("rejects", CheckVerdict::fail,
            "called directly with an input where " + broken.how + ", " + why + "; input: " + show(broken.input));
        continue;
      }
      ++answers[status_name(result.status)];
    }
    if (!failed) {
      std::string summary;
      for (const auto& [word, n] : answers) {
        summary += (summary.empty() ? "" : ", ") + word + " " + std::to_string(n);
      }
      add("rejects", CheckVerdict::pass,
          std::to_string(tried) + " broken inputs refused by the engine's validator; called directly, the step " +
              (tried == 0 ? "was not called" : "answered " + summary));
    }
  }

  void examples() {
    if (examples_.empty()) {
      add("examples", CheckVerdict::skip, "declares no examples (an `examples` array in the input schema)");
      return;
    }
    bool failed = false;
    for (size_t k = 0; k < examples_.size(); ++k) {
      if (!step_.input_validator.validate(examples_[k]).empty()) {
        continue;  // reported by the schemas check
      }
      const IsolatedCall result = invoke(examples_[k], fresh_call(), options_.call_bound);
      std::string why = failure(result, options_.call_bound);
      if (why.empty() && result.status != LH_OK) {
        why = "it failed (" + status_name(result.status) + "): " + result.error;
      }
      if (!why.empty()) {
        failed = true;
        add("examples", CheckVerdict::fail, "example #" + std::to_string(k + 1) + ": " + shorten(why, 400));
      }
    }
    if (!failed) {
      add("examples", CheckVerdict::pass,
          std::to_string(examples_.size()) + " examples succeed and their outputs match the output schema");
    }
  }

  void cancel() {
    if (valid_.is_null()) {
      add("cancel", CheckVerdict::skip, "no valid input to run (declare `examples` in the input schema)");
      return;
    }
    std::atomic<bool> cancelled{true};
    StepCall c = fresh_call();
    c.cancelled = &cancelled;
    c.deadline_ms = now_ms() + 1000;
    const IsolatedCall result = invoke(valid_, c, options_.cancel_bound);
    if (result.end == IsolatedCall::End::timed_out) {
      add("cancel", CheckVerdict::fail,
          "called with the run already cancelled, it was still running after " +
              std::to_string(options_.cancel_bound.count()) + " ms (killed)",
          result.elapsed_ms);
    } else if (auto why = failure(result, options_.cancel_bound); !why.empty()) {
      add("cancel", CheckVerdict::fail, "called with the run already cancelled, " + why, result.elapsed_ms);
    } else {
      add("cancel", CheckVerdict::pass,
          "returned " + std::to_string(result.elapsed_ms) + " ms after a call with the run already cancelled (" +
              status_name(result.status) + ")",
          result.elapsed_ms);
    }
  }

  void random() {
    if (options_.random_inputs <= 0) {
      add("random", CheckVerdict::skip, "no random inputs asked for");
      return;
    }
    // Each step its own sequence, the same on every run for the same seed.
    std::mt19937_64 rng(options_.seed ^ fnv1a(step_.signature.uses));
    std::map<std::string, int> answers;
    int failures = 0;
    std::string first;
    for (int k = 0; k < options_.random_inputs; ++k) {
      const Json input = schema_samples::random_input(rng, step_.signature.input_schema, valid_);
      const IsolatedCall result = invoke(input, fresh_call(), options_.call_bound);
      if (auto why = failure(result, options_.call_bound); !why.empty()) {
        if (failures++ == 0) {
          first = "input #" + std::to_string(k + 1) + ": " + why + "; input: " + show(input);
        }
        continue;
      }
      ++answers[status_name(result.status)];
    }
    const std::string of =
        std::to_string(options_.random_inputs) + " random inputs (seed " + std::to_string(options_.seed) + ")";
    if (failures > 0) {
      add("random", CheckVerdict::fail, std::to_string(failures) + " of " + of + " failed; first " + first);
      return;
    }
    std::string summary;
    for (const auto& [word, n] : answers) {
      summary += (summary.empty() ? "" : ", ") + word + " " + std::to_string(n);
    }
    add("random", CheckVerdict::pass, of + ": " + summary);
  }

  const PluginHost& host_;
  const LoadedStep& step_;
  const StepCall& base_;
  const PluginCheckOptions& options_;
  std::vector<CheckResult>& out_;
  Json examples_ = Json::array();
  Json valid_;  // null when neither an example nor the generator gives one
};

// A temporary directory removed with this object.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "linkhub-check-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) {
      path = pattern;
    }
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) {
      fs::remove_all(path, ec);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

}  // namespace

size_t PluginCheckReport::count(CheckVerdict verdict) const {
  size_t n = 0;
  for (const auto& r : results) {
    n += r.verdict == verdict ? 1 : 0;
  }
  return n;
}

const char* verdict_name(CheckVerdict verdict) {
  switch (verdict) {
    case CheckVerdict::pass:
      return "pass";
    case CheckVerdict::fail:
      return "fail";
    case CheckVerdict::skip:
      return "skip";
  }
  return "fail";
}

PluginCheckReport check_plugin(const fs::path& library, const PluginCheckOptions& options) {
  PluginCheckReport report;
  report.path = library;
  PluginHost host;
  if (!host.load_file(library)) {
    const std::string why = host.problems().empty() ? "it did not load" : host.problems().back().message;
    report.results.push_back({library.string(), "load", CheckVerdict::fail, why, -1});
    return report;
  }
  // The library just loaded: after the engine's built-in steps.
  const LoadedPlugin* plugin = host.plugins().back();
  report.plugin = plugin->name;
  report.results.push_back(
      {plugin->name, "load", CheckVerdict::pass,
       plugin->name + " " + plugin->version + ", " + std::to_string(plugin->steps.size()) + " steps", -1});
  TempDir temp;
  StepCall base;
  base.run_id = "plugin-check";
  base.idempotency_key = "plugin-check";
  base.artifact_dir = (temp.path / "artifacts").string();
  base.workflow_dir = temp.path.string();
  base.database_url = options.database_url.empty() ? (temp.path / "check.db").string() : options.database_url;
  base.http_allow = options.http_allow;
  if (options.plugin_configs.is_object() && options.plugin_configs.contains(plugin->name)) {
    base.plugin_config = options.plugin_configs[plugin->name].dump();
  }
  for (const auto& step : plugin->steps) {
    StepChecker(host, *step, base, options, report.results).run();
  }
  return report;
}

Json report_json(const PluginCheckReport& report) {
  Json checks = Json::array();
  for (const auto& r : report.results) {
    Json entry{{"step", r.step}, {"check", r.check}, {"result", verdict_name(r.verdict)}, {"message", r.message}};
    if (r.elapsed_ms >= 0) {
      entry["elapsed_ms"] = r.elapsed_ms;
    }
    checks.push_back(std::move(entry));
  }
  return Json{{"path", report.path.string()},
              {"plugin", report.plugin},
              {"passed", report.count(CheckVerdict::pass)},
              {"failed", report.count(CheckVerdict::fail)},
              {"skipped", report.count(CheckVerdict::skip)},
              {"checks", checks}};
}

}  // namespace linkhub
