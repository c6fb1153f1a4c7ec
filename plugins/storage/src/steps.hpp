#pragma once
// storage.put, storage.get, storage.presign.

#include <linkhub/plugin.hpp>

namespace linkhub::storage {

class PutStep : public sdk::Step {
 public:
  static constexpr const char* name = "put";
  static constexpr const char* description =
      "Uploads an artifact (by hash) or a file of the run to the configured bucket under `key` (multipart when "
      "large) and returns the object's URL.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

class GetStep : public sdk::Step {
 public:
  static constexpr const char* name = "get";
  static constexpr const char* description =
      "Downloads the object at `key` from the configured bucket into the artifact store and returns the artifact.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

class PresignStep : public sdk::Step {
 public:
  static constexpr const char* name = "presign";
  static constexpr const char* description =
      "A presigned GET URL for the object at `key` (SigV4 query signing), valid for `expires_in` seconds.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::storage
