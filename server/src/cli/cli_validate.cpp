#include "cli_common.hpp"
#include "http/whatsapp_trigger.hpp"

#include <linkhub/engine/validator.hpp>

#include <iostream>
#include <set>

namespace linkhub::cli {

int cmd_validate(const GlobalOptions& global, const std::vector<std::string>& files, bool strict) {
  auto env = open_environment(global);
  if (!env) {
    std::cerr << "linkhub: " << env.error().message << "\n";
    return 2;
  }
  Diagnostics all;
  for (const auto& file : files) {
    Diagnostics found = check_workflow_file(file, *env->host);
    // Triggers only `linkhub serve` runs are the server's to check.
    if (auto loaded = load_workflow_file(file); loaded.workflow) {
      Diagnostics triggers = http::whatsapp_trigger_problems(*loaded.workflow);
      found.insert(found.end(), triggers.begin(), triggers.end());
    }
    all.insert(all.end(), found.begin(), found.end());
  }
  if (strict) {
    for (auto& d : all) {
      d.severity = Severity::Error;
    }
  }
  const bool json = global.format == "json";
  print_diagnostics(all, json);
  size_t errors = 0;
  std::set<std::string> bad_files;
  for (const auto& d : all) {
    if (d.severity == Severity::Error) {
      ++errors;
      bad_files.insert(d.file);
    }
  }
  const size_t warnings = all.size() - errors;
  if (!json) {
    const std::string warned =
        warnings == 0 ? "" : std::to_string(warnings) + (warnings == 1 ? " warning" : " warnings");
    if (errors == 0) {
      std::cerr << files.size() << (files.size() == 1 ? " file" : " files") << " valid"
                << (warned.empty() ? "" : " (" + warned + "; --strict makes them errors)") << "\n";
    } else {
      std::cerr << errors << (errors == 1 ? " error" : " errors") << " in " << bad_files.size()
                << (bad_files.size() == 1 ? " file" : " files") << (warned.empty() ? "" : ", " + warned) << "\n";
    }
  }
  return errors == 0 ? 0 : 1;
}

}  // namespace linkhub::cli
