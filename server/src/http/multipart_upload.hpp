#pragma once
// multipart/form-data uploads: the first file part of a body already on disk,
// copied to its own file by a streaming parser (Poco's MultipartReader over
// the file), so memory stays flat whatever the size.

#include "http/api_error.hpp"

#include <filesystem>
#include <string>

namespace linkhub::http {

struct UploadPart {
  std::string filename;      // from Content-Disposition (may be empty)
  std::string content_type;  // the part's Content-Type (may be empty)
  uint64_t bytes = 0;
};

// The boundary of a "multipart/form-data; boundary=..." Content-Type; empty when there is none.
std::string multipart_boundary(const std::string& content_type);

// Copies the first part with a filename (else the first part) of the
// multipart body in `body` to `dest`. 400 bad_multipart when the body is not
// well-formed multipart with this boundary or has no part.
ApiResult<UploadPart> extract_first_file_part(const std::filesystem::path& body, const std::string& boundary,
                                              const std::filesystem::path& dest);

}  // namespace linkhub::http
