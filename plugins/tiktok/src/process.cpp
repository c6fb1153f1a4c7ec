#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace linkhub::tiktok {
namespace {

using Clock = std::chrono::steady_clock;

// How often cancellation is checked while the child runs.
constexpr std::chrono::milliseconds kPollSlice{50};

// A pidfd becomes readable when the child exits, so waiting needs no busy loop.
int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  errno = ENOSYS;
  return -1;
#endif
}

ProcessResult from_status(int status) {
  ProcessResult r;
  if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.end = ProcessResult::End::kSignalled;
    r.signal = WTERMSIG(status);
  }
  return r;
}

class Spawn {
 public:
  Spawn() {
    posix_spawn_file_actions_init(&actions_);
    posix_spawnattr_init(&attr_);
  }
  ~Spawn() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attr_);
  }
  Spawn(const Spawn&) = delete;
  Spawn& operator=(const Spawn&) = delete;
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attr_;
};

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& log_path,
                          std::chrono::milliseconds timeout, const std::function<bool()>& should_stop,
                          const std::string& stdout_path) {
  if (argv.empty()) {
    throw std::runtime_error("no program to run");
  }
  std::vector<char*> args;
  for (const std::string& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);

  Spawn spawn;
  posix_spawn_file_actions_addopen(&spawn.actions_, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  constexpr int kFlags = O_WRONLY | O_CREAT | O_TRUNC;
  if (stdout_path.empty()) {
    posix_spawn_file_actions_addopen(&spawn.actions_, STDOUT_FILENO, log_path.c_str(), kFlags, 0644);
    posix_spawn_file_actions_adddup2(&spawn.actions_, STDOUT_FILENO, STDERR_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&spawn.actions_, STDOUT_FILENO, stdout_path.c_str(), kFlags, 0644);
    posix_spawn_file_actions_addopen(&spawn.actions_, STDERR_FILENO, log_path.c_str(), kFlags, 0644);
  }
  // Its own process group, so a kill also reaches what it starts (ffmpeg);
  // default signal handling and mask, whatever the host set.
  sigset_t no_signals;
  sigset_t all_signals;
  sigemptyset(&no_signals);
  sigfillset(&all_signals);
  posix_spawnattr_setpgroup(&spawn.attr_, 0);
  posix_spawnattr_setsigmask(&spawn.attr_, &no_signals);
  posix_spawnattr_setsigdefault(&spawn.attr_, &all_signals);
  posix_spawnattr_setflags(&spawn.attr_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0].c_str(), &spawn.actions_, &spawn.attr_, args.data(), environ);
  if (rc != 0) {
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }

  const int pidfd = open_pidfd(pid);
  const auto deadline = Clock::now() + timeout;
  ProcessResult::End stop_reason = ProcessResult::End::kTimedOut;
  while (true) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (pidfd >= 0) {
        close(pidfd);
      }
      return from_status(status);
    }
    if (done < 0 && errno != EINTR) {
      // Reaped elsewhere (the host ignores SIGCHLD?): its status is lost, and
      // killing the pid now could hit an unrelated process.
      if (pidfd >= 0) {
        close(pidfd);
      }
      return ProcessResult{};
    }
    const auto now = Clock::now();
    if (now >= deadline) {
      stop_reason = ProcessResult::End::kTimedOut;
      break;
    }
    if (should_stop && should_stop()) {
      stop_reason = ProcessResult::End::kStopped;
      break;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    const int wait_ms = static_cast<int>(std::max<int64_t>(1, std::min(left, kPollSlice).count()));
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      poll(&p, 1, wait_ms);
    } else {
      poll(nullptr, 0, wait_ms);
    }
  }
  kill(-pid, SIGKILL);
  kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (pidfd >= 0) {
    close(pidfd);
  }
  ProcessResult r;
  r.end = stop_reason;
  r.signal = SIGKILL;
  return r;
}

std::optional<std::string> find_on_path(const std::string& name, const std::string& path_list) {
  size_t start = 0;
  while (start <= path_list.size()) {
    size_t end = path_list.find(':', start);
    if (end == std::string::npos) {
      end = path_list.size();
    }
    const std::string dir = path_list.substr(start, end - start);
    if (!dir.empty()) {
      const std::string candidate = dir + "/" + name;
      struct stat st {};
      if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(candidate.c_str(), X_OK) == 0) {
        return candidate;
      }
    }
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace linkhub::tiktok
