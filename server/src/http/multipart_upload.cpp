#include "http/multipart_upload.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/MediaType.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/MultipartReader.h>
#include <Poco/Net/NameValueCollection.h>

#include <fstream>

namespace linkhub::http {
namespace {

constexpr size_t kCopyBuffer = size_t{64} << 10;
// Parts skipped while looking for a file: a form has a few fields, not thousands.
constexpr int kMaxParts = 32;

ApiError bad_multipart(const std::string& problem) {
  return bad_request("bad_multipart", "the multipart/form-data body " + problem);
}

std::string filename_of(const Poco::Net::MessageHeader& header) {
  if (!header.has("Content-Disposition")) {
    return "";
  }
  std::string disposition;
  Poco::Net::NameValueCollection params;
  Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition"), disposition, params);
  return params.get("filename", "");
}

}  // namespace

std::string multipart_boundary(const std::string& content_type) {
  try {
    const Poco::Net::MediaType type(content_type);
    if (!type.matches("multipart", "form-data")) {
      return "";
    }
    return type.getParameter("boundary");
  } catch (const Poco::Exception&) {
    return "";
  }
}

ApiResult<UploadPart> extract_first_file_part(const std::filesystem::path& body, const std::string& boundary,
                                              const std::filesystem::path& dest) {
  std::ifstream in(body, std::ios::binary);
  if (!in) {
    return internal_error("the uploaded body could not be read back");
  }
  try {
    Poco::Net::MultipartReader reader(in, boundary);
    for (int i = 0; i < kMaxParts && reader.hasNextPart(); ++i) {
      Poco::Net::MessageHeader header;
      reader.nextPart(header);
      UploadPart part;
      part.filename = filename_of(header);
      part.content_type = header.get("Content-Type", "");
      const bool is_file = !part.filename.empty();
      std::ofstream out;
      if (is_file) {
        out.open(dest, std::ios::binary | std::ios::trunc);
        if (!out) {
          return internal_error("the upload's part could not be written to a temporary file");
        }
      }
      std::istream& data = reader.stream();
      std::string buffer(kCopyBuffer, '\0');
      while (data) {
        data.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto n = data.gcount();
        if (n > 0 && is_file) {
          out.write(buffer.data(), n);
          part.bytes += static_cast<uint64_t>(n);
        }
      }
      if (is_file) {
        out.close();
        if (!out) {
          return internal_error("the upload's part could not be written to a temporary file");
        }
        return part;
      }
    }
    return bad_multipart("has no file part (a part with a filename in its Content-Disposition)");
  } catch (const Poco::Exception& e) {
    return bad_multipart("is malformed: " + e.message());
  }
}

}  // namespace linkhub::http
