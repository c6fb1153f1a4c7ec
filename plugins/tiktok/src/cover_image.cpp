#include "cover_image.hpp"

#include "http_client.hpp"
#include "text.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace linkhub::tiktok {
namespace {

namespace fs = std::filesystem;
using sdk::Json;

constexpr const char* kWho = "tiktok.fetch (cover)";

[[noreturn]] void bad_cover(const std::string& message, const std::string& reason) {
  throw sdk::StepError(sdk::errors::bad_output, std::string(kWho) + ": " + message, false,
                       Json{{"field", "cover_url"}, {"reason", reason}});
}

// The media type a server claims, without parameters, in lower case.
std::string claimed_type(const HttpResponse& response) {
  auto it = response.headers.find("content-type");
  if (it == response.headers.end()) {
    return {};
  }
  std::string type = it->second.substr(0, it->second.find(';'));
  while (!type.empty() && type.back() == ' ') {
    type.pop_back();
  }
  for (char& c : type) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return type;
}

// The bytes written to a private file in the artifact directory (or the
// temporary directory), stored, and the file removed however it ends.
Json store_bytes(const sdk::Context& ctx, const std::string& bytes, const std::string& media_type) {
  const fs::path base =
      ctx.artifact_dir().empty() ? fs::temp_directory_path() : fs::path(std::string(ctx.artifact_dir()));
  std::error_code ec;
  fs::create_directories(base, ec);
  std::string pattern = (base / ".cover-XXXXXX").string();
  const int fd = mkstemp(pattern.data());
  if (fd < 0) {
    throw sdk::StepError(std::string(kWho) + ": cannot create a file in " + base.string() + ": " +
                         std::strerror(errno));
  }
  ::close(fd);
  struct Remove {
    std::string path;
    ~Remove() {
      std::error_code ignored;
      fs::remove(path, ignored);
    }
  } remove{pattern};
  std::ofstream out(pattern, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    throw sdk::StepError(std::string(kWho) + ": cannot write " + pattern + " (disk full?)");
  }
  return ctx.put_artifact(pattern, media_type);
}

}  // namespace

std::optional<std::string> sniff_image_type(std::string_view head) {
  const auto starts = [&](std::string_view magic, size_t at = 0) {
    return head.size() >= at + magic.size() && head.substr(at, magic.size()) == magic;
  };
  if (starts("\xFF\xD8\xFF")) {
    return "image/jpeg";
  }
  if (starts("\x89PNG\r\n\x1A\n")) {
    return "image/png";
  }
  if (starts("RIFF") && starts("WEBP", 8)) {
    return "image/webp";
  }
  return std::nullopt;
}

Json download_cover(const sdk::Context& ctx, const std::string& url, std::chrono::milliseconds timeout,
                    size_t max_bytes) {
  const HttpClient http(ctx, kWho, timeout, max_bytes);
  HttpRequest get;
  get.url = url;
  get.headers = {"Accept: image/jpeg, image/webp, image/png"};
  get.follow_redirects = true;
  get.max_redirects = 5;
  const std::string target = http.describe("GET", url);
  HttpResponse response;
  try {
    response = http.send(get);
  } catch (const sdk::StepError& e) {
    if (e.code() == sdk::errors::bad_output.value) {
      bad_cover(target + ": the cover is larger than max_cover_bytes (" + std::to_string(max_bytes) + " bytes)",
                "too_large");
    }
    if (e.code().empty() && !e.retryable()) {
      // A redirect loop, say: the client's message already starts with kWho.
      const std::string prefix = std::string(kWho) + ": ";
      const std::string what = e.what();
      bad_cover(what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what, "transport");
    }
    throw;
  }
  http.fail_on_status(response, target);
  if (response.status != 200) {
    bad_cover(target + " answered " + std::to_string(response.status) + ", expected 200 with an image", "status");
  }
  const std::string claimed = claimed_type(response);
  const auto sniffed = sniff_image_type(response.body);
  if (!sniffed) {
    const std::string what = claimed.empty() ? "no Content-Type" : claimed;
    bad_cover(target + " answered " + what + " (" + std::to_string(response.body.size()) + " bytes starting " +
                  excerpt(response.body, 24) + "), not a JPEG, PNG or WebP image",
              "not_an_image");
  }
  if (!claimed.empty() && claimed.rfind("image/", 0) != 0 && claimed != "application/octet-stream" &&
      claimed != "binary/octet-stream") {
    bad_cover(target + " answered Content-Type " + claimed + " for what looks like " + *sniffed, "not_an_image");
  }
  Json stored = store_bytes(ctx, response.body, *sniffed);
  stored["source"] = "url";
  return stored;
}

std::optional<fs::path> cover_beside(const fs::path& info_file) {
  std::string stem = info_file.filename().string();
  constexpr std::string_view kSuffix = ".info.json";
  if (stem.size() > kSuffix.size() && stem.compare(stem.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0) {
    stem.resize(stem.size() - kSuffix.size());
  }
  for (const char* ext : {"jpg", "jpeg", "png", "webp"}) {
    const fs::path candidate = info_file.parent_path() / (stem + "." + ext);
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) {
      return candidate;
    }
  }
  return std::nullopt;
}

Json store_cover_file(const sdk::Context& ctx, const fs::path& file, size_t max_bytes) {
  std::error_code ec;
  const uintmax_t size = fs::file_size(file, ec);
  if (ec) {
    bad_cover("cannot read the cover file '" + file.string() + "': " + ec.message(), "unreadable");
  }
  if (size > max_bytes) {
    bad_cover("the cover file '" + file.string() + "' is " + std::to_string(size) + " bytes, over max_cover_bytes (" +
                  std::to_string(max_bytes) + ")",
              "too_large");
  }
  std::ifstream in(file, std::ios::binary);
  std::string head(16, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  const auto sniffed = sniff_image_type(head);
  if (!sniffed) {
    bad_cover("the cover file '" + file.string() + "' is not a JPEG, PNG or WebP image", "not_an_image");
  }
  Json stored = ctx.put_artifact(file.string(), *sniffed);
  stored["source"] = "file";
  return stored;
}

}  // namespace linkhub::tiktok
