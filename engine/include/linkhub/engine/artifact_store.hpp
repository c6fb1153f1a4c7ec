#pragma once
// Content-addressed files (videos, thumbnails) under one root directory:
// <root>/objects/<first two hex digits>/<sha256 hex><extension>. The same
// content is stored once, whichever run stored it; products and step outputs
// refer to it by "sha256:<hex>".

#include <linkhub/engine/json.hpp>
#include <linkhub/engine/result.hpp>

#include <filesystem>
#include <string>

namespace linkhub {

struct Artifact {
  std::string hash;  // "sha256:<64 hex digits>"
  std::filesystem::path path;
  uint64_t bytes = 0;
  std::string media_type;

  Json to_json() const;
};

class ArtifactStore {
 public:
  explicit ArtifactStore(std::filesystem::path root);

  // Copies `file` in (atomically: a temporary file renamed into place), unless
  // the same content is there already. The extension of `file` is kept.
  Result<Artifact> put_file(const std::filesystem::path& file, const std::string& media_type = "") const;
  // The stored file of `hash` ("sha256:..." or bare hex); empty when absent or malformed.
  std::filesystem::path path_of(const std::string& hash) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

// SHA-256 of a file's content as 64 lower-case hex digits.
Result<std::string> sha256_file(const std::filesystem::path& file);

}  // namespace linkhub
