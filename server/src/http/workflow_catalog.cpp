#include "http/workflow_catalog.hpp"

#include <linkhub/engine/compile.hpp>
#include <linkhub/engine/node.hpp>

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

WorkflowCatalog::WorkflowCatalog(SqlStore& store, const PluginHost& steps, const Log& log)
    : store_(store), steps_(steps), log_(log) {}

size_t WorkflowCatalog::load_files(const std::vector<fs::path>& dirs) {
  size_t registered = 0;
  std::set<std::string> names;
  for (const auto& dir : dirs) {
    if (!fs::is_directory(dir)) {
      log_.warn("workflows.missing_directory", Json{{"directory", dir.string()}});
      continue;
    }
    for (const auto& file : yaml_files(dir)) {
      Compiled compiled = compile_workflow_file(file.string(), steps_);
      if (!compiled.ok()) {
        Json diagnostics = Json::array();
        for (const auto& d : compiled.diagnostics) {
          diagnostics.push_back(format_diagnostic(d));
        }
        log_.warn("workflow.skipped",
                  Json{{"file", file.string()}, {"reason", "invalid"}, {"diagnostics", diagnostics}});
        continue;
      }
      const Workflow& wf = *compiled.workflow;
      if (!names.insert(wf.name).second) {
        log_.warn("workflow.skipped",
                  Json{{"file", file.string()}, {"reason", "another file already defines workflow '" + wf.name + "'"}});
        continue;
      }
      const std::string hash = workflow_hash(wf);
      const auto head = store_.workflow_head(wf.name);
      if (head && (head->origin != "file" || head->deleted) && head->file_hash == hash) {
        log_.info("workflow.file_ignored",
                  Json{{"workflow", wf.name},
                       {"file", file.string()},
                       {"reason", std::string(head->deleted ? "deleted" : "registered") +
                                      " through the API, and the file has not changed since it was last loaded"}});
        continue;
      }
      auto registered_hash = register_workflow(store_, wf);
      if (!registered_hash) {
        log_.warn("workflow.skipped", Json{{"file", file.string()}, {"reason", registered_hash.error().message}});
        continue;
      }
      if (!head || head->hash != hash || head->origin != "file" || head->deleted || head->file_hash != hash ||
          head->updated_by != file.string()) {
        store_.put_workflow_head(WorkflowHead{wf.name, hash, "file", file.string(), false, 0, hash});
      }
      ++registered;
      log_.info("workflow.registered", Json{{"workflow", wf.name}, {"file", file.string()}, {"hash", hash}});
    }
  }
  return registered;
}

std::shared_ptr<const Workflow> WorkflowCatalog::parsed(const std::string& hash) const {
  {
    std::lock_guard lock(mutex_);
    if (auto it = by_hash_.find(hash); it != by_hash_.end()) {
      return it->second;
    }
  }
  auto stored = store_.load_workflow(hash);
  if (!stored) {
    return nullptr;
  }
  LoadResult loaded = load_workflow_text(stored->source, stored->file);
  if (!loaded.workflow) {
    return nullptr;
  }
  auto wf = std::make_shared<const Workflow>(std::move(*loaded.workflow));
  std::lock_guard lock(mutex_);
  return by_hash_.emplace(hash, std::move(wf)).first->second;
}

std::optional<CatalogEntry> WorkflowCatalog::find(std::string_view name) const {
  auto head = store_.workflow_head(std::string(name));
  if (!head || head->deleted) {
    return std::nullopt;
  }
  auto wf = parsed(head->hash);
  if (!wf) {
    return std::nullopt;
  }
  return CatalogEntry{std::move(wf), head->hash, std::move(*head)};
}

std::vector<CatalogEntry> WorkflowCatalog::entries() const {
  std::vector<CatalogEntry> out;
  for (auto& head : store_.workflow_heads()) {
    if (head.deleted) {
      continue;
    }
    if (auto wf = parsed(head.hash)) {
      out.push_back(CatalogEntry{std::move(wf), head.hash, std::move(head)});
    }
  }
  return out;
}

Result<PutOutcome> WorkflowCatalog::put(const Workflow& workflow, const std::string& updated_by) {
  const std::string hash = workflow_hash(workflow);
  const auto head = store_.workflow_head(workflow.name);
  const bool live = head && !head->deleted;
  if (live && head->hash == hash) {
    return PutOutcome::Unchanged;
  }
  // Stores the version and makes its cron schedules the name's (a replaced
  // workflow fires on its new schedule from now on).
  auto registered = register_workflow(store_, workflow);
  if (!registered) {
    return registered.error();
  }
  store_.put_workflow_head(
      WorkflowHead{workflow.name, hash, "api", updated_by, false, 0, head ? head->file_hash : std::string()});
  log_.info("workflow.registered",
            Json{{"workflow", workflow.name}, {"hash", hash}, {"by", updated_by}, {"replaced", live}});
  return live ? PutOutcome::Replaced : PutOutcome::Created;
}

bool WorkflowCatalog::remove(const std::string& name, const std::string& updated_by) {
  auto head = store_.workflow_head(name);
  if (!head || head->deleted) {
    return false;
  }
  head->origin = "api";
  head->updated_by = updated_by;
  head->deleted = true;
  head->updated_ms = 0;
  store_.put_workflow_head(*head);
  store_.sync_schedules(name, {});
  log_.info("workflow.deleted", Json{{"workflow", name}, {"hash", head->hash}, {"by", updated_by}});
  return true;
}

}  // namespace linkhub::http
