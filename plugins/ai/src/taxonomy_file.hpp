#pragma once
// Where ai.tags finds Google's taxonomy file at run time.

#include <linkhub/plugin.hpp>

#include <filesystem>

namespace linkhub::ai {

inline constexpr const char* kTaxonomyFileName = "google_product_taxonomy_with_ids.en-US.txt";

// In order: the plugin config's `taxonomy_file` (relative paths are taken
// from the workflow's directory, then the working directory); `ai/<file>`
// beside the plugin library (where the build and the install put it); the
// plugin's source data directory baked in at build time. Throws StepError
// naming every place it looked.
std::filesystem::path locate_taxonomy(const sdk::Json& plugin_config, std::string_view workflow_dir);

}  // namespace linkhub::ai
