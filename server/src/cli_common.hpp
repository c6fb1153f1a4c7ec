#pragma once
// What every subcommand starts from: the configuration and the loaded plugins.

#include "commands.hpp"

#include <linkhub/engine/config.hpp>
#include <linkhub/engine/diagnostic.hpp>
#include <linkhub/engine/plugin_host.hpp>
#include <linkhub/engine/result.hpp>

#include <memory>

namespace linkhub::cli {

struct Environment {
  Config config;
  std::unique_ptr<PluginHost> host;
};

// Loads the configuration (the --config file, else ./linkhub.yaml when it
// exists) and every plugin on the search path. Libraries that were skipped
// are reported on stderr as warnings.
Result<Environment> open_environment(const GlobalOptions& global);

// Prints diagnostics as a linter does: one line each with the source line and a caret.
void print_diagnostics(const Diagnostics& diagnostics, bool json);

}  // namespace linkhub::cli
