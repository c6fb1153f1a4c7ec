#include "media_upload.hpp"

#include "cloud_error.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace linkhub::whatsapp {

namespace {

// The Cloud API's largest media (documents); images stop at 5 MB on Meta's side.
constexpr std::uintmax_t kMaxUploadBytes = 100ull << 20;

std::string media_type_of(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (ext == ".jpg" || ext == ".jpeg") {
    return "image/jpeg";
  }
  if (ext == ".png") {
    return "image/png";
  }
  if (ext == ".webp") {
    return "image/webp";
  }
  if (ext == ".pdf") {
    return "application/pdf";
  }
  if (ext == ".mp4") {
    return "video/mp4";
  }
  return "application/octet-stream";
}

std::string boundary() {
  std::random_device rd;
  return "linkhub-" + std::to_string(rd()) + std::to_string(rd());
}

}  // namespace

std::string upload_artifact(const sdk::Context& ctx, const sdk::http::Client& http, const Settings& settings,
                            const std::string& token, const std::string& hash) {
  const std::filesystem::path path = ctx.artifact_path(hash);
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_regular_file(path, ec)) {
    throw sdk::StepError(sdk::errors::not_found, "whatsapp.send: the artifact store has no " + hash, false,
                         {{"artifact", hash}});
  }
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxUploadBytes) {
    throw sdk::StepError(sdk::errors::invalid_input,
                         "whatsapp.send: the artifact " + hash + " is larger than the Cloud API takes (100 MB)");
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (!in.good() && !in.eof()) {
    throw sdk::StepError(sdk::errors::internal, "whatsapp.send: cannot read the artifact " + hash, true);
  }
  const std::string type = media_type_of(path);
  const std::string b = boundary();
  std::string body;
  body += "--" + b + "\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n";
  body += "--" + b + "\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\n" + type + "\r\n";
  body += "--" + b + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + path.filename().string() +
          "\"\r\nContent-Type: " + type + "\r\n\r\n";
  body += bytes.str();
  body += "\r\n--" + b + "--\r\n";

  sdk::http::Request request;
  request.method = "POST";
  request.url = settings.base_url + "/" + settings.api_version + "/" + settings.phone_number_id + "/media";
  request.headers = {"Authorization: Bearer " + token, "Content-Type: multipart/form-data; boundary=" + b};
  request.body = std::move(body);
  const sdk::http::Response response = http.send(request);
  if (response.status >= 300) {
    fail_with_cloud_error(http, response);
  }
  const sdk::Json answer = sdk::Json::parse(response.body, nullptr, false);
  if (!answer.is_object() || !answer.contains("id") || !answer["id"].is_string()) {
    throw sdk::StepError(sdk::errors::bad_output,
                         "whatsapp.send: the Cloud API's media upload answered " + std::to_string(response.status) +
                             " without a media id",
                         true);
  }
  return answer["id"].get<std::string>();
}

}  // namespace linkhub::whatsapp
