#include <linkhub/engine/artifact_store.hpp>

#include <Poco/SHA2Engine.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

namespace linkhub {

namespace fs = std::filesystem;

Json Artifact::to_json() const {
  return {{"hash", hash}, {"path", path.string()}, {"bytes", bytes}, {"media_type", media_type}};
}

Result<std::string> sha256_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Error{"cannot read " + file.string()};
  }
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  std::array<char, 1 << 16> buffer{};
  while (in) {
    in.read(buffer.data(), buffer.size());
    if (in.gcount() > 0) {
      engine.update(buffer.data(), static_cast<unsigned>(in.gcount()));
    }
  }
  if (in.bad()) {
    return Error{"error while reading " + file.string()};
  }
  return Poco::DigestEngine::digestToHex(engine.digest());
}

ArtifactStore::ArtifactStore(fs::path root) : root_(fs::absolute(root).lexically_normal()) {}

ArtifactStore::ArtifactStore(fs::path root, std::shared_ptr<const ArtifactRemote> remote)
    : root_(fs::absolute(root).lexically_normal()), remote_(std::move(remote)) {}

namespace {

bool is_hex64(const std::string& s) {
  if (s.size() != 64) {
    return false;
  }
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

// A short, safe extension: ".jpg", ".webp", ".mp4"; nothing when odd.
std::string safe_extension(const fs::path& file) {
  std::string ext = file.extension().string();
  if (ext.size() < 2 || ext.size() > 8) {
    return "";
  }
  for (size_t i = 1; i < ext.size(); ++i) {
    if (!std::isalnum(static_cast<unsigned char>(ext[i]))) {
      return "";
    }
    ext[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(ext[i])));
  }
  return ext;
}

// Closes a descriptor on every path out.
struct FileDescriptor {
  int fd = -1;
  explicit FileDescriptor(int f) : fd(f) {}
  ~FileDescriptor() {
    if (fd >= 0) {
      ::close(fd);
    }
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
};

constexpr size_t kReadChunk = size_t{64} << 10;

}  // namespace

std::string media_type_of_extension(std::string_view extension) {
  std::string ext(extension);
  if (!ext.empty() && ext.front() == '.') {
    ext.erase(0, 1);
  }
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  static const std::pair<const char*, const char*> kTypes[] = {
      {"jpg", "image/jpeg"},  {"jpeg", "image/jpeg"},         {"png", "image/png"},
      {"webp", "image/webp"}, {"gif", "image/gif"},           {"avif", "image/avif"},
      {"mp4", "video/mp4"},   {"m4v", "video/mp4"},           {"mov", "video/quicktime"},
      {"webm", "video/webm"}, {"mkv", "video/x-matroska"},    {"mp3", "audio/mpeg"},
      {"m4a", "audio/mp4"},   {"json", "application/json"},   {"txt", "text/plain; charset=utf-8"},
      {"vtt", "text/vtt"},    {"srt", "application/x-subrip"}};
  for (const auto& [name, type] : kTypes) {
    if (ext == name) {
      return type;
    }
  }
  return "application/octet-stream";
}

Result<Artifact> ArtifactStore::put_file(const fs::path& file, const std::string& media_type) const {
  return store_file(file, media_type, false);
}

Result<Artifact> ArtifactStore::move_file(const fs::path& file, const std::string& media_type) const {
  return store_file(file, media_type, true);
}

Result<Artifact> ArtifactStore::store_file(const fs::path& file, const std::string& media_type, bool move) const {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    return Error{"artifact " + file.string() + ": not a readable file"};
  }
  auto hex = sha256_file(file);
  if (!hex) {
    return Error{"artifact: " + hex.error().message};
  }
  Artifact a;
  a.hash = "sha256:" + *hex;
  a.media_type = media_type;
  const fs::path dir = root_ / "objects" / hex->substr(0, 2);
  a.path = dir / (*hex + safe_extension(file));
  a.bytes = fs::file_size(file, ec);
  if (remote_) {
    // The bucket first: an artifact is stored once the cluster can read it.
    auto sent = remote_->put(*hex, file, safe_extension(file), media_type);
    if (!sent) {
      return sent.error();
    }
  }
  if (fs::exists(a.path, ec)) {
    if (move) {
      fs::remove(file, ec);
    }
    return a;  // stored before: content addressing makes it the same file
  }
  fs::create_directories(dir, ec);
  if (ec) {
    return Error{"artifact store " + root_.string() + ": cannot create " + dir.string() + ": " + ec.message()};
  }
  static std::atomic<uint64_t> counter{0};
  const fs::path tmp = dir / (".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  if (move) {
    fs::rename(file, tmp, ec);  // the same file system: no copy (a 1 GiB upload is not written twice)
    if (ec) {
      fs::copy_file(file, tmp, fs::copy_options::overwrite_existing, ec);
      if (!ec) {
        fs::remove(file, ec);
      }
    }
  } else {
    fs::copy_file(file, tmp, fs::copy_options::overwrite_existing, ec);
  }
  if (ec) {
    fs::remove(tmp, ec);
    return Error{"artifact store " + root_.string() + ": cannot copy " + file.string() + ": " + ec.message()};
  }
  // Durable before it is named: a product must never point at a half-written file.
  if (const int fd = ::open(tmp.c_str(), O_RDONLY); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  fs::rename(tmp, a.path, ec);  // atomic; a concurrent writer of the same content wins harmlessly
  if (ec) {
    fs::remove(tmp, ec);
    return Error{"artifact store " + root_.string() + ": cannot store " + a.path.string() + ": " + ec.message()};
  }
  return a;
}

namespace {

std::string hex_of(const std::string& hash) {
  std::string hex = hash.rfind("sha256:", 0) == 0 ? hash.substr(7) : hash;
  return is_hex64(hex) ? hex : std::string();
}

Error not_found(const std::string& hash) {
  return Error{"no artifact " + hash.substr(0, 80), "not_found", Json{{"hash", hash.substr(0, 80)}}};
}

}  // namespace

fs::path ArtifactStore::path_of(const std::string& hash) const {
  const std::string hex = hex_of(hash);
  if (hex.empty()) {
    return {};
  }
  fs::path found = local_path(hex);
  if (found.empty() && remote_) {
    found = fetch_into_cache(hex);
  }
  return found;
}

// Into the cache under its stored name, atomically: readers never see half a file.
fs::path ArtifactStore::fetch_into_cache(const std::string& hex) const {
  auto object = remote_->stat(hex);
  if (!object || !object->has_value()) {
    return {};
  }
  const fs::path dir = root_ / "objects" / hex.substr(0, 2);
  std::error_code ec;
  fs::create_directories(dir, ec);
  static std::atomic<uint64_t> counter{0};
  const fs::path tmp = dir / (".fetch-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  if (!remote_->fetch(hex, tmp)) {
    fs::remove(tmp, ec);
    return {};
  }
  // Only what hashes right enters the cache: the bucket is shared, the cache is trusted.
  auto got = sha256_file(tmp);
  std::string ext = (*object)->extension;
  if (!got || *got != hex || (!ext.empty() && safe_extension(fs::path("x" + ext)) != ext)) {
    fs::remove(tmp, ec);
    return {};
  }
  const fs::path target = dir / (hex + ext);
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return {};
  }
  return target;
}

Result<ArtifactInfo> ArtifactStore::stat(const std::string& hash) const {
  const std::string hex = hex_of(hash);
  if (hex.empty()) {
    return Error{"artifact: not a content hash (expected \"sha256:\" and 64 lower-case hex digits)", "invalid_input"};
  }
  if (const fs::path local = local_path(hex); !local.empty()) {
    std::error_code ec;
    const uint64_t bytes = fs::file_size(local, ec);
    if (!ec) {
      return ArtifactInfo{"sha256:" + hex, bytes, media_type_of_extension(local.extension().string())};
    }
  }
  if (!remote_) {
    return not_found(hash);
  }
  auto object = remote_->stat(hex);
  if (!object) {
    return object.error();
  }
  if (!object->has_value()) {
    return not_found(hash);
  }
  const auto& o = **object;
  return ArtifactInfo{"sha256:" + hex, o.bytes,
                      o.media_type.empty() ? media_type_of_extension(o.extension) : o.media_type};
}

Result<uint64_t> ArtifactStore::read(const std::string& hash, uint64_t offset, uint64_t length,
                                     const std::function<bool(std::string_view)>& sink) const {
  const fs::path path = path_of(hash);
  if (path.empty()) {
    return not_found(hash);
  }
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.fd < 0) {
    return Error{"artifact store: cannot open " + path.string() + ": " + std::strerror(errno), "not_found"};
  }
  std::array<char, kReadChunk> buffer{};
  uint64_t sent = 0;
  while (sent < length) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), length - sent));
    const ssize_t n = ::pread(file.fd, buffer.data(), want, static_cast<off_t>(offset + sent));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return Error{"artifact store: cannot read " + path.string() + ": " + std::strerror(errno)};
    }
    if (n == 0) {
      break;  // the end of the file: the range is clamped to the size
    }
    sent += static_cast<uint64_t>(n);
    if (!sink(std::string_view(buffer.data(), static_cast<size_t>(n)))) {
      break;
    }
  }
  return sent;
}

fs::path ArtifactStore::local_path(const std::string& hex) const {
  const fs::path dir = root_ / "objects" / hex.substr(0, 2);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.compare(0, 64, hex) == 0 && (name.size() == 64 || name[64] == '.')) {
      return entry.path();
    }
  }
  return {};
}

}  // namespace linkhub
