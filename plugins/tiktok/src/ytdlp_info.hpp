#pragma once
// yt-dlp's .info.json, shared by the ytdlp provider (which writes it) and the
// local provider (which finds it beside its video).

#include "tiktok_url.hpp"
#include "video_record.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace linkhub::tiktok {

// Maps id, webpage_url, uploader / uploader_id / channel / creator,
// description (or title), tags (or the caption's #tags), duration, thumbnail,
// view/like/repost/comment counts and timestamp (or upload_date). `requested`
// fills what the file lacks.
VideoRecord record_from_ytdlp_info(const sdk::Json& info, const VideoLink& requested, const std::string& provider);

// Reads and parses a JSON file of at most max_bytes. Throws StepError
// (permanent) naming the file and `who` when it is missing, too big or malformed.
sdk::Json read_json_file(const std::filesystem::path& file, size_t max_bytes, const std::string& who);

// <id>.info.json in dir, else a file named like yt-dlp's default template,
// "<title> [<id>].info.json" (the first by name); nullopt when neither exists.
std::optional<std::filesystem::path> find_info_file(const std::filesystem::path& dir, const std::string& video_id);

// The video beside an info file: <stem>.<ext> where ext is the info's "ext"
// or one of mp4, webm, mkv, mov; nullopt when none exists.
std::optional<std::filesystem::path> video_beside(const std::filesystem::path& info_file, const sdk::Json& info);

}  // namespace linkhub::tiktok
