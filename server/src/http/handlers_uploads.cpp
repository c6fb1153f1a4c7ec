// POST /api/v1/uploads: a video or an image, sent raw or as a multipart
// form, streamed to a temporary file by the server (never held in memory),
// looked at (magic bytes here, a decode by the media plugin's media.inspect:
// the server links no media library), then moved into the artifact store.
#include "http/handlers.hpp"
#include "http/media.hpp"
#include "http/media_sniff.hpp"
#include "http/multipart_upload.hpp"
#include "http/step_call.hpp"

#include <linkhub/engine/run_store.hpp>

#include <algorithm>
#include <stdexcept>

namespace linkhub::http {
namespace {

constexpr const char* kInspect = "media.inspect";
constexpr const char* kAccepted = "MP4, MOV, WebM or Matroska video, or a JPEG, PNG or WebP image";
constexpr size_t kMaxFilename = 200;

// The name the sender gave, as a plain file name: no folders, no control characters, bounded.
std::string clean_filename(const std::string& given) {
  std::string name = given.substr(std::min(given.size(), given.find_last_of("/\\") + 1));
  name.erase(std::remove_if(name.begin(), name.end(),
                            [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '"'; }),
             name.end());
  if (name.size() > kMaxFilename) {
    name.resize(kMaxFilename);
  }
  return name == "." || name == ".." ? "" : name;
}

ApiError unsupported(const std::string& message, const std::string& found, const std::string& claimed) {
  Json details{{"found", found}, {"accepted", kAccepted}};
  if (!claimed.empty()) {
    details["claimed"] = claimed;
  }
  return ApiError{415, "unsupported_media", message, std::move(details)};
}

// The plugin names the file it read: the client knows it by its own name, not the server's temporary path.
std::string without_path(std::string message, const std::string& path, const std::string& filename) {
  const std::string shown = filename.empty() ? "the upload" : "'" + filename + "'";
  for (size_t at = message.find(path); at != std::string::npos; at = message.find(path, at + shown.size())) {
    message.replace(at, path.size(), shown);
  }
  return message;
}

struct Received {
  std::unique_ptr<TempFile> file;
  uint64_t bytes = 0;
  std::string filename;
  std::string claimed;  // the Content-Type its sender gave
};

// The file to check: the raw body, or a multipart form's first file part.
ApiResult<Received> received_file(Call& call, UploadBody& body) {
  const std::string content_type = call.header("Content-Type");
  Received out;
  if (bare_media_type(content_type) != "multipart/form-data") {
    auto it = call.target.query.find("filename");
    out.filename = it == call.target.query.end() ? "" : it->second;
    out.claimed = bare_media_type(content_type);
    out.bytes = body.bytes;
    out.file = std::move(body.file);
    return out;
  }
  const std::string boundary = multipart_boundary(content_type);
  if (boundary.empty()) {
    return bad_request("bad_multipart", "the multipart/form-data Content-Type has no boundary parameter");
  }
  out.file = std::make_unique<TempFile>(new_upload_path(body.file->path().parent_path()));
  auto part = extract_first_file_part(body.file->path(), boundary, out.file->path());
  body.file.reset();  // the form itself is no longer needed
  if (!part) {
    return part.error();
  }
  out.filename = part->filename;
  out.claimed = bare_media_type(part->content_type);
  out.bytes = part->bytes;
  return out;
}

// The plugin's verdict on the file: what it decoded, or why it could not.
ApiResult<Json> inspect(Call& call, const Received& file, const std::string& found) {
  const std::string path = file.file->path().string();
  const std::string filename = file.filename;
  const std::string claimed = file.claimed;
  return invoke_step(
      call, kInspect, Json{{"path", path}}, "", [&](const StepFailure& failure) -> std::optional<ApiError> {
        if (failure.code == "invalid_input") {
          return unsupported("the upload looks like " + found +
                                 " but does not decode: " + without_path(failure.message, path, filename),
                             found, claimed);
        }
        ApiError passed{503, "media_check_failed",
                        "the media plugin could not check the upload: " + without_path(failure.message, path, filename),
                        Json{{"step", kInspect}}};
        if (failure.retryable) {
          return passed;
        }
        passed.status = 500;
        return passed;
      });
}

}  // namespace

std::optional<ApiError> uploads_ready(const Services& services) {
  if (!services.artifacts) {
    return ApiError{503, "no_artifact_store",
                    "this server has no artifact store (artifact_dir) to keep uploads in; configure one and restart"};
  }
  if (services.host.step(kInspect) == nullptr) {
    return ApiError{503, "media_unavailable",
                    "uploads are checked by the media plugin (step media.inspect), which this server has not "
                    "loaded; install it in the plugin directory and restart",
                    Json{{"plugin", "media"}, {"step", kInspect}}};
  }
  return std::nullopt;
}

Reply upload_media(Call& call) {
  auto upload = call.upload();
  if (!upload) {
    return Reply::error(upload.error());
  }
  auto received = received_file(call, **upload);
  if (!received) {
    return Reply::error(received.error());
  }
  Received& file = *received;
  file.filename = clean_filename(file.filename);
  const FileSniff sniffed = sniff_media_file(file.file->path());
  const Sniff& sniff = sniffed.sniff;
  if (!sniff.media) {
    return Reply::error(unsupported(
        "the upload is " + sniff.found + ", not a video or an image (send an " + std::string(kAccepted) + ")",
        sniff.found, file.claimed));
  }
  if (!claim_fits(file.claimed, *sniff.media)) {
    return Reply::error(
        unsupported("the upload is sent as " + file.claimed + " but is " + sniff.found, sniff.found, file.claimed));
  }
  if (!sniffed.problem.empty()) {
    return Reply::error(
        unsupported("the upload is " + sniff.found + " but " + sniffed.problem, sniff.found, file.claimed));
  }
  // The extension tells the decoder and the store what the file is.
  auto named = file.file->path();
  named += sniff.media->extension;
  if (!file.file->rename_to(named)) {
    throw std::runtime_error("cannot rename the upload's temporary file " + file.file->path().string());
  }
  auto info = inspect(call, file, sniff.found);
  if (!info) {
    return Reply::error(info.error());
  }
  if (info->value("kind", "") != sniff.media->kind) {
    return Reply::error(unsupported(
        "the upload starts like " + sniff.found + " but decodes as a " + info->value("kind", "something else"),
        sniff.found, file.claimed));
  }
  auto stored = call.services.artifacts->move_file(file.file->path(), sniff.media->media_type);
  if (!stored) {
    throw std::runtime_error(stored.error().message);  // the dispatcher logs it and answers 500
  }
  file.file->release();
  const std::string hex = stored->hash.substr(std::string("sha256:").size());
  Json body{{"hash", stored->hash},       {"media_type", sniff.media->media_type},
            {"kind", sniff.media->kind},  {"bytes", stored->bytes},
            {"filename", file.filename},  {"width", (*info)["width"]},
            {"height", (*info)["height"]}};
  for (const char* key : {"duration_s", "fps", "frame_count"}) {
    if (info->contains(key)) {
      body[key] = (*info)[key];
    }
  }
  if (call.services.media_signer) {
    const std::string base = media_base(call.services.media.public_url, call.header("Host"), call.tls());
    body["url"] =
        call.services.media_signer->link(base, hex, linkhub::now_ms() / 1000, call.services.media.link_ttl.count());
  }
  call.services.log.info("upload.stored", Json{{"hash", stored->hash},
                                               {"bytes", stored->bytes},
                                               {"media_type", sniff.media->media_type},
                                               {"request_id", call.request_id}});
  Reply reply = Reply::json(201, std::move(body));
  reply.headers.emplace_back("Location", "/api/v1/artifacts/" + stored->hash);
  return reply;
}

}  // namespace linkhub::http
