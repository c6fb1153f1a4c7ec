#pragma once
// Shell commands and the real `linkhub` binary through popen, for tests that
// check what a user sees on a terminal: exit code, stdout, stderr.

#include "temp_dir.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

namespace linkhub::test {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::string describe() const {
    return "exit " + std::to_string(exit_code) + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
  }
};

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

// Runs a shell command line; stdout is captured (redirect stderr in `command` to keep it).
inline CliResult run_shell(const std::string& command) {
  CliResult r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return r;
  }
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) {
    r.out.append(buf.data(), n);
  }
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// The real binary with `args` (already shell-quoted): stdout, stderr and the exit code.
inline CliResult run_linkhub(const std::string& args) {
  TempDir tmp("linkhub-cli-");
  const auto err_file = tmp.path() / "stderr.txt";
  CliResult r = run_shell(shell_quote(LINKHUB_BINARY) + " " + args + " 2>" + shell_quote(err_file.string()));
  std::ifstream in(err_file, std::ios::binary);
  r.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return r;
}

}  // namespace linkhub::test
