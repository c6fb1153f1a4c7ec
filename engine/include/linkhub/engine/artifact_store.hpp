#pragma once
// Content-addressed files (videos, thumbnails) under one root directory:
// <root>/objects/<first two hex digits>/<sha256 hex><extension>. The same
// content is stored once, whichever run stored it; products and step outputs
// refer to it by "sha256:<hex>".

#include <linkhub/engine/json.hpp>
#include <linkhub/engine/result.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
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

// What a store knows of one artifact without reading it.
struct ArtifactInfo {
  std::string hash;  // "sha256:<64 hex digits>"
  uint64_t bytes = 0;
  std::string media_type;  // from the stored name's extension; application/octet-stream when unknown
};

class ArtifactStore {
 public:
  explicit ArtifactStore(std::filesystem::path root);

  // Copies `file` in (atomically: a temporary file renamed into place), unless
  // the same content is there already. The extension of `file` is kept.
  Result<Artifact> put_file(const std::filesystem::path& file, const std::string& media_type = "") const;
  // The stored file of `hash` ("sha256:..." or bare hex); empty when absent or malformed.
  std::filesystem::path path_of(const std::string& hash) const;

  // Size and media type of `hash` ("sha256:..." or bare hex). Error code
  // "not_found" when absent, "invalid_input" when `hash` is not a content hash.
  Result<ArtifactInfo> stat(const std::string& hash) const;
  // Streams [offset, offset + length) to sink in chunks of at most 64 KiB; stops early when sink returns false.
  // The bytes handed to the sink; `length` past the end is cut at the end.
  Result<uint64_t> read(const std::string& hash, uint64_t offset, uint64_t length,
                        const std::function<bool(std::string_view)>& sink) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

// The media type of a stored file's extension (".jpg" -> image/jpeg); application/octet-stream when unknown.
std::string media_type_of_extension(std::string_view extension);

// SHA-256 of a file's content as 64 lower-case hex digits.
Result<std::string> sha256_file(const std::filesystem::path& file);

}  // namespace linkhub
