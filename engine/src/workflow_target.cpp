#include "workflow_target.hpp"

namespace linkhub {

namespace fs = std::filesystem;

bool names_a_file(std::string_view target) {
  auto ends_with = [&](std::string_view suffix) {
    return target.size() > suffix.size() && target.substr(target.size() - suffix.size()) == suffix;
  };
  return target.find('/') != std::string_view::npos || ends_with(".yaml") || ends_with(".yml");
}

std::optional<fs::path> find_workflow_file(const std::string& workflow_dir, const std::string& target) {
  const fs::path dir = workflow_dir.empty() ? fs::path(".") : fs::path(workflow_dir);
  std::vector<fs::path> candidates;
  if (names_a_file(target)) {
    candidates.push_back(fs::path(target).is_absolute() ? fs::path(target) : dir / target);
  } else {
    candidates = {dir / (target + ".yaml"), dir / (target + ".yml")};
  }
  for (const auto& file : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(file, ec)) {
      return file.lexically_normal();
    }
  }
  return std::nullopt;
}

}  // namespace linkhub
