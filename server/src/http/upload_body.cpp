#include "http/upload_body.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>

#include <unistd.h>

namespace linkhub::http {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPrefix = "upload-";

// The process id in "upload-<pid>-<n>[.ext]"; 0 when the name is not one of ours.
pid_t owner_of(const std::string& name) {
  if (name.rfind(kPrefix, 0) != 0) {
    return 0;
  }
  char* end = nullptr;
  const long pid = std::strtol(name.c_str() + kPrefix.size(), &end, 10);
  return (end != nullptr && *end == '-' && pid > 0) ? static_cast<pid_t>(pid) : 0;
}

bool alive(pid_t pid) {
  return ::kill(pid, 0) == 0 || errno == EPERM;
}

}  // namespace

TempFile::~TempFile() {
  if (!path_.empty()) {
    std::error_code ignored;
    fs::remove(path_, ignored);
  }
}

bool TempFile::rename_to(const fs::path& to) {
  std::error_code ec;
  fs::rename(path_, to, ec);
  if (ec) {
    return false;
  }
  path_ = to;
  return true;
}

fs::path upload_temp_dir(const fs::path& artifact_root) {
  return artifact_root / "tmp" / "uploads";
}

fs::path new_upload_path(const fs::path& dir) {
  static std::atomic<uint64_t> counter{0};
  std::error_code ignored;
  fs::create_directories(dir, ignored);
  return dir / (std::string(kPrefix) + std::to_string(::getpid()) + "-" + std::to_string(++counter));
}

size_t remove_stale_uploads(const fs::path& dir) {
  std::error_code ec;
  size_t removed = 0;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const pid_t owner = owner_of(it->path().filename().string());
    // Our own pid here means a previous process had it (we have written nothing yet).
    if (owner != 0 && (owner == ::getpid() || !alive(owner))) {
      std::error_code ignored;
      removed += fs::remove(it->path(), ignored) ? 1 : 0;
    }
  }
  return removed;
}

}  // namespace linkhub::http
