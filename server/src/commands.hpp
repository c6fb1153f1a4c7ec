#pragma once
// The subcommands of the linkhub binary. main.cpp parses the command line
// (CLI11 stays in that one file) and calls these. Each returns the exit status:
// 0 success, 1 failure (invalid workflow, failed run), 2 usage error.

#include <filesystem>
#include <string>
#include <vector>

namespace linkhub::cli {

struct GlobalOptions {
  std::string config_path;                         // --config, default linkhub.yaml when it exists
  std::vector<std::filesystem::path> plugin_dirs;  // --plugin-dir (repeatable)
  std::string format = "text";                     // --format text|json
};

int cmd_validate(const GlobalOptions& global, const std::vector<std::string>& files);

struct RunOptions {
  std::string file;
  std::vector<std::string> inputs;  // --input k=v (value parsed as JSON when it parses, else a string)
  std::string inputs_file;          // --inputs-file f.json
  int threads = 0;                  // --threads, 0 = from config
};
int cmd_run(const GlobalOptions& global, const RunOptions& options);

int cmd_plugins_list(const GlobalOptions& global);
int cmd_plugins_describe(const GlobalOptions& global, const std::string& name);

}  // namespace linkhub::cli
