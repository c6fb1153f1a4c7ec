// The linkhub command line. Each subcommand lives in its own cli_*.cpp; this
// file only wires them to CLI11 (which is slow to compile, so it stays here).
#include <CLI/CLI.hpp>

#include <cstdio>

#ifndef LINKHUB_VERSION
#define LINKHUB_VERSION "0.1.0"
#endif

int main(int argc, char** argv) {
  CLI::App app{"linkhub: a plugin-based workflow engine for short-video commerce"};
  app.set_version_flag("--version", LINKHUB_VERSION);
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
