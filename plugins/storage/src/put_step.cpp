#include "bucket.hpp"
#include "steps.hpp"

#include <filesystem>

namespace linkhub::storage {

using sdk::Json;
using sdk::StepError;
namespace errors = sdk::errors;
namespace fs = std::filesystem;

namespace {

std::string content_type_of(const fs::path& file) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".jpg", "image/jpeg"},        {".jpeg", "image/jpeg"}, {".png", "image/png"},   {".webp", "image/webp"},
      {".gif", "image/gif"},         {".mp4", "video/mp4"},   {".webm", "video/webm"}, {".mov", "video/quicktime"},
      {".json", "application/json"}, {".txt", "text/plain"},  {".html", "text/html"},  {".csv", "text/csv"}};
  std::string ext = file.extension().string();
  for (char& c : ext) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  for (const auto& [e, type] : kTypes) {
    if (ext == e) {
      return type;
    }
  }
  return "application/octet-stream";
}

bool inside(const fs::path& file, std::string_view dir) {
  if (dir.empty()) {
    return false;
  }
  std::error_code ec;
  const fs::path base = fs::weakly_canonical(fs::path(dir), ec);
  if (ec) {
    return false;
  }
  const auto rel = file.lexically_relative(base);
  return !rel.empty() && *rel.begin() != "..";
}

// The file to send: an artifact of the store, or a file of this run (its
// artifact folder or the workflow's folder; nothing else of the server's disk).
fs::path source_file(const sdk::Context& ctx, const Json& input) {
  const bool has_artifact = input.contains("artifact");
  const bool has_file = input.contains("file");
  if (has_artifact == has_file) {
    throw StepError(errors::invalid_input, "storage.put: give exactly one of 'artifact' (a sha256: hash) or 'file'");
  }
  if (has_artifact) {
    const std::string hash = input["artifact"].get<std::string>();
    const std::string path = ctx.artifact_path(hash);
    if (path.empty()) {
      throw StepError(errors::not_found, "storage.put: artifact: no artifact " + hash.substr(0, 80), false,
                      Json{{"artifact", hash.substr(0, 80)}});
    }
    return path;
  }
  std::error_code ec;
  fs::path file = fs::path(input["file"].get<std::string>());
  if (file.is_relative()) {
    file = fs::path(std::string(ctx.artifact_dir())) / file;
  }
  file = fs::weakly_canonical(file, ec);
  if (ec || !fs::is_regular_file(file, ec)) {
    throw StepError(errors::not_found, "storage.put: file '" + input["file"].get<std::string>().substr(0, 200) +
                                           "' is not a readable file");
  }
  if (!inside(file, ctx.artifact_dir()) && !inside(file, ctx.workflow_dir())) {
    throw StepError(errors::forbidden, "storage.put: file '" + input["file"].get<std::string>().substr(0, 200) +
                                           "' is outside the run's artifact folder and the workflow's folder");
  }
  return file;
}

}  // namespace

Json PutStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"key", {{"type", "string"}, {"description", "The object key in the bucket, e.g. products/42/cover.jpg"}}},
            {"artifact", {{"type", "string"}, {"description", "An artifact hash (sha256:...) to upload"}}},
            {"file",
             {{"type", "string"},
              {"description",
               "Or a file to upload: relative to the run's artifact folder, or inside it or the "
               "workflow's folder"}}},
            {"content_type",
             {{"type", "string"}, {"description", "The object's Content-Type; default from the file's extension"}}}}},
          {"required", {"key"}},
          {"additionalProperties", false}};
}

Json PutStep::output_schema() {
  return {
      {"type", "object"},
      {"properties",
       {{"key", {{"type", "string"}}},
        {"url", {{"type", "string"}, {"description", "public_base_url + key, else the object's URL in the bucket"}}},
        {"bytes", {{"type", "integer"}}},
        {"content_type", {{"type", "string"}}}}},
      {"required", {"key", "url", "bytes", "content_type"}},
      {"additionalProperties", false}};
}

Json PutStep::run(sdk::Context& ctx, const Json& input) {
  const std::string key = key_of(input);
  const Bucket bucket = bucket_from_config(ctx);
  const fs::path file = source_file(ctx, input);
  const std::string type = input.value("content_type", content_type_of(file));
  const sdk::s3::Client s3(ctx, bucket.s3);
  const uint64_t bytes = s3.put_file(key, file.string(), type);
  const std::string url =
      bucket.public_base_url.empty() ? s3.object_url(key) : bucket.public_base_url + sdk::sigv4::encode_path(key);
  ctx.info("storage.put: " + key + " (" + std::to_string(bytes) + " bytes) to bucket " + bucket.s3.bucket);
  return {{"key", key}, {"url", url}, {"bytes", bytes}, {"content_type", type}};
}

}  // namespace linkhub::storage
