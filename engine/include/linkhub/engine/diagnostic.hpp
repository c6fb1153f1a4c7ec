#pragma once

#include <linkhub/engine/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace linkhub {

// Where something is in a source file. 1-based; 0 means unknown.
struct SourcePos {
  int line = 0;
  int column = 0;
};

// How much a finding matters. An error stops a workflow from running; a
// warning points at a workflow that runs but may not do what was meant:
// `validate` prints it and exits 0, `validate --strict` makes it an error,
// and `run`, `serve` and the validate API never see one (only lint_workflow
// in validator.hpp makes them).
enum class Severity { Error, Warning };

// One finding of `linkhub validate` (or of loading a workflow before a run).
struct Diagnostic {
  std::string file;
  SourcePos pos;
  std::string step;     // step id, empty when the finding is not inside a step
  std::string code;     // stable kebab-case id, e.g. "unknown-key", "needs-cycle"
  std::string message;  // a sentence: what was expected and what was found
  Severity severity = Severity::Error;
};

// The warnings' codes.
inline constexpr std::string_view kUnguardedSkippedOutput = "unguarded-skipped-output";
// workflow.start names a workflow that is no file beside this one (it may be registered when the step runs).
inline constexpr std::string_view kUnknownWorkflow = "unknown-workflow";

using Diagnostics = std::vector<Diagnostic>;

// "file:line:column: error[code]: step 'id': message" (or warning[code])
std::string format_diagnostic(const Diagnostic& d);
Json diagnostic_to_json(const Diagnostic& d);
// Orders by file, line, column, so output reads top to bottom.
void sort_diagnostics(Diagnostics& diagnostics);

}  // namespace linkhub
