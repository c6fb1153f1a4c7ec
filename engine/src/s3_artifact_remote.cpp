#include <linkhub/engine/s3_artifact_remote.hpp>

#include <linkhub/plugin.hpp>
#include <linkhub/s3_client.hpp>

#include <cstring>

namespace linkhub {

namespace {

namespace fs = std::filesystem;
namespace s3 = sdk::s3;

// The engine is not a step: this is the smallest host context the SDK's HTTP
// client needs. No deadline, never cancelled, no breakers; the operator's own
// endpoint is the one non-public address allowed.
class EngineContext {
 public:
  explicit EngineContext(const std::string& endpoint_host) {
    allow_ = Json::array({endpoint_host}).dump();
    raw_.struct_size = sizeof(lh_context);
    raw_.host_data = this;
    raw_.log = [](void*, uint32_t, lh_str) {};
    raw_.is_cancelled = [](void*) { return 0; };
    raw_.deadline_ms = [](void*) -> int64_t { return 0; };
    raw_.http_allow = [](void* self) {
      const std::string& text = static_cast<EngineContext*>(self)->allow_;
      return lh_str{text.data(), text.size()};
    };
  }
  sdk::Context context() const { return sdk::Context(&raw_); }

 private:
  lh_context raw_{};
  std::string allow_;
};

Error to_error(const std::exception& e) {
  if (const auto* step = dynamic_cast<const sdk::StepError*>(&e)) {
    return Error{std::string("artifact storage: ") + step->what(), step->code().empty() ? "unavailable" : step->code(),
                 step->details()};
  }
  return Error{std::string("artifact storage: ") + e.what(), "unavailable", Json()};
}

class S3ArtifactRemote final : public ArtifactRemote {
 public:
  S3ArtifactRemote(s3::Config config, std::string prefix)
      : config_(std::move(config)), prefix_(std::move(prefix)), context_(sdk::http::url_host(config_.endpoint)) {}

  Result<bool> put(const std::string& hex, const fs::path& file, const std::string& extension,
                   const std::string& media_type) const override {
    try {
      const auto ctx = context_.context();
      const s3::Client client(ctx, config_);
      if (client.head(key(hex))) {
        return false;  // the same bytes are there: content addressing
      }
      std::map<std::string, std::string> metadata;
      if (!extension.empty()) {
        metadata["ext"] = extension;
      }
      client.put_file(key(hex), file.string(), media_type.empty() ? media_type_of_extension(extension) : media_type,
                      metadata);
      return true;
    } catch (const std::exception& e) {
      return to_error(e);
    }
  }

  Result<std::optional<Object>> stat(const std::string& hex) const override {
    try {
      const auto ctx = context_.context();
      const auto info = s3::Client(ctx, config_).head(key(hex));
      if (!info) {
        return std::optional<Object>();
      }
      Object o;
      o.bytes = info->bytes;
      o.media_type = info->content_type;
      auto ext = info->metadata.find("ext");
      o.extension = ext == info->metadata.end() ? "" : ext->second;
      return std::optional<Object>(o);
    } catch (const std::exception& e) {
      return to_error(e);
    }
  }

  Result<bool> fetch(const std::string& hex, const fs::path& dest) const override {
    try {
      const auto ctx = context_.context();
      s3::Client(ctx, config_).get_to_file(key(hex), dest.string(), size_t{1} << 40);
      return true;
    } catch (const std::exception& e) {
      return to_error(e);
    }
  }

  std::string describe() const override {
    return "s3://" + config_.bucket + "/" + prefix_ + " at " + sdk::http_guard::loggable_url(config_.endpoint);
  }

 private:
  std::string key(const std::string& hex) const { return prefix_ + "sha256/" + hex; }

  s3::Config config_;
  std::string prefix_;
  EngineContext context_;
};

}  // namespace

Result<std::shared_ptr<const ArtifactRemote>> make_artifact_remote(const StorageConfig& storage,
                                                                   const std::map<std::string, std::string>& secrets) {
  if (storage.backend == "local") {
    return std::shared_ptr<const ArtifactRemote>();
  }
  if (storage.backend != "s3") {
    return Error{"storage.backend: expected local or s3, found '" + storage.backend.substr(0, 40) + "'",
                 "invalid_input", Json()};
  }
  s3::Config config;
  config.endpoint = storage.endpoint;
  config.region = storage.region;
  config.bucket = storage.bucket;
  config.path_style = storage.path_style;
  config.multipart_threshold = static_cast<uint64_t>(storage.multipart_threshold_mb) << 20;
  config.part_size = static_cast<uint64_t>(storage.part_size_mb) << 20;
  const auto secret = [&](const std::string& name) {
    auto it = secrets.find(name);
    return it == secrets.end() ? std::string() : it->second;
  };
  config.credentials.access_key = secret(storage.access_key_secret);
  config.credentials.secret_key = secret(storage.secret_key_secret);
  if (config.credentials.access_key.empty() || config.credentials.secret_key.empty()) {
    return Error{"storage (s3): the secrets '" + storage.access_key_secret + "' and '" + storage.secret_key_secret +
                     "' must hold the access key and secret key (secrets: in linkhub.yaml or LINKHUB_SECRET_" +
                     "<NAME> variables)",
                 "invalid_input", Json()};
  }
  if (const std::string problem = s3::config_problem(config); !problem.empty()) {
    return Error{"storage (s3): " + problem, "invalid_input", Json()};
  }
  return std::shared_ptr<const ArtifactRemote>(std::make_shared<S3ArtifactRemote>(config, storage.prefix));
}

}  // namespace linkhub
