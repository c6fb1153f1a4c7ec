#pragma once
// Content-addressed files (videos, thumbnails) under one root directory:
// <root>/objects/<first two hex digits>/<sha256 hex><extension>. The same
// content is stored once, whichever run stored it; products and step outputs
// refer to it by "sha256:<hex>".
//
// Backends: `local` (that folder is the store) and `s3` (an ArtifactRemote:
// the folder is then a cache; every artifact stored is also in the bucket,
// and one another node stored is fetched into the cache when asked for, so a
// cluster sharing the bucket serves each other's artifacts).

#include <linkhub/engine/json.hpp>
#include <linkhub/engine/result.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace linkhub {

struct Artifact {
  std::string hash;  // "sha256:<64 hex digits>"
  std::filesystem::path path;
  uint64_t bytes = 0;
  std::string media_type;

  Json to_json() const;
};

// What is known of a stored artifact without reading it.
struct ArtifactInfo {
  std::string hash;  // "sha256:<hex>"
  uint64_t bytes = 0;
  std::string media_type;
};

// Where artifacts are kept beyond this machine (engine/src/s3_artifact_remote.cpp).
// `hex` is the 64-digit SHA-256; implementations are safe to call from many threads.
class ArtifactRemote {
 public:
  struct Object {
    uint64_t bytes = 0;
    std::string media_type;
    std::string extension;  // ".jpg", as stored with it; may be empty
  };
  virtual ~ArtifactRemote() = default;
  // Stores `file` under `hex` unless it is there already.
  virtual Result<bool> put(const std::string& hex, const std::filesystem::path& file, const std::string& extension,
                           const std::string& media_type) const = 0;
  // nullopt when absent; an Error when the remote cannot say.
  virtual Result<std::optional<Object>> stat(const std::string& hex) const = 0;
  // Writes the object's bytes to `dest` (which the caller then renames into place).
  virtual Result<bool> fetch(const std::string& hex, const std::filesystem::path& dest) const = 0;
  // "s3://bucket/prefix at https://endpoint", for messages.
  virtual std::string describe() const = 0;
};

class ArtifactStore {
 public:
  explicit ArtifactStore(std::filesystem::path root);
  // With a remote, `root` is the local cache of what the remote holds.
  ArtifactStore(std::filesystem::path root, std::shared_ptr<const ArtifactRemote> remote);

  // Copies `file` in (atomically: a temporary file renamed into place), unless
  // the same content is there already. The extension of `file` is kept.
  Result<Artifact> put_file(const std::filesystem::path& file, const std::string& media_type = "") const;
  // As put_file, but `file` (a temporary file on the store's own file system,
  // such as an upload under root()/tmp) is renamed into place instead of
  // copied: it is consumed when stored (renamed into place, or removed when the
  // same content was stored before); after an Error it may or may not remain.
  Result<Artifact> move_file(const std::filesystem::path& file, const std::string& media_type = "") const;
  // The stored file of `hash` ("sha256:..." or bare hex); empty when absent or malformed.
  // With a remote, an artifact not yet in the cache is fetched into it first
  // (plugins need a local file: OpenCV and ffmpeg read paths).
  std::filesystem::path path_of(const std::string& hash) const;

  // Size and media type of `hash` ("sha256:..." or bare hex). Error code
  // "not_found" when absent, "invalid_input" when `hash` is not a content hash.
  Result<ArtifactInfo> stat(const std::string& hash) const;
  // Streams bytes [offset, offset + length) (clamped to the size) to `sink`
  // in chunks of at most 64 KiB; stops early when `sink` returns false.
  // Returns the number of bytes handed to `sink`.
  Result<uint64_t> read(const std::string& hash, uint64_t offset, uint64_t length,
                        const std::function<bool(std::string_view)>& sink) const;

  const std::filesystem::path& root() const { return root_; }
  const ArtifactRemote* remote() const { return remote_.get(); }

 private:
  std::filesystem::path local_path(const std::string& hex) const;
  Result<Artifact> store_file(const std::filesystem::path& file, const std::string& media_type, bool move) const;
  std::filesystem::path fetch_into_cache(const std::string& hex) const;

  std::filesystem::path root_;
  std::shared_ptr<const ArtifactRemote> remote_;
};

// The media type of a stored file's extension (".jpg" -> image/jpeg); application/octet-stream when unknown.
std::string media_type_of_extension(std::string_view extension);

// SHA-256 of a file's content as 64 lower-case hex digits.
Result<std::string> sha256_file(const std::filesystem::path& file);

}  // namespace linkhub
