// provider "ytdlp": runs the yt-dlp program (no shell) to write the video's
// .info.json, and the video itself, into the step's artifact directory.
#include "providers.hpp"
#include "ytdlp_info.hpp"
#include "ytdlp_run.hpp"

#include <filesystem>

namespace linkhub::tiktok {
namespace {
constexpr const char* kWho = "tiktok.fetch (ytdlp)";
}  // namespace

VideoRecord fetch_ytdlp(const FetchRequest& request) {
  const std::string binary = find_ytdlp(request.config, kWho);
  const std::string dir(request.ctx.artifact_dir());
  if (dir.empty()) {
    throw sdk::StepError(std::string(kWho) + ": the host gave no artifact directory to write into");
  }
  const std::string& id = request.link.video_id;
  std::vector<std::string> argv = {binary,
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
  run_ytdlp(request.ctx, kWho, argv, request.link.url, log_path, request.timeout);

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
