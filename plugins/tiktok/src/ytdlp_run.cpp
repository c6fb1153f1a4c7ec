#include "ytdlp_run.hpp"

#include "http_client.hpp"
#include "process.hpp"
#include "text.hpp"
#include "video_record.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace linkhub::tiktok {
namespace {

// The last "ERROR:" line yt-dlp wrote, else the log's last line.
std::string error_from_log(const std::string& log_path) {
  std::ifstream in(log_path, std::ios::binary);
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  constexpr std::streamoff kTail = 16 * 1024;
  in.seekg(size > kTail ? size - kTail : 0);
  std::string line, error, last;
  while (std::getline(in, line)) {
    if (!excerpt(line).empty()) {
      last = line;
    }
    if (line.find("ERROR:") != std::string::npos) {
      error = line;
    }
  }
  return excerpt(error.empty() ? last : error, 300);
}

// yt-dlp reports throttling and outages in words only.
bool looks_transient(const std::string& message) {
  for (const char* hint : {"HTTP Error 429", "HTTP Error 5", "timed out", "Temporary failure", "Connection reset",
                           "Connection refused", "Too Many Requests"}) {
    if (message.find(hint) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string find_ytdlp(const sdk::Json& config, const std::string& who) {
  std::optional<std::string> binary = string_field(config, "ytdlp_path");
  if (!binary || binary->empty()) {
    const char* path = std::getenv("PATH");
    binary = find_on_path("yt-dlp", path != nullptr ? path : "");
  }
  if (!binary) {
    throw sdk::StepError(who + ": yt-dlp is not installed (not on PATH)");
  }
  return *binary;
}

void run_ytdlp(const sdk::Context& ctx, const std::string& who, const std::vector<std::string>& argv,
               const std::string& subject, const std::string& log_path, std::chrono::milliseconds timeout,
               const std::string& stdout_path) {
  timeout = bounded_timeout(ctx, timeout);
  ctx.debug(who + ": running " + argv.front() + " for " + subject);
  ProcessResult result;
  try {
    result = run_process(
        argv, log_path, timeout, [&] { return ctx.cancelled(); }, stdout_path);
  } catch (const std::runtime_error& e) {
    throw sdk::StepError(who + ": " + e.what());
  }
  switch (result.end) {
    case ProcessResult::End::kStopped:
      throw sdk::Cancelled();
    case ProcessResult::End::kTimedOut:
      throw sdk::StepError(
          who + ": yt-dlp did not finish within " + std::to_string(timeout.count()) + " ms and was stopped", true);
    case ProcessResult::End::kSignalled:
      throw sdk::StepError(who + ": yt-dlp was killed by signal " + std::to_string(result.signal), true);
    case ProcessResult::End::kExited:
      break;
  }
  if (result.exit_code != 0) {
    const std::string message = error_from_log(log_path);
    throw sdk::StepError(who + ": yt-dlp failed (exit " + std::to_string(result.exit_code) + ") for " + subject + ": " +
                             (message.empty() ? "no output" : message) + " (log: " + log_path + ")",
                         looks_transient(message));
  }
}

}  // namespace linkhub::tiktok
