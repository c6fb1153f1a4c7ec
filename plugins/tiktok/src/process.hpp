#pragma once
// Runs a program without a shell, its output into a log file, and stops it
// (with everything it started) when time runs out or the step is cancelled.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace linkhub::tiktok {

struct ProcessResult {
  enum class End { kExited, kSignalled, kTimedOut, kStopped };
  End end = End::kExited;
  int exit_code = -1;  // when kExited
  int signal = 0;      // when kSignalled
};

// argv[0] is the program's path. stdin is /dev/null; stdout and stderr go to
// log_path, or stdout to stdout_path when one is given (a program that prints
// its answer, such as `yt-dlp -J`). `should_stop` is polled while waiting; when it says true, or the
// timeout passes, the program's process group is killed. Throws
// std::runtime_error when the program cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& log_path,
                          std::chrono::milliseconds timeout, const std::function<bool()>& should_stop,
                          const std::string& stdout_path = {});

// The first executable regular file called `name` in the directories of
// `path_list` (PATH syntax); empty entries are skipped, not taken as ".".
std::optional<std::string> find_on_path(const std::string& name, const std::string& path_list);

}  // namespace linkhub::tiktok
