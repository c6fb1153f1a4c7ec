#include "bucket.hpp"

namespace linkhub::storage {

using sdk::Json;
using sdk::StepError;
namespace errors = sdk::errors;

namespace {

std::string text(const Json& config, const char* key, const std::string& fallback = "") {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) {
    return fallback;
  }
  if (!it->is_string()) {
    throw StepError(errors::invalid_input, std::string("storage: plugins.storage.") + key + ": expected a string");
  }
  return it->get<std::string>();
}

uint64_t megabytes(const Json& config, const char* key, uint64_t fallback) {
  auto it = config.find(key);
  if (it == config.end()) {
    return fallback;
  }
  if (!it->is_number_integer() || it->get<int64_t>() < 5) {
    throw StepError(errors::invalid_input,
                    std::string("storage: plugins.storage.") + key + ": expected a whole number of MiB, at least 5");
  }
  return it->get<uint64_t>() << 20;
}

}  // namespace

Bucket bucket_from_config(const sdk::Context& ctx) {
  const Json config = ctx.plugin_config();
  if (!config.is_object() || config.empty()) {
    throw StepError(errors::invalid_input,
                    "storage: no bucket configured: set plugins.storage.endpoint, bucket, region and the secret names "
                    "access_key_secret / secret_key_secret in linkhub.yaml (docs/storage.md)");
  }
  Bucket b;
  b.s3.endpoint = text(config, "endpoint");
  b.s3.region = text(config, "region", "us-east-1");
  b.s3.bucket = text(config, "bucket");
  const std::string addressing = text(config, "addressing", "path");
  if (addressing != "path" && addressing != "virtual") {
    throw StepError(errors::invalid_input, "storage: plugins.storage.addressing: expected path or virtual, found '" +
                                               addressing.substr(0, 40) + "'");
  }
  b.s3.path_style = addressing == "path";
  b.s3.multipart_threshold = megabytes(config, "multipart_threshold_mb", b.s3.multipart_threshold);
  b.s3.part_size = megabytes(config, "part_size_mb", b.s3.part_size);
  b.public_base_url = text(config, "public_base_url");
  const std::string access_name = text(config, "access_key_secret", "STORAGE_ACCESS_KEY");
  const std::string secret_name = text(config, "secret_key_secret", "STORAGE_SECRET_KEY");
  const auto access = ctx.secret(access_name);
  const auto secret = ctx.secret(secret_name);
  if (!access || access->empty() || !secret || secret->empty()) {
    throw StepError(errors::invalid_input, "storage: the secrets '" + access_name + "' and '" + secret_name +
                                               "' (plugins.storage.access_key_secret / secret_key_secret) must hold "
                                               "the bucket's access key and secret key");
  }
  b.s3.credentials.access_key = *access;
  b.s3.credentials.secret_key = *secret;
  if (const std::string problem = sdk::s3::config_problem(b.s3); !problem.empty()) {
    throw StepError(errors::invalid_input, "storage: plugins.storage: " + problem);
  }
  return b;
}

void check_key(const std::string& key) {
  if (key.empty() || key.size() > 1024) {
    throw StepError(errors::invalid_input,
                    "storage: key: expected 1 to 1024 bytes, found " + std::to_string(key.size()));
  }
  if (key.front() == '/') {
    throw StepError(errors::invalid_input, "storage: key '" + key.substr(0, 100) + "' must not start with '/'");
  }
  for (char c : key) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      throw StepError(errors::invalid_input, "storage: key must not contain control characters");
    }
  }
}

std::string key_of(const Json& input) {
  std::string key = input.at("key").get<std::string>();
  check_key(key);
  return key;
}

}  // namespace linkhub::storage
