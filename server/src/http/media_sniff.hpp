#pragma once
// What an uploaded file is, from its first bytes (magic numbers), checked
// against the type its sender claimed. The server decodes nothing itself
// (the media plugin does): this is the cheap first look that turns away text,
// archives and cut-short MP4s before a decoder sees them. Plain functions, so
// they are tested (and fuzzed) without a server.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace linkhub::http {

// The media uploads accept.
struct SniffedMedia {
  std::string kind;        // "video" or "image"
  std::string media_type;  // "video/mp4"
  std::string extension;   // ".mp4", stored with the artifact
};

struct Sniff {
  std::optional<SniffedMedia> media;  // set when the bytes start like a video or image we take
  std::string found;                  // what the bytes look like, for messages ("MP4 video", "plain text", ...)
};

// From the first bytes of a file (64 are enough; fewer for a short file).
Sniff sniff_media(std::string_view head);

// For an ISO base media file (MP4, MOV) of `size` bytes whose top-level boxes
// are read with `read_at(offset, 16)`: empty when every box fits in the file,
// else what is wrong ("the file ends inside its 'mdat' box ...": cut short).
std::string iso_box_problem(uint64_t size, const std::function<std::string(uint64_t offset)>& read_at);

// sniff_media and, for MP4/MOV, iso_box_problem on a file. `problem` is set
// when the file cannot be read or is cut short.
struct FileSniff {
  Sniff sniff;
  std::string problem;
};
FileSniff sniff_media_file(const std::filesystem::path& file);

// Whether a claimed Content-Type fits the sniffed media: the same type or an
// alias of the same container (video/mp4 and video/quicktime, video/webm and
// video/x-matroska, image/jpg); an empty claim or application/octet-stream
// takes what was found. `claimed` may carry parameters (they are ignored).
bool claim_fits(std::string_view claimed, const SniffedMedia& media);

// "video/mp4; codecs=..." -> "video/mp4", lower case, trimmed.
std::string bare_media_type(std::string_view content_type);

}  // namespace linkhub::http
