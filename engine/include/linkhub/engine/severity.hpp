#pragma once
// How much a finding of `linkhub validate` matters. An error stops a workflow
// from running; a warning points at a workflow that runs but may not do what
// was meant: `validate` prints it and exits 0, `validate --strict` makes it
// an error, and `run`, `serve` and the validate API never see one (only
// lint_workflow in validator.hpp makes them).

#include <linkhub/engine/diagnostic.hpp>

#include <string>
#include <string_view>

namespace linkhub {

enum class Severity { Error, Warning };

// The warnings' codes; every other code is an error.
inline constexpr std::string_view kUnguardedSkippedOutput = "unguarded-skipped-output";

Severity severity_of(const Diagnostic& d);

// format_diagnostic and diagnostic_to_json (which use severity_of) with the
// severity given: "file:line:column: warning[code]: ...", {"severity": "warning", ...}.
std::string format_diagnostic(const Diagnostic& d, Severity severity);
Json diagnostic_to_json(const Diagnostic& d, Severity severity);

}  // namespace linkhub
