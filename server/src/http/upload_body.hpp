#pragma once
// A request body the server streams to a file instead of memory (routes with
// Route::body_to_file: POST /api/v1/uploads). The file sits in the artifact
// store's own folder (<root>/tmp/uploads), so storing it is a rename, and it
// is removed whenever the request ends without storing it: a refusal, a
// client gone mid-body, an error. Files a crashed process left are removed
// when the server starts.

#include "http/auth.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace linkhub::http {

// A file this process owns until it is moved on: removed when it goes.
class TempFile {
 public:
  explicit TempFile(std::filesystem::path path) : path_(std::move(path)) {}
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Renames the file within its folder (to give it an extension); false when that fails.
  bool rename_to(const std::filesystem::path& to);
  // The file was moved elsewhere (into the artifact store): nothing to remove.
  void release() { path_.clear(); }

 private:
  std::filesystem::path path_;
};

// An admitted upload: who sent it (authenticated before a byte of the body
// was read), the place it holds among the concurrent uploads, and, once read,
// the file with its bytes.
struct UploadBody {
  std::optional<Principal> principal;
  std::shared_ptr<void> slot;  // released when the request ends
  std::unique_ptr<TempFile> file;
  uint64_t bytes = 0;
  uint64_t limit_bytes = 0;  // serve.max_upload_bytes
};

// <artifact root>/tmp/uploads: the folder of upload files being received.
std::filesystem::path upload_temp_dir(const std::filesystem::path& artifact_root);

// A fresh, unused path in `dir` ("upload-<pid>-<n>"), the folder created when missing.
std::filesystem::path new_upload_path(const std::filesystem::path& dir);

// Removes the upload files in `dir` whose process is gone (what a crash left
// behind; the files of another live server on the same folder stay). Returns how many.
size_t remove_stale_uploads(const std::filesystem::path& dir);

}  // namespace linkhub::http
