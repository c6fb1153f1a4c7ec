#include "settings.hpp"

#include "video_record.hpp"

namespace linkhub::tiktok {

std::string setting(const sdk::Json& input, const sdk::Json& config, const char* key, const char* config_key,
                    const std::string& fallback) {
  if (auto value = string_field(input, key); value && !value->empty()) {
    return *value;
  }
  if (auto value = string_field(config, config_key); value && !value->empty()) {
    return *value;
  }
  return fallback;
}

std::string provider_setting(const sdk::Json& input, const sdk::Json& config) {
  return setting(input, config, "provider", "provider", "oembed");
}

std::filesystem::path local_folder(const sdk::Context& ctx, const sdk::Json& input, const sdk::Json& config,
                                   const std::string& who) {
  const std::string configured = setting(input, config, "dir", "local_dir", "");
  if (configured.empty()) {
    throw sdk::StepError(who + ": no directory: set the input `dir` or the plugin config `local_dir`");
  }
  std::filesystem::path dir(configured);
  if (dir.is_relative() && !ctx.workflow_dir().empty()) {
    dir = std::filesystem::path(ctx.workflow_dir()) / dir;
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw sdk::StepError(who + ": the directory '" + dir.string() + "' does not exist");
  }
  return dir;
}

}  // namespace linkhub::tiktok
