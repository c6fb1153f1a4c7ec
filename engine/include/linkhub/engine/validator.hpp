#pragma once

#include <linkhub/engine/diagnostic.hpp>
#include <linkhub/engine/step_catalog.hpp>
#include <linkhub/engine/workflow.hpp>

namespace linkhub {

// Semantic checks of a loaded workflow against the step types on offer:
// unknown `uses`; `with:` against the step's input schema (missing required,
// unknown field, wrong type; values that are templates are type-checked only
// when they are constant); `needs` naming a missing step; cycles with their
// path; Lua syntax of every ${{ }} expression, `if` and `foreach`;
// `steps.X.outputs.Y` where X is not upstream or has no output Y; workflow
// `outputs` referring to unknown steps. All findings are returned.
Diagnostics validate_workflow(const Workflow& workflow, const StepCatalog& catalog);

// Load, then validate when loading produced a model. Diagnostics sorted.
Diagnostics check_workflow_file(const std::string& path, const StepCatalog& catalog);

}  // namespace linkhub
