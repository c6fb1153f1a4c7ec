#pragma once
// Running yt-dlp, shared by tiktok.fetch and tiktok.list_videos: where the
// program is, and what its ending means (timeout, signal, exit code and the
// ERROR: line of its log).

#include <linkhub/plugin.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace linkhub::tiktok {

// The plugin config's `ytdlp_path`, else `yt-dlp` on PATH. Throws StepError
// (permanent, naming `who`) when there is none.
std::string find_ytdlp(const sdk::Json& config, const std::string& who);

// Runs argv (argv[0] from find_ytdlp) without a shell, stderr (and stdout,
// unless stdout_path is given) into log_path; returns when it exited 0.
// Throws Cancelled when the step is cancelled, StepError naming `who` and
// `subject` otherwise: timeout and signals retryable, a failed exit with its
// ERROR: line and the log's path, retryable when it reads like 429, 5xx or a
// network failure.
void run_ytdlp(const sdk::Context& ctx, const std::string& who, const std::vector<std::string>& argv,
               const std::string& subject, const std::string& log_path, std::chrono::milliseconds timeout,
               const std::string& stdout_path = {});

}  // namespace linkhub::tiktok
