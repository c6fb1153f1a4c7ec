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

// Warnings (Severity::Warning, diagnostic.hpp) about a workflow that runs but may not do what was meant (they
// never stop a run): a step reading `steps.X.outputs.Y` of a step X that may
// be skipped (X has an `if:`, or every step X needs may be skipped), with no
// nil guard. Guards: the read is compared (`== nil`, `~=`), an `or` follows
// it (`x or default`), an `and` follows an earlier read of X (`x ~= nil and
// f(x)`), the reading step's own `if:` reads X, or the reading step is skipped
// whenever X is (all it needs are X or skipped with X). Workflow `outputs:`
// are exempt: null is what a reader of a skipped step's output expects.
Diagnostics lint_workflow(const Workflow& workflow);

// Load, then validate and lint when loading produced a model. Diagnostics sorted.
Diagnostics check_workflow_file(const std::string& path, const StepCatalog& catalog);

}  // namespace linkhub
