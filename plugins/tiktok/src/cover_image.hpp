#pragma once
// The video's cover image as an artifact, for when there is no video file to
// make thumbnails of (oembed, apify without download_video, ytdlp with
// --skip-download, a local folder without the video): media.thumbnails makes
// the same thumbnails from it, and catalog.upsert keeps it as `cover`.

#include <linkhub/plugin.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace linkhub::tiktok {

// "image/jpeg", "image/png" or "image/webp" from a file's first bytes;
// nullopt for anything else (HTML, JSON, video, HEIC ...).
std::optional<std::string> sniff_image_type(std::string_view head);

// GETs `url` through the SDK's HTTP client (SSRF guard, circuit breaker, at
// most 5 redirects, at most max_bytes) and stores it with ctx.put_artifact.
// Returns {hash, path, media_type, bytes, source: "url"}. Throws StepError
// with a code: a body that is not a JPEG, PNG or WebP image (an HTML error
// page, say), a body over max_bytes and a redirect loop are `bad_output`;
// error statuses keep the client's codes (not_found, unavailable ...).
sdk::Json download_cover(const sdk::Context& ctx, const std::string& url, std::chrono::milliseconds timeout,
                         size_t max_bytes);

// A cover file yt-dlp's --write-thumbnail would leave beside an info file:
// <stem>.jpg, .jpeg, .png or .webp; nullopt when none exists.
std::optional<std::filesystem::path> cover_beside(const std::filesystem::path& info_file);

// Stores a local cover file like download_cover (source: "file"), with the
// same checks: a regular file of at most max_bytes that is a JPEG, PNG or WebP.
sdk::Json store_cover_file(const sdk::Context& ctx, const std::filesystem::path& file, size_t max_bytes);

}  // namespace linkhub::tiktok
