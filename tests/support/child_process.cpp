#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace linkhub::test {

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                           const std::string& cwd) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  pid_ = ::fork();
  if (pid_ < 0) {
    throw std::runtime_error("fork failed");
  }
  if (pid_ == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
      ::_exit(126);
    }
    for (const auto& [k, v] : env) {
      ::setenv(k.c_str(), v.c_str(), 1);
    }
    std::vector<char*> args;
    for (const auto& a : argv) {
      args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  fd_ = fds[0];
}

ChildProcess::~ChildProcess() {
  if (!reaped_) {
    ::kill(pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
  }
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

std::optional<std::string> ChildProcess::read_line() {
  for (;;) {
    if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      transcript_ += line + "\n";
      return line;
    }
    char chunk[4096];
    const ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n <= 0) {
      if (buffer_.empty()) {
        return std::nullopt;
      }
      std::string line = std::move(buffer_);
      buffer_.clear();
      transcript_ += line + "\n";
      return line;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

std::optional<std::string> ChildProcess::read_until(const std::string& needle) {
  while (auto line = read_line()) {
    if (line->find(needle) != std::string::npos) {
      return line;
    }
  }
  return std::nullopt;
}

void ChildProcess::kill(int signal) {
  ::kill(pid_, signal);
}

ChildProcess::Status ChildProcess::wait() {
  if (reaped_) {
    return status_;
  }
  while (read_line()) {
  }
  int st = 0;
  ::waitpid(pid_, &st, 0);
  reaped_ = true;
  if (WIFEXITED(st)) {
    status_.exited = true;
    status_.code = WEXITSTATUS(st);
  } else if (WIFSIGNALED(st)) {
    status_.signal = WTERMSIG(st);
  }
  return status_;
}

}  // namespace linkhub::test
