#pragma once
// The workflows a cluster offers, kept in the database so every node sees
// the same list: one head per name (lh_workflow_heads) pointing at a version
// stored by content hash (lh_workflows). Heads change through files under
// --workflows at start, and through the API (PUT / DELETE) at run time.
// A run records the hash it started from, so replacing or deleting a
// workflow never changes a run already queued or running.
//
// Files at start (also in docs/api.md, "Registering workflows"):
//  - a name with no head, or whose head came from a file: the file is registered;
//  - a name registered or deleted through the API: the file is ignored while
//    its content is the one a file last registered under that name, and
//    registered (taking the name back) once the file's content changed;
//  - invalid files, and later files repeating a name, are logged and skipped;
//  - a file removed from disk does not unregister its workflow.

#include "http/log.hpp"

#include <linkhub/engine/plugin_host.hpp>
#include <linkhub/engine/result.hpp>
#include <linkhub/engine/sql_store.hpp>
#include <linkhub/engine/workflow.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkhub::http {

struct CatalogEntry {
  std::shared_ptr<const Workflow> workflow;
  std::string hash;  // the version new runs start from
  WorkflowHead head;
};

enum class PutOutcome { Created, Replaced, Unchanged };

class WorkflowCatalog {
 public:
  WorkflowCatalog(SqlStore& store, const PluginHost& steps, const Log& log);

  // Registers *.yaml and *.yml files under each directory (recursively, in
  // path order) by the rules above. Returns how many files it registered.
  size_t load_files(const std::vector<std::filesystem::path>& dirs);

  // The current version of `name`; nullopt when unknown or deleted.
  std::optional<CatalogEntry> find(std::string_view name) const;
  std::vector<CatalogEntry> entries() const;  // by name, deleted ones left out

  // Makes a validated workflow the head of its name (an API registration by `updated_by`).
  Result<PutOutcome> put(const Workflow& workflow, const std::string& updated_by);
  // Deletes the head of `name` and stops its schedules; false when there is none.
  bool remove(const std::string& name, const std::string& updated_by);

 private:
  std::shared_ptr<const Workflow> parsed(const std::string& hash) const;

  SqlStore& store_;
  const PluginHost& steps_;
  const Log& log_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, std::shared_ptr<const Workflow>> by_hash_;  // versions never change
};

}  // namespace linkhub::http
