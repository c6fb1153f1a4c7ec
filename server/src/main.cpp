// The linkhub command line. Each subcommand lives in its own cli_*.cpp; this
// file only wires them to CLI11 (which is slow to compile, so it stays here).
#include "commands.hpp"

#include <CLI/CLI.hpp>

#ifndef LINKHUB_VERSION
#define LINKHUB_VERSION "0.1.0"
#endif

int main(int argc, char** argv) {
  using namespace linkhub::cli;
  CLI::App app{"linkhub: a plugin-based workflow engine for short-video commerce"};
  app.set_version_flag("--version", LINKHUB_VERSION);
  app.require_subcommand(1);

  GlobalOptions global;
  std::vector<std::string> plugin_dirs;
  auto add_global = [&](CLI::App* cmd) {
    cmd->add_option("--config", global.config_path, "configuration file (default: ./linkhub.yaml when present)");
    cmd->add_option("--plugin-dir", plugin_dirs, "also load plugins from DIR (repeatable)");
    cmd->add_option("--format", global.format, "output format")->check(CLI::IsMember({"text", "json"}));
  };

  std::vector<std::string> files;
  auto* validate = app.add_subcommand("validate", "check workflow files the way a linter would");
  validate->add_option("files", files, "workflow files")->required();
  add_global(validate);

  RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "run a workflow to its end and print its outputs");
  run_cmd->add_option("file", run.file, "workflow file")->required();
  run_cmd->add_option("--input,-i", run.inputs, "an input as NAME=VALUE (repeatable)");
  run_cmd->add_option("--inputs-file", run.inputs_file, "a JSON file with an object of inputs");
  run_cmd->add_option("--threads", run.threads, "worker threads (default: config, else the number of cores)")
      ->check(CLI::Range(1, 1024));
  add_global(run_cmd);

  auto* plugins = app.add_subcommand("plugins", "list and describe the loaded plugins");
  plugins->require_subcommand(1);
  auto* list = plugins->add_subcommand("list", "list plugins, their steps, and libraries that were skipped");
  add_global(list);
  std::string name;
  auto* describe = plugins->add_subcommand("describe", "show a plugin's steps with their input and output schemas");
  describe->add_option("name", name, "PLUGIN or PLUGIN.STEP")->required();
  add_global(describe);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? 0 : 2;  // usage errors exit with 2
  }
  for (const auto& dir : plugin_dirs) {
    global.plugin_dirs.emplace_back(dir);
  }
  if (*validate) {
    return cmd_validate(global, files);
  }
  if (*run_cmd) {
    return cmd_run(global, run);
  }
  if (*list) {
    return cmd_plugins_list(global);
  }
  if (*describe) {
    return cmd_plugins_describe(global, name);
  }
  return 2;
}
