#pragma once
// The plugin's bucket: `plugins: {storage: {...}}` in linkhub.yaml, the keys
// read from secrets by name, and the rules for object keys.

#include <linkhub/plugin.hpp>
#include <linkhub/s3_client.hpp>

#include <string>

namespace linkhub::storage {

struct Bucket {
  sdk::s3::Config s3;
  std::string public_base_url;  // storage.put's `url`: <public_base_url><key>; empty: the bucket's own URL
};

// Throws StepError(invalid_input) naming the missing or bad key; never shows a secret.
Bucket bucket_from_config(const sdk::Context& ctx);

// Refuses an empty key, one over 1024 bytes, with control characters, or
// starting with '/' (S3 would store "//x" apart from "/x").
void check_key(const std::string& key);

// The `key` of an input, checked.
std::string key_of(const sdk::Json& input);

}  // namespace linkhub::storage
