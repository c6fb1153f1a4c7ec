#include "http/static_files.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace linkhub::http {
namespace {

namespace fs = std::filesystem;

constexpr uintmax_t kMaxFileBytes = uintmax_t{32} << 20;  // the console's files are small; nothing else is served

const char* media_type(const std::string& extension) {
  static const std::pair<const char*, const char*> kTypes[] = {{".html", "text/html; charset=utf-8"},
                                                               {".js", "text/javascript; charset=utf-8"},
                                                               {".mjs", "text/javascript; charset=utf-8"},
                                                               {".css", "text/css; charset=utf-8"},
                                                               {".json", "application/json"},
                                                               {".map", "application/json"},
                                                               {".svg", "image/svg+xml"},
                                                               {".png", "image/png"},
                                                               {".jpg", "image/jpeg"},
                                                               {".webp", "image/webp"},
                                                               {".ico", "image/x-icon"},
                                                               {".woff2", "font/woff2"},
                                                               {".txt", "text/plain; charset=utf-8"},
                                                               {".webmanifest", "application/manifest+json"}};
  for (const auto& [ext, type] : kTypes) {
    if (extension == ext) {
      return type;
    }
  }
  return "application/octet-stream";
}

// A segment that names something inside the folder: not empty, not . or ..,
// no separator or NUL (a decoded %2F or %00), not hidden.
bool plain_segment(const std::string& segment) {
  return !segment.empty() && segment.front() != '.' &&
         segment.find_first_of(std::string("/\\\0", 3)) == std::string::npos;
}

bool within(const fs::path& root, const fs::path& path) {
  auto r = root.begin();
  auto p = path.begin();
  for (; r != root.end(); ++r, ++p) {
    if (p == path.end() || *r != *p) {
      return false;
    }
  }
  return true;
}

std::optional<std::string> read_file(const fs::path& file) {
  std::error_code ec;
  const uintmax_t size = fs::file_size(file, ec);
  if (ec || size > kMaxFileBytes) {
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

const char* const kConsoleContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

StaticFiles::StaticFiles(fs::path root) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(root, ec);
  root_ = ec ? root.lexically_normal() : canonical;
}

bool StaticFiles::installed() const {
  std::error_code ec;
  return fs::is_regular_file(root_ / "index.html", ec);
}

bool console_path(const std::vector<std::string>& segments) {
  return segments.empty() || segments.front() != "api";
}

bool accepts_gzip(const std::string& accept_encoding) {
  std::string text = accept_encoding;
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  std::istringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    item.erase(std::remove_if(item.begin(), item.end(), [](unsigned char c) { return std::isspace(c); }), item.end());
    const std::string coding = item.substr(0, item.find(';'));
    if (coding != "gzip" && coding != "*") {
      continue;
    }
    const size_t q = item.find(";q=");
    return q == std::string::npos || std::strtod(item.c_str() + q + 3, nullptr) > 0;
  }
  return false;
}

std::optional<Reply> StaticFiles::serve(const std::vector<std::string>& segments,
                                        const std::string& accept_encoding) const {
  std::vector<std::string> parts = segments;
  if (parts.size() == 1 && parts.front().empty()) {
    parts.clear();  // "/"
  }
  fs::path relative;
  for (const auto& part : parts) {
    if (!plain_segment(part)) {
      return std::nullopt;
    }
    relative /= part;
  }
  const bool gzip = accepts_gzip(accept_encoding);
  std::error_code ec;
  if (!parts.empty()) {
    const fs::path candidate = fs::weakly_canonical(root_ / relative, ec);
    if (!ec && within(root_, candidate) && fs::is_regular_file(candidate, ec)) {
      // Vite names the files under assets/ by their content's hash.
      return file_reply(candidate, parts.size() > 1 && parts.front() == "assets", gzip);
    }
    // A missing file (it has an extension) is a 404, not the page: a stale
    // script tag must not get HTML back.
    if (parts.back().find('.') != std::string::npos) {
      return std::nullopt;
    }
  }
  return file_reply(root_ / "index.html", false, gzip);
}

std::optional<Reply> StaticFiles::file_reply(const fs::path& file, bool immutable, bool gzip) const {
  const fs::path packed = fs::path(file.string() + ".gz");
  std::error_code ec;
  const bool has_packed = fs::is_regular_file(packed, ec);
  auto bytes = read_file(gzip && has_packed ? packed : file);
  if (!bytes) {
    return std::nullopt;
  }
  Reply reply = Reply::plain(200, media_type(file.extension().string()), std::move(*bytes));
  if (gzip && has_packed) {
    reply.headers.emplace_back("Content-Encoding", "gzip");
  }
  if (has_packed) {
    reply.headers.emplace_back("Vary", "Accept-Encoding");
  }
  reply.headers.emplace_back("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  reply.headers.emplace_back("Content-Security-Policy", kConsoleContentSecurityPolicy);
  reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
  reply.headers.emplace_back("Referrer-Policy", "no-referrer");
  reply.headers.emplace_back("X-Frame-Options", "DENY");
  return reply;
}

}  // namespace linkhub::http
