#pragma once
// The one front door from workflow text to something the executor runs:
// load (YAML, structure), validate (schemas, needs and their cycles,
// expressions), resolve every `uses` against the loaded plugins and compile
// the templates. Every caller that turns a workflow into a run, or checks
// that it could, goes through here.

#include <linkhub/engine/diagnostic.hpp>
#include <linkhub/engine/json.hpp>
#include <linkhub/engine/plugin_host.hpp>
#include <linkhub/engine/result.hpp>
#include <linkhub/engine/workflow.hpp>

#include <map>
#include <memory>
#include <string>

namespace linkhub {

class Plan;

// What a plan takes from the configuration.
struct PlanOptions {
  Json plugin_configs = Json::object();  // plugin name -> its config section
  // At most N executions at once of a plugin step ("plugin.step") or of every
  // step of a plugin ("plugin"); the step's own name wins.
  std::map<std::string, int> step_limits;
};

struct Compiled {
  // The model when the text could be read at all (even with diagnostics).
  std::shared_ptr<const Workflow> workflow;
  // Every finding, sorted; empty exactly when `plan` is set.
  Diagnostics diagnostics;
  std::shared_ptr<const Plan> plan;

  bool ok() const { return plan != nullptr; }
  // The first finding as one line, for callers that report one error.
  std::string first_problem() const;
};

Compiled compile_workflow(const std::string& text, const std::string& file_name, const PluginHost& plugins,
                          const PlanOptions& options = {});
Compiled compile_workflow_file(const std::string& path, const PluginHost& plugins, const PlanOptions& options = {});
// For a workflow already loaded (validated and planned here all the same).
Compiled compile_workflow(Workflow workflow, const PluginHost& plugins, const PlanOptions& options = {});

// The workflow a plan was made from.
const Workflow& plan_workflow(const Plan& plan);

// Checks `given` against the workflow's input declarations (a JSON Schema made
// from them: types, required, unknown names) and fills defaults. A string that
// parses as the declared type is taken as that type (`--input n=3`). The
// error names the input.
Result<Json> prepare_inputs(const Workflow& workflow, const Json& given);

}  // namespace linkhub
