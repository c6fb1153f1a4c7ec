#pragma once
// Where tiktok.fetch and tiktok.list_videos read their settings: the step's
// input first, then the plugin's configuration in linkhub.yaml, then a
// default. One place, so both steps resolve them the same way.

#include <linkhub/plugin.hpp>

#include <filesystem>
#include <string>

namespace linkhub::tiktok {

// input[key], else config[config_key], else fallback; non-empty strings only.
std::string setting(const sdk::Json& input, const sdk::Json& config, const char* key, const char* config_key,
                    const std::string& fallback);

// The provider's name: input `provider`, else config `provider`, else "oembed".
std::string provider_setting(const sdk::Json& input, const sdk::Json& config);

// The local provider's folder: input `dir`, else config `local_dir`; a
// relative path is relative to the workflow file's folder. Throws StepError
// (permanent, naming `who`) when neither is set or the folder does not exist.
std::filesystem::path local_folder(const sdk::Context& ctx, const sdk::Json& input, const sdk::Json& config,
                                   const std::string& who);

}  // namespace linkhub::tiktok
