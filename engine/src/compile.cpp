#include <linkhub/engine/compile.hpp>

#include <linkhub/engine/error_codes.hpp>
#include <linkhub/engine/json_schema.hpp>
#include <linkhub/engine/validator.hpp>

#include "plan.hpp"

#include <algorithm>
#include <filesystem>
#include <unordered_map>

namespace linkhub {
namespace {

// Resolves `uses` and compiles templates. Runs after validation, which has
// already refused unknown steps, bad expressions, missing needs and cycles:
// an error here means the validator missed something, and is reported as
// such rather than left to fail at run time.
Result<std::shared_ptr<const Plan>> make_plan(Workflow workflow, const PluginHost& plugins,
                                              const PlanOptions& options) {
  auto plan = std::make_shared<Plan>();
  plan->workflow = std::move(workflow);
  plan->hash = workflow_hash(plan->workflow);
  const Workflow& wf = plan->workflow;
  const std::filesystem::path dir = std::filesystem::path(wf.file).parent_path();
  // A workflow registered through the API has no file, hence no folder: plugins
  // get an empty workflow_dir and must not read files relative to the server.
  plan->workflow_dir = wf.file.empty()
                           ? std::string()
                           : (dir.empty() ? std::filesystem::current_path() : std::filesystem::absolute(dir)).string();
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < wf.steps.size(); ++i) {
    index[wf.steps[i].id] = i;
  }
  plan->steps.resize(wf.steps.size());
  for (size_t i = 0; i < wf.steps.size(); ++i) {
    const StepDecl& decl = wf.steps[i];
    PlanStep& ps = plan->steps[i];
    ps.decl = &decl;
    ps.type = plugins.step(decl.uses);
    if (ps.type == nullptr) {
      return Error{"step '" + decl.id + "': no loaded plugin offers '" + decl.uses + "'", error_codes::unavailable};
    }
    auto with = ValueTemplate::compile(decl.with);
    if (!with) {
      return Error{"step '" + decl.id + "': with: " + with.error().message};
    }
    ps.with = std::move(*with);
    if (decl.if_cond) {
      auto cond = ValueTemplate::compile_condition(*decl.if_cond);
      if (!cond) {
        return Error{"step '" + decl.id + "': if: " + cond.error().message};
      }
      ps.condition = std::move(*cond);
    }
    if (decl.foreach) {
      auto fe = ValueTemplate::compile(*decl.foreach);
      if (!fe) {
        return Error{"step '" + decl.id + "': foreach: " + fe.error().message};
      }
      ps.foreach = std::move(*fe);
    }
    for (const auto& need : decl.needs) {
      auto it = index.find(need);
      if (it == index.end()) {
        return Error{"step '" + decl.id + "': needs '" + need + "', which is not a step of this workflow"};
      }
      ps.needs.push_back(it->second);
      plan->steps[it->second].dependents.push_back(i);
    }
    if (ps.type->plugin == nullptr) {
      continue;  // a step of the engine's own (core.wait_for): no plugin config, no step_concurrency slot
    }
    const std::string& plugin = ps.type->plugin->name;
    ps.plugin_config =
        options.plugin_configs.contains(plugin) ? options.plugin_configs[plugin].dump() : std::string("{}");
    for (const std::string& name : {decl.uses, plugin}) {
      if (auto it = options.step_limits.find(name); it != options.step_limits.end() && ps.limit == 0) {
        ps.limit_name = it->first;
        ps.limit = std::max(1, it->second);
      }
    }
  }
  const Json pending{{"status", "pending"}, {"outputs", Json::object()}};
  plan->steps_view = Json::object();
  for (const StepDecl& decl : wf.steps) {
    plan->steps_view[decl.id] = pending;
  }
  auto outputs = ValueTemplate::compile(wf.outputs);
  if (!outputs) {
    return Error{"outputs: " + outputs.error().message};
  }
  plan->outputs = std::move(*outputs);
  return std::shared_ptr<const Plan>(std::move(plan));
}

Compiled compile_loaded(LoadResult loaded, const PluginHost& plugins, const PlanOptions& options) {
  Compiled out;
  out.diagnostics = std::move(loaded.diagnostics);
  if (!loaded.workflow) {
    sort_diagnostics(out.diagnostics);
    return out;
  }
  Diagnostics semantic = validate_workflow(*loaded.workflow, plugins);
  out.diagnostics.insert(out.diagnostics.end(), semantic.begin(), semantic.end());
  sort_diagnostics(out.diagnostics);
  out.workflow = std::make_shared<const Workflow>(*loaded.workflow);
  if (!out.diagnostics.empty()) {
    return out;
  }
  auto plan = make_plan(std::move(*loaded.workflow), plugins, options);
  if (!plan) {
    out.diagnostics.push_back(Diagnostic{out.workflow->file, {}, "", "unplannable", plan.error().message});
    return out;
  }
  out.plan = std::move(*plan);
  return out;
}

// The JSON Schema of a workflow's `inputs:`, so inputs are checked by the
// same validator as every step's `with:`.
Json inputs_schema(const Workflow& workflow) {
  Json properties = Json::object();
  Json required = Json::array();
  for (const InputDecl& decl : workflow.inputs) {
    properties[decl.name] = Json{{"type", decl.type}};
    if (decl.required && !decl.default_value) {
      required.push_back(decl.name);
    }
  }
  return Json{{"type", "object"}, {"properties", properties}, {"required", required}, {"additionalProperties", false}};
}

const InputDecl* find_input(const Workflow& workflow, const std::string& name) {
  auto it =
      std::find_if(workflow.inputs.begin(), workflow.inputs.end(), [&](const InputDecl& d) { return d.name == name; });
  return it == workflow.inputs.end() ? nullptr : &*it;
}

// "/count" -> "count" (JSON pointer unescaping of one token).
std::string input_name(const std::string& pointer) {
  std::string name;
  for (size_t k = pointer.empty() ? 0 : 1; k < pointer.size(); ++k) {
    if (pointer[k] == '~' && k + 1 < pointer.size()) {
      name += pointer[k + 1] == '1' ? '/' : '~';
      ++k;
    } else {
      name += pointer[k];
    }
  }
  return name;
}

std::string input_error(const Workflow& workflow, const SchemaViolation& v, const Json& value) {
  const std::string name = input_name(v.pointer);
  const InputDecl* decl = find_input(workflow, name);
  if (v.code == "unknown-field") {
    std::string names;
    for (const auto& d : workflow.inputs) {
      names += (names.empty() ? "" : ", ") + d.name;
    }
    return "input '" + name + "' is not declared by workflow '" + workflow.name +
           "' (it declares: " + (names.empty() ? "none" : names) + ")";
  }
  if (v.code == "required") {
    return "input '" + name + "' is required" +
           (decl == nullptr || decl->description.empty() ? "" : " (" + decl->description + ")");
  }
  if (v.pointer.empty()) {
    return "inputs must be an object of name to value, found " + describe_json_type(value);
  }
  return "input '" + name + "': " + v.message;
}

}  // namespace

std::string Compiled::first_problem() const {
  return diagnostics.empty() ? std::string("unreadable") : format_diagnostic(diagnostics.front());
}

Compiled compile_workflow(const std::string& text, const std::string& file_name, const PluginHost& plugins,
                          const PlanOptions& options) {
  return compile_loaded(load_workflow_text(text, file_name), plugins, options);
}

Compiled compile_workflow_file(const std::string& path, const PluginHost& plugins, const PlanOptions& options) {
  return compile_loaded(load_workflow_file(path), plugins, options);
}

Compiled compile_workflow(Workflow workflow, const PluginHost& plugins, const PlanOptions& options) {
  return compile_loaded(LoadResult{std::move(workflow), {}}, plugins, options);
}

const Workflow& plan_workflow(const Plan& plan) {
  return plan.workflow;
}

Result<Json> prepare_inputs(const Workflow& workflow, const Json& given) {
  auto schema = JsonSchema::compile(inputs_schema(workflow));
  if (!schema) {
    return Error{"workflow '" + workflow.name + "': inputs: " + schema.error().message};
  }
  Json value = given;
  if (value.is_object()) {
    // Values from --input k=v arrive as text: take a string that parses to the declared type.
    for (const InputDecl& decl : workflow.inputs) {
      auto it = value.find(decl.name);
      if (it == value.end() || !it->is_string() || decl.type == "string") {
        continue;
      }
      Json parsed = Json::parse(it->get<std::string>(), nullptr, false);
      auto type = JsonSchema::compile(Json{{"type", decl.type}});
      if (!parsed.is_discarded() && type && type->validate(parsed).empty()) {
        *it = std::move(parsed);
      }
    }
  }
  if (auto violations = schema->validate(value); !violations.empty()) {
    // Unknown names first: a misspelt input also shows up as a missing one.
    auto first = std::find_if(violations.begin(), violations.end(),
                              [](const SchemaViolation& v) { return v.code == "unknown-field"; });
    const SchemaViolation& v = first != violations.end() ? *first : violations.front();
    // The input's name: the first segment of the pointer ("" for the whole object).
    const std::string name = v.pointer.empty() ? std::string() : v.pointer.substr(1, v.pointer.find('/', 1) - 1);
    return Error{input_error(workflow, v, value), error_codes::invalid_input,
                 name.empty() ? Json(nullptr) : Json{{"input", name}}};
  }
  Json out = Json::object();
  for (const InputDecl& decl : workflow.inputs) {
    if (auto it = value.find(decl.name); it != value.end()) {
      out[decl.name] = std::move(*it);
    } else {
      out[decl.name] = decl.default_value ? *decl.default_value : Json(nullptr);
    }
  }
  return out;
}

}  // namespace linkhub
