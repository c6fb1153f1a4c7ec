#include "isolated_call.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace linkhub {
namespace {

using Clock = std::chrono::steady_clock;

// The child never returns into the caller's stack: it reports on the pipe and
// _exits, so no destructor or atexit handler of the parent runs twice.
[[noreturn]] void run_child(int out_fd, const PluginHost& host, const LoadedStep& step, const StepCall& call,
                            const std::string& input) {
  setpgid(0, 0);  // so a hang kills whatever the step started too
  const int null_fd = open("/dev/null", O_WRONLY);
  if (null_fd >= 0) {
    dup2(null_fd, STDOUT_FILENO);  // keep the report parseable; stderr stays for sanitizer reports
  }
  // Offline: anything that honours the proxy variables (libcurl does) reaches
  // only a closed port on this machine.
  for (const char* name : {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"}) {
    setenv(name, "http://127.0.0.1:9", 1);
  }
  unsetenv("no_proxy");
  unsetenv("NO_PROXY");
  // As the executor does at a step's `timeout:`, cancel the call when its
  // deadline passes (a detached thread: the child _exits without joining).
  std::atomic<bool> cancelled{call.cancelled != nullptr && call.cancelled->load()};
  StepCall local = call;
  local.cancelled = &cancelled;
  if (call.deadline_ms > 0) {
    std::thread([&cancelled, deadline = call.deadline_ms] {
      std::this_thread::sleep_until(std::chrono::system_clock::time_point(std::chrono::milliseconds(deadline)));
      cancelled = true;
    }).detach();
  }
  std::string text;
  try {
    const StepOutcome outcome = host.invoke(step, local, input);
    text =
        Json{{"status", static_cast<int>(outcome.status)}, {"error", outcome.error}, {"bad_output", outcome.bad_output}}
            .dump(-1, ' ', false, Json::error_handler_t::replace);
  } catch (...) {
    _exit(3);
  }
  for (size_t sent = 0; sent < text.size();) {
    const ssize_t n = write(out_fd, text.data() + sent, text.size() - sent);
    if (n < 0 && errno != EINTR) {
      _exit(4);
    }
    sent += n > 0 ? static_cast<size_t>(n) : 0;
  }
  _exit(0);
}

}  // namespace

IsolatedCall call_isolated(const PluginHost& host, const LoadedStep& step, const StepCall& call, const Json& input,
                           std::chrono::milliseconds bound) {
  IsolatedCall result;
  const std::string text = input.dump(-1, ' ', false, Json::error_handler_t::replace);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    result.end = IsolatedCall::End::exited;
    result.exit_code = -1;
    result.error = std::string("cannot create a pipe: ") + std::strerror(errno);
    return result;
  }
  const auto start = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    run_child(fds[1], host, step, call, text);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    result.end = IsolatedCall::End::exited;
    result.exit_code = -1;
    result.error = std::string("cannot fork: ") + std::strerror(errno);
    return result;
  }
  std::string report;
  bool timed_out = false;
  const auto limit = start + bound;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(limit - Clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready == 0) {
      timed_out = true;
      break;
    }
    char buffer[4096];
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n > 0) {
      report.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  if (timed_out) {
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  if (timed_out) {
    result.end = IsolatedCall::End::timed_out;
  } else if (WIFSIGNALED(status)) {
    result.end = IsolatedCall::End::crashed;
    result.signal = WTERMSIG(status);
  } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    result.end = IsolatedCall::End::exited;
    result.exit_code = WEXITSTATUS(status);
  } else {
    const Json parsed = Json::parse(report, nullptr, false);
    if (!parsed.is_object()) {
      result.end = IsolatedCall::End::exited;
      result.error = "the step's process ended without a report";
      return result;
    }
    result.status = static_cast<lh_status>(parsed.value("status", static_cast<int>(LH_ERROR)));
    result.error = parsed.value("error", "");
    result.bad_output = parsed.value("bad_output", false);
  }
  return result;
}

}  // namespace linkhub
