#pragma once
// The web console's built files (ui/, `npm run build`) served at `/`: any
// GET that no API route takes. A path that names a file gets it; a path
// without an extension gets index.html (the console's router reads the
// address: /runs/42 is a page, not a file). Hashed files under assets/ are
// cached for a year, index.html never without revalidation; a file's `.gz`
// twin goes to clients that accept gzip; every answer carries the console's
// Content-Security-Policy. Paths that climb out of the folder, hidden files
// and symbolic links leading elsewhere are 404.

#include "http/call.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace linkhub::http {

// What every console answer says about what the page may load: itself only.
// (img-src also takes data: for the inline SVG icons bundlers emit.)
extern const char* const kConsoleContentSecurityPolicy;

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);

  // Whether the folder holds a built console (its index.html).
  bool installed() const;
  const std::filesystem::path& root() const { return root_; }

  // The answer for a GET or HEAD of the decoded path `segments` with the
  // request's Accept-Encoding; nullopt when nothing here answers it (404).
  std::optional<Reply> serve(const std::vector<std::string>& segments, const std::string& accept_encoding) const;

 private:
  std::optional<Reply> file_reply(const std::filesystem::path& file, bool immutable, bool gzip) const;
  std::filesystem::path root_;
};

// Whether a path is one the console may answer: not under /api/ (an unknown
// API path stays a JSON 404) nor any other route's prefix.
bool console_path(const std::vector<std::string>& segments);

// Whether an Accept-Encoding value takes gzip (a "gzip;q=0" refuses it).
bool accepts_gzip(const std::string& accept_encoding);

}  // namespace linkhub::http
