#include "workflow_start_check.hpp"

#include "workflow_target.hpp"

#include <linkhub/engine/suggest.hpp>

#include <algorithm>
#include <filesystem>

namespace linkhub {
namespace {

namespace fs = std::filesystem;

bool is_template(const Json& value) {
  return value.is_string() && value.get<std::string>().find("${{") != std::string::npos;
}

bool same_file(const fs::path& a, const std::string& b) {
  std::error_code ec;
  return !b.empty() && fs::equivalent(a, fs::path(b), ec);
}

class StartCheck {
 public:
  StartCheck(const Workflow& wf, Severity severity) : wf_(wf), severity_(severity) {}

  Diagnostics run() {
    for (const auto& step : wf_.steps) {
      if (step.uses == "workflow.start") {
        check(step);
      }
    }
    return std::move(out_);
  }

 private:
  void add(Severity severity, const std::string& pointer, const StepDecl& step, std::string_view code,
           std::string message, bool at_key = false) {
    if (severity == severity_) {
      out_.push_back(Diagnostic{wf_.file, at_key ? wf_.key_position(pointer) : wf_.position(pointer), step.id,
                                std::string(code), std::move(message), severity});
    }
  }

  void check(const StepDecl& step) {
    const Json& with = step.with;
    if (!with.is_object() || !with.contains("workflow") || !with["workflow"].is_string() ||
        is_template(with["workflow"])) {
      return;  // the input schema speaks for a missing one; a template is known at run time only
    }
    const std::string target = with["workflow"].get<std::string>();
    const std::string at = step.pointer + "/with/workflow";
    const std::string dir = wf_.file.empty() ? "" : fs::path(wf_.file).parent_path().string();
    const auto file = find_workflow_file(dir, target);
    const bool is_self = names_a_file(target) ? file && same_file(*file, wf_.file) : target == wf_.name;
    if (is_self && !with.contains("idempotency_key")) {
      add(Severity::Error, at, step, "workflow-start-cycle",
          "workflow.start starts this workflow ('" + wf_.name +
              "') again with no idempotency_key, so every run would start another without end; give it a key that "
              "repeats (one per thing it handles), or start another workflow");
    }
    if (!file) {
      if (!is_self) {
        add(Severity::Warning, at, step, kUnknownWorkflow,
            names_a_file(target)
                ? "workflow.start: there is no file " + target + " in " + (dir.empty() ? "." : dir)
                : "workflow.start: there is no " + target + ".yaml in " + (dir.empty() ? "." : dir) + ": workflow '" +
                      target + "' must be registered (linkhub serve --workflows, PUT " + "/api/v1/workflows/" + target +
                      ") when the step runs");
      }
      return;
    }
    if (is_self) {
      check_inputs(step, wf_);
      return;
    }
    LoadResult loaded = load_workflow_file(file->string());
    bool loads = loaded.workflow.has_value();
    for (const auto& d : loaded.diagnostics) {
      loads = loads && d.severity != Severity::Error;
    }
    if (!loads) {
      add(Severity::Error, at, step, "workflow-start-target",
          "workflow.start: " + file->string() + " is not a valid workflow (`linkhub validate " + file->string() +
              "` says why)");
      return;
    }
    if (!names_a_file(target) && loaded.workflow->name != target) {
      add(Severity::Error, at, step, "workflow-start-target",
          "workflow.start: " + file->string() + " declares workflow '" + loaded.workflow->name + "', not '" + target +
              "'");
      return;
    }
    check_inputs(step, *loaded.workflow);
  }

  // `inputs:` written as an object: each name must be declared by the target,
  // and each required input without a default must be given.
  void check_inputs(const StepDecl& step, const Workflow& target) {
    const Json inputs = step.with.value("inputs", Json::object());
    if (!inputs.is_object()) {
      return;  // a template, or the schema's type error
    }
    std::vector<std::string> names;
    for (const auto& in : target.inputs) {
      names.push_back(in.name);
    }
    for (const auto& [name, value] : inputs.items()) {
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        add(Severity::Error, step.pointer + "/with/inputs/" + name, step, "unknown-workflow-input",
            "workflow.start: workflow '" + target.name + "' has no input '" + name + "'" + did_you_mean(name, names) +
                (names.empty() ? " (it declares none)" : ""),
            true);
      }
    }
    for (const auto& in : target.inputs) {
      if (in.required && !in.default_value && !inputs.contains(in.name)) {
        add(Severity::Error, step.pointer + "/with" + (step.with.contains("inputs") ? "/inputs" : ""), step,
            "missing-workflow-input",
            "workflow.start: workflow '" + target.name + "' requires input '" + in.name +
                "', which `inputs:` does not give");
      }
    }
  }

  const Workflow& wf_;
  Severity severity_;
  Diagnostics out_;
};

}  // namespace

Diagnostics check_workflow_starts(const Workflow& workflow, Severity severity) {
  return StartCheck(workflow, severity).run();
}

}  // namespace linkhub
