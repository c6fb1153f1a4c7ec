#include "http/media_sniff.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <fstream>

namespace linkhub::http {
namespace {

constexpr size_t kHead = 64;
// Top-level boxes looked at: real files have a handful; a file of millions of tiny boxes is not walked to its end.
constexpr int kMaxBoxes = 10000;

bool starts(std::string_view head, std::string_view magic, size_t at = 0) {
  return head.size() >= at + magic.size() && head.substr(at, magic.size()) == magic;
}

uint64_t be32(std::string_view b, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 4; ++i) {
    v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  }
  return v;
}

uint64_t be64(std::string_view b, size_t at) {
  return (be32(b, at) << 32) | be32(b, at + 4);
}

bool looks_like_text(std::string_view head) {
  return !head.empty() && std::all_of(head.begin(), head.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 || u == '\n' || u == '\r' || u == '\t' || u >= 0x80;
  });
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string hex_start(std::string_view head) {
  std::string out;
  char byte[4];
  for (size_t i = 0; i < std::min<size_t>(head.size(), 8); ++i) {
    std::snprintf(byte, sizeof byte, "%02x", static_cast<unsigned char>(head[i]));
    out += byte;
  }
  return out;
}

// Neither video nor image: a name for what it is.
std::string other_kind(std::string_view head) {
  if (head.empty()) {
    return "an empty body";
  }
  const std::string start = lower(head.substr(0, std::min<size_t>(head.size(), 15)));
  if (start.rfind("<!doctype html", 0) == 0 || start.rfind("<html", 0) == 0) {
    return "HTML";
  }
  struct Magic {
    std::string_view bytes;
    const char* name;
  };
  static constexpr std::array<Magic, 8> kOthers = {{{"%PDF", "a PDF document"},
                                                    {"PK\x03\x04", "a ZIP archive"},
                                                    {"\x1f\x8b", "gzip data"},
                                                    {"GIF8", "a GIF image (not accepted: send JPEG, PNG or WebP)"},
                                                    {"ID3", "MP3 audio"},
                                                    {"OggS", "an Ogg stream"},
                                                    {"fLaC", "FLAC audio"},
                                                    {"\x7f"
                                                     "ELF",
                                                     "an executable"}}};
  for (const auto& m : kOthers) {
    if (starts(head, m.bytes)) {
      return m.name;
    }
  }
  if (looks_like_text(head)) {
    return "plain text";
  }
  return "unknown data (starting 0x" + hex_start(head) + ")";
}

}  // namespace

Sniff sniff_media(std::string_view head) {
  Sniff s;
  const auto take = [&s](const char* kind, const char* type, const char* ext, const char* found) {
    s.media = SniffedMedia{kind, type, ext};
    s.found = found;
    return s;
  };
  if (starts(head, "\xff\xd8\xff")) {
    return take("image", "image/jpeg", ".jpg", "a JPEG image");
  }
  if (starts(head, "\x89PNG\r\n\x1a\n")) {
    return take("image", "image/png", ".png", "a PNG image");
  }
  if (starts(head, "RIFF") && starts(head, "WEBP", 8)) {
    return take("image", "image/webp", ".webp", "a WebP image");
  }
  if (starts(head, "ftyp", 4)) {
    if (starts(head, "qt  ", 8)) {
      return take("video", "video/quicktime", ".mov", "a QuickTime video");
    }
    if (starts(head, "avif", 8) || starts(head, "heic", 8) || starts(head, "mif1", 8)) {
      s.found = "an AVIF/HEIF image (not accepted: send JPEG, PNG or WebP)";
      return s;
    }
    return take("video", "video/mp4", ".mp4", "an MP4 video");
  }
  // QuickTime files from old cameras start with their movie or data box.
  if (starts(head, "moov", 4) || starts(head, "mdat", 4) || starts(head, "wide", 4)) {
    return take("video", "video/quicktime", ".mov", "a QuickTime video");
  }
  if (starts(head, "\x1a\x45\xdf\xa3")) {
    if (head.find("webm") != std::string_view::npos) {
      return take("video", "video/webm", ".webm", "a WebM video");
    }
    return take("video", "video/x-matroska", ".mkv", "a Matroska video");
  }
  s.found = other_kind(head);
  return s;
}

std::string iso_box_problem(uint64_t size, const std::function<std::string(uint64_t offset)>& read_at) {
  uint64_t at = 0;
  for (int i = 0; i < kMaxBoxes && at < size; ++i) {
    if (size - at < 8) {
      return "the file ends inside a box header at byte " + std::to_string(at) + " (cut short?)";
    }
    const std::string b = read_at(at);
    if (b.size() < 8) {
      return "the file could not be read at byte " + std::to_string(at);
    }
    uint64_t box = be32(b, 0);
    const std::string type = b.substr(4, 4);
    const bool printable = std::all_of(type.begin(), type.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
    if (!printable) {
      return "byte " + std::to_string(at) + " does not start a box (the file is damaged)";
    }
    if (box == 1) {
      if (b.size() < 16) {
        return "the file ends inside the '" + type + "' box header (cut short?)";
      }
      box = be64(b, 8);
    } else if (box == 0) {
      return "";  // the last box runs to the end of the file
    }
    if (box < 8) {
      return "the '" + type + "' box at byte " + std::to_string(at) + " has an impossible size";
    }
    if (box > size - at) {
      return "the file ends inside its '" + type + "' box (" + std::to_string(size - at) + " of " +
             std::to_string(box) + " bytes there): it was cut short";
    }
    at += box;
  }
  return "";
}

FileSniff sniff_media_file(const std::filesystem::path& file) {
  FileSniff out;
  std::ifstream in(file, std::ios::binary);
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(file, ec);
  if (!in || ec) {
    out.problem = "the uploaded file could not be read back";
    return out;
  }
  std::string head(kHead, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  out.sniff = sniff_media(head);
  if (out.sniff.media &&
      (out.sniff.media->media_type == "video/mp4" || out.sniff.media->media_type == "video/quicktime")) {
    out.problem = iso_box_problem(size, [&in](uint64_t offset) {
      in.clear();
      in.seekg(static_cast<std::streamoff>(offset));
      std::string b(16, '\0');
      in.read(b.data(), static_cast<std::streamsize>(b.size()));
      b.resize(static_cast<size_t>(in.gcount()));
      return b;
    });
  }
  return out;
}

std::string bare_media_type(std::string_view content_type) {
  std::string type = lower(content_type.substr(0, content_type.find(';')));
  type.erase(0, type.find_first_not_of(" \t"));
  type.erase(type.find_last_not_of(" \t") + 1);
  return type;
}

bool claim_fits(std::string_view claimed, const SniffedMedia& media) {
  const std::string type = bare_media_type(claimed);
  if (type.empty() || type == "application/octet-stream" || type == media.media_type) {
    return true;
  }
  const auto family = [](const std::string& t) -> std::string {
    if (t == "video/mp4" || t == "video/quicktime" || t == "video/x-m4v" || t == "video/3gpp") {
      return "iso";
    }
    if (t == "video/webm" || t == "video/x-matroska") {
      return "matroska";
    }
    if (t == "image/jpeg" || t == "image/jpg" || t == "image/pjpeg") {
      return "jpeg";
    }
    return t;
  };
  return family(type) == family(media.media_type);
}

}  // namespace linkhub::http
