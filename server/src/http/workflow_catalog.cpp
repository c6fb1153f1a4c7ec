#include "http/workflow_catalog.hpp"

#include <linkhub/engine/node.hpp>
#include <linkhub/engine/validator.hpp>

#include <algorithm>
#include <set>

namespace linkhub::http {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> yaml_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    const auto ext = it->path().extension();
    if ((ext == ".yaml" || ext == ".yml") && it->is_regular_file(ec)) {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

WorkflowCatalog WorkflowCatalog::load(const std::vector<fs::path>& dirs, const StepCatalog& steps, SqlStore& store,
                                      const Log& log) {
  WorkflowCatalog catalog;
  std::set<std::string> names;
  for (const auto& dir : dirs) {
    if (!fs::is_directory(dir)) {
      log.warn("workflows.missing_directory", Json{{"directory", dir.string()}});
      continue;
    }
    for (const auto& file : yaml_files(dir)) {
      LoadResult loaded = load_workflow_file(file.string());
      Diagnostics problems = loaded.diagnostics;
      if (loaded.workflow) {
        Diagnostics semantic = validate_workflow(*loaded.workflow, steps);
        problems.insert(problems.end(), semantic.begin(), semantic.end());
      }
      if (!loaded.workflow || !problems.empty()) {
        sort_diagnostics(problems);
        Json diagnostics = Json::array();
        for (const auto& d : problems) {
          diagnostics.push_back(format_diagnostic(d));
        }
        log.warn("workflow.skipped",
                 Json{{"file", file.string()}, {"reason", "invalid"}, {"diagnostics", diagnostics}});
        continue;
      }
      if (!names.insert(loaded.workflow->name).second) {
        log.warn("workflow.skipped",
                 Json{{"file", file.string()},
                      {"reason", "another file already defines workflow '" + loaded.workflow->name + "'"}});
        continue;
      }
      auto hash = register_workflow(store, *loaded.workflow);
      if (!hash) {
        log.warn("workflow.skipped", Json{{"file", file.string()}, {"reason", hash.error().message}});
        continue;
      }
      log.info("workflow.registered",
               Json{{"workflow", loaded.workflow->name}, {"file", file.string()}, {"hash", *hash}});
      catalog.entries_.push_back(CatalogEntry{std::move(*loaded.workflow), *hash});
    }
  }
  std::sort(catalog.entries_.begin(), catalog.entries_.end(),
            [](const CatalogEntry& a, const CatalogEntry& b) { return a.workflow.name < b.workflow.name; });
  return catalog;
}

const CatalogEntry* WorkflowCatalog::find(std::string_view name) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                             [](const CatalogEntry& e, std::string_view n) { return e.workflow.name < n; });
  return it != entries_.end() && it->workflow.name == name ? &*it : nullptr;
}

}  // namespace linkhub::http
