#include "bucket.hpp"
#include "steps.hpp"

namespace linkhub::storage {

using sdk::Json;

Json PresignStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"key", {{"type", "string"}, {"description", "The object key in the bucket"}}},
            {"expires_in",
             {{"type", "integer"},
              {"minimum", 1},
              {"maximum", 604800},
              {"default", 3600},
              {"description", "Seconds the URL stays valid (at most 7 days)"}}}}},
          {"required", {"key"}},
          {"additionalProperties", false}};
}

Json PresignStep::output_schema() {
  return {{"type", "object"},
          {"properties",
           {{"key", {{"type", "string"}}},
            {"url", {{"type", "string"}, {"description", "A GET URL that needs no credentials until it expires"}}},
            {"expires_at", {{"type", "string"}, {"description", "UTC, ISO 8601"}}}}},
          {"required", {"key", "url", "expires_at"}},
          {"additionalProperties", false}};
}

Json PresignStep::run(sdk::Context& ctx, const Json& input) {
  const std::string key = key_of(input);
  const Bucket bucket = bucket_from_config(ctx);
  const std::chrono::seconds expires(input.value("expires_in", int64_t{3600}));
  const auto now = std::chrono::system_clock::now();
  const sdk::s3::Client s3(ctx, bucket.s3);
  return {{"key", key}, {"url", s3.presign_get(key, expires, now)}, {"expires_at", sdk::http::iso_time(now + expires)}};
}

}  // namespace linkhub::storage
