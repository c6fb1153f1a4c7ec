#pragma once
// What `linkhub validate` checks of workflow.start steps whose `workflow:` is
// written out: the target exists beside this file (a warning when not: it may
// be registered in the cluster), its file loads and declares that name, the
// `inputs:` given are inputs it declares and cover its required ones, and a
// workflow that starts itself has an idempotency_key (or every run would
// start another, without end).

#include <linkhub/engine/diagnostic.hpp>
#include <linkhub/engine/workflow.hpp>

namespace linkhub {

// The findings of one severity: validate_workflow takes the errors,
// lint_workflow the warnings.
Diagnostics check_workflow_starts(const Workflow& workflow, Severity severity);

}  // namespace linkhub
