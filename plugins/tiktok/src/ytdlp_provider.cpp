// provider "ytdlp": runs the yt-dlp program (no shell) to write the video's
// .info.json, and the video itself, into the step's artifact directory.
#include "http_client.hpp"
#include "process.hpp"
#include "providers.hpp"
#include "text.hpp"
#include "ytdlp_info.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace linkhub::tiktok {
namespace {

constexpr const char* kWho = "tiktok.fetch (ytdlp)";

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

VideoRecord fetch_ytdlp(const FetchRequest& request) {
  std::optional<std::string> binary = string_field(request.config, "ytdlp_path");
  if (!binary || binary->empty()) {
    const char* path = std::getenv("PATH");
    binary = find_on_path("yt-dlp", path != nullptr ? path : "");
  }
  if (!binary) {
    throw sdk::StepError(std::string(kWho) + ": yt-dlp is not installed (not on PATH)");
  }
  const std::string dir(request.ctx.artifact_dir());
  if (dir.empty()) {
    throw sdk::StepError(std::string(kWho) + ": the host gave no artifact directory to write into");
  }
  const std::string& id = request.link.video_id;
  std::vector<std::string> argv = {*binary,
                                   "--ignore-config",
                                   "--no-playlist",
                                   "--no-progress",
                                   "--write-info-json",
                                   "-P",
                                   dir,
                                   "-o",
                                   "%(id)s.%(ext)s",
                                   "--max-filesize",
                                   std::to_string(request.max_video_bytes)};
  if (!request.download_video) {
    argv.emplace_back("--skip-download");
  }
  argv.emplace_back("--");
  argv.push_back(request.link.url);

  const std::string log_path = (std::filesystem::path(dir) / ("yt-dlp-" + id + ".log")).string();
  const auto timeout = bounded_timeout(request.ctx, request.timeout);
  request.ctx.debug(std::string(kWho) + ": running " + *binary + " for " + request.link.url);
  ProcessResult result;
  try {
    result = run_process(argv, log_path, timeout, [&] { return request.ctx.cancelled(); });
  } catch (const std::runtime_error& e) {
    throw sdk::StepError(std::string(kWho) + ": " + e.what());
  }
  switch (result.end) {
    case ProcessResult::End::kStopped:
      throw sdk::Cancelled();
    case ProcessResult::End::kTimedOut:
      throw sdk::StepError(std::string(kWho) + ": yt-dlp did not finish within " + std::to_string(timeout.count()) +
                               " ms and was stopped",
                           true);
    case ProcessResult::End::kSignalled:
      throw sdk::StepError(std::string(kWho) + ": yt-dlp was killed by signal " + std::to_string(result.signal), true);
    case ProcessResult::End::kExited:
      break;
  }
  if (result.exit_code != 0) {
    const std::string message = error_from_log(log_path);
    throw sdk::StepError(std::string(kWho) + ": yt-dlp failed (exit " + std::to_string(result.exit_code) + ") for " +
                             request.link.url + ": " + (message.empty() ? "no output" : message) +
                             " (log: " + log_path + ")",
                         looks_transient(message));
  }

  const auto info_file = find_info_file(dir, id);
  if (!info_file) {
    throw sdk::StepError(std::string(kWho) + ": yt-dlp succeeded but wrote no " + id + ".info.json into '" + dir +
                         "' (log: " + log_path + ")");
  }
  const sdk::Json info = read_json_file(*info_file, request.max_response_bytes, kWho);
  VideoRecord record = record_from_ytdlp_info(info, request.link, "ytdlp");
  if (request.download_video) {
    if (auto video = video_beside(*info_file, info)) {
      record.video_path = video->string();
    } else {
      request.ctx.warn(std::string(kWho) + ": yt-dlp wrote no video file for " + id +
                       " (larger than max_video_bytes, or audio only?)");
    }
  }
  return record;
}

}  // namespace linkhub::tiktok
