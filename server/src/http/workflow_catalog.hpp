#pragma once
// The workflows a serve process offers: every workflow YAML under its
// --workflows directories, validated against the loaded plugins and
// registered in the store at start. Invalid files are logged and skipped.

#include "http/log.hpp"

#include <linkhub/engine/sql_store.hpp>
#include <linkhub/engine/step_catalog.hpp>
#include <linkhub/engine/workflow.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace linkhub::http {

struct CatalogEntry {
  Workflow workflow;
  std::string hash;  // the registered version new runs start from
};

class WorkflowCatalog {
 public:
  // Loads *.yaml and *.yml files under each directory (recursively, in path
  // order); the first file to use a name wins, later ones are skipped.
  static WorkflowCatalog load(const std::vector<std::filesystem::path>& dirs, const StepCatalog& steps, SqlStore& store,
                              const Log& log);

  const CatalogEntry* find(std::string_view name) const;
  const std::vector<CatalogEntry>& entries() const { return entries_; }  // by name

 private:
  std::vector<CatalogEntry> entries_;
};

}  // namespace linkhub::http
