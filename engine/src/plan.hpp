#pragma once
// A workflow resolved against the loaded plugins, with its templates compiled
// (see compile_workflow). Private to the engine: the executor runs it.

#include <linkhub/engine/plugin_host.hpp>
#include <linkhub/engine/template.hpp>
#include <linkhub/engine/workflow.hpp>

#include <optional>
#include <string>
#include <vector>

namespace linkhub {

struct PlanStep {
  const StepDecl* decl = nullptr;
  const LoadedStep* type = nullptr;
  ValueTemplate with;
  std::optional<ValueTemplate> condition;
  std::optional<ValueTemplate> foreach;
  std::vector<size_t> needs;
  std::vector<size_t> dependents;
  std::string plugin_config;  // JSON text handed to the plugin
  std::string limit_name;     // the step_limits entry that applies ("" = none)
  int limit = 0;
};

class Plan {
 public:
  Workflow workflow;
  std::vector<PlanStep> steps;
  ValueTemplate outputs;
  std::string workflow_dir;
  std::string hash;
  // `steps` as a run's expressions first see it: {id: {status: pending,
  // outputs: {}}} for every step. Each run starts from a copy.
  Json steps_view;
};

}  // namespace linkhub
