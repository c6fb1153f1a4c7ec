#include "cli_common.hpp"

#include <linkhub/engine/validator.hpp>

#include <iostream>
#include <set>

namespace linkhub::cli {

int cmd_validate(const GlobalOptions& global, const std::vector<std::string>& files) {
  auto env = open_environment(global);
  if (!env) {
    std::cerr << "linkhub: " << env.error().message << "\n";
    return 2;
  }
  Diagnostics all;
  for (const auto& file : files) {
    Diagnostics found = check_workflow_file(file, *env->host);
    all.insert(all.end(), found.begin(), found.end());
  }
  const bool json = global.format == "json";
  print_diagnostics(all, json);
  if (!json) {
    std::set<std::string> bad_files;
    for (const auto& d : all) {
      bad_files.insert(d.file);
    }
    if (all.empty()) {
      std::cerr << files.size() << (files.size() == 1 ? " file" : " files") << " valid\n";
    } else {
      std::cerr << all.size() << (all.size() == 1 ? " error" : " errors") << " in " << bad_files.size()
                << (bad_files.size() == 1 ? " file" : " files") << "\n";
    }
  }
  return all.empty() ? 0 : 1;
}

}  // namespace linkhub::cli
