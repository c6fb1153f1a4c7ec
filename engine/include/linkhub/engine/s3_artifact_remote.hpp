#pragma once
// The `s3` artifact backend: artifacts kept in an S3-compatible bucket under
// content-addressed keys (<prefix>sha256/<hex>), through the SDK's S3 client
// (linkhub/s3_client.hpp, shared with the storage plugin).

#include <linkhub/engine/artifact_store.hpp>
#include <linkhub/engine/config.hpp>

#include <map>
#include <memory>
#include <string>

namespace linkhub {

// nullptr for the `local` backend; the S3 remote for `s3`, with its keys read
// from `secrets` (storage.access_key_secret / secret_key_secret name them).
// An incomplete configuration is an Error naming the key.
Result<std::shared_ptr<const ArtifactRemote>> make_artifact_remote(const StorageConfig& storage,
                                                                   const std::map<std::string, std::string>& secrets);

}  // namespace linkhub
