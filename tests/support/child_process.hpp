#pragma once
// A real child process (the linkhub binary) whose output a test follows line
// by line and which it can kill with SIGKILL at a chosen moment. Reading
// blocks on the pipe: the test waits for what the child says, never for time.

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace linkhub::test {

class ChildProcess {
 public:
  // argv[0] is the program; `env` is added to this process's environment.
  ChildProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
               const std::string& cwd = "");
  ~ChildProcess();  // kills and reaps the child if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The next line of stdout+stderr, without its newline; nullopt at end of output.
  std::optional<std::string> read_line();
  // Reads lines until one contains `needle`; returns it (nullopt when the output ended first).
  std::optional<std::string> read_until(const std::string& needle);
  // Everything read so far (for failure messages).
  const std::string& transcript() const { return transcript_; }

  void kill(int signal);
  struct Status {
    bool exited = false;
    int code = -1;   // when exited
    int signal = 0;  // when killed by a signal
  };
  // Reads the rest of the output, then reaps the child.
  Status wait();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string buffer_;
  std::string transcript_;
  bool reaped_ = false;
  Status status_;
};

}  // namespace linkhub::test
