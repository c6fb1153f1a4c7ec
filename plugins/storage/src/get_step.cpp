#include "bucket.hpp"
#include "steps.hpp"

#include <filesystem>
#include <random>

namespace linkhub::storage {

using sdk::Json;
using sdk::StepError;
namespace fs = std::filesystem;

Json GetStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"key", {{"type", "string"}, {"description", "The object key in the bucket"}}},
            {"max_bytes",
             {{"type", "integer"}, {"minimum", 1}, {"description", "Refuse larger objects (default 2 GiB)"}}}}},
          {"required", {"key"}},
          {"additionalProperties", false}};
}

Json GetStep::output_schema() {
  return {{"type", "object"},
          {"properties",
           {{"key", {{"type", "string"}}},
            {"hash", {{"type", "string"}, {"description", "The artifact: sha256:<hex>"}}},
            {"path", {{"type", "string"}}},
            {"bytes", {{"type", "integer"}}},
            {"media_type", {{"type", "string"}}}}},
          {"required", {"key", "hash", "path", "bytes", "media_type"}},
          {"additionalProperties", false}};
}

Json GetStep::run(sdk::Context& ctx, const Json& input) {
  const std::string key = key_of(input);
  const Bucket bucket = bucket_from_config(ctx);
  const sdk::s3::Client s3(ctx, bucket.s3);
  const auto info = s3.head(key);
  if (!info) {
    throw StepError(sdk::errors::not_found,
                    "storage.get: no object '" + key.substr(0, 200) + "' in bucket '" + bucket.s3.bucket + "'");
  }
  // The key's extension is kept, so the artifact has a usable file name.
  const std::string ext = fs::path(key).extension().string();
  const fs::path dir(std::string(ctx.artifact_dir()));
  // Foreach items share a step id: a random part keeps their downloads apart.
  const fs::path download = dir / ("storage-get-" + std::string(ctx.step_id()) + "-" +
                                   std::to_string(std::random_device{}()) + (ext.size() <= 8 ? ext : ""));
  s3.get_to_file(key, download.string(), static_cast<size_t>(input.value("max_bytes", int64_t{2} << 30)));
  Json artifact = ctx.put_artifact(download.string(), info->content_type);
  std::error_code ec;
  fs::remove(download, ec);
  artifact["key"] = key;
  if (!artifact.contains("media_type") || !artifact["media_type"].is_string()) {
    artifact["media_type"] = info->content_type;
  }
  return artifact;
}

}  // namespace linkhub::storage
