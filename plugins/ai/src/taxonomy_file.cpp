#include "taxonomy_file.hpp"

#include <dlfcn.h>

#include <system_error>

namespace linkhub::ai {
namespace {

// Any object of this library: dladdr() maps its address to the .so's path.
const char kMarker = 0;

std::filesystem::path plugin_directory() {
  Dl_info info{};
  if (dladdr(&kMarker, &info) == 0 || info.dli_fname == nullptr) {
    return {};
  }
  std::error_code ec;
  const std::filesystem::path library = std::filesystem::canonical(info.dli_fname, ec);
  return ec ? std::filesystem::path(info.dli_fname).parent_path() : library.parent_path();
}

bool is_file(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec);
}

}  // namespace

std::filesystem::path locate_taxonomy(const sdk::Json& config, std::string_view workflow_dir) {
  if (const auto it = config.find("taxonomy_file"); it != config.end() && !it->is_null()) {
    if (!it->is_string() || it->get<std::string>().empty()) {
      throw sdk::StepError("ai.tags: the ai plugin's taxonomy_file setting must be a path, found " + it->dump());
    }
    const std::filesystem::path configured(it->get<std::string>());
    std::vector<std::filesystem::path> candidates;
    if (configured.is_absolute()) {
      candidates.push_back(configured);
    } else {
      if (!workflow_dir.empty()) {
        candidates.push_back(std::filesystem::path(workflow_dir) / configured);
      }
      candidates.push_back(configured);
    }
    for (const auto& p : candidates) {
      if (is_file(p)) {
        return p;
      }
    }
    throw sdk::StepError("ai.tags: the taxonomy_file \"" + configured.string() +
                         "\" from the ai plugin's settings does not exist");
  }
  std::vector<std::filesystem::path> tried;
  if (const std::filesystem::path dir = plugin_directory(); !dir.empty()) {
    tried.push_back(dir / "ai" / kTaxonomyFileName);
  }
#ifdef LINKHUB_AI_SOURCE_DATA_DIR
  tried.push_back(std::filesystem::path(LINKHUB_AI_SOURCE_DATA_DIR) / kTaxonomyFileName);
#endif
  std::string looked;
  for (const auto& p : tried) {
    if (is_file(p)) {
      return p;
    }
    looked += (looked.empty() ? "" : ", ") + p.string();
  }
  throw sdk::StepError("ai.tags: cannot find " + std::string(kTaxonomyFileName) + " (looked in " + looked +
                       "); set taxonomy_file in the ai plugin's settings");
}

}  // namespace linkhub::ai
