#include <linkhub/engine/diagnostic.hpp>

#include <algorithm>
#include <tuple>

namespace linkhub {

std::string format_diagnostic(const Diagnostic& d) {
  std::string out = d.file;
  if (d.pos.line > 0) {
    out += ':' + std::to_string(d.pos.line) + ':' + std::to_string(d.pos.column);
  }
  out += std::string(d.severity == Severity::Warning ? ": warning[" : ": error[") + d.code + "]: ";
  if (!d.step.empty()) {
    out += "step '" + d.step + "': ";
  }
  out += d.message;
  return out;
}

Json diagnostic_to_json(const Diagnostic& d) {
  return Json{{"file", d.file},
              {"line", d.pos.line},
              {"column", d.pos.column},
              {"step", d.step.empty() ? Json(nullptr) : Json(d.step)},
              {"code", d.code},
              {"message", d.message},
              {"severity", d.severity == Severity::Warning ? "warning" : "error"}};
}

void sort_diagnostics(Diagnostics& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.pos.line, a.pos.column) < std::tie(b.file, b.pos.line, b.pos.column);
  });
}

}  // namespace linkhub
