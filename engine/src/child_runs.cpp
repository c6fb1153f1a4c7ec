#include "child_runs.hpp"

#include "workflow_target.hpp"

#include <linkhub/engine/compile.hpp>
#include <linkhub/engine/error_codes.hpp>
#include <linkhub/engine/node.hpp>

namespace linkhub {
namespace {

namespace fs = std::filesystem;

bool finished_status(RunStatus status) {
  return status == RunStatus::Succeeded || status == RunStatus::Failed || status == RunStatus::Cancelled;
}

}  // namespace

ChildRuns::ChildRuns(NodeStores stores, std::chrono::milliseconds poll,
                     std::function<void(const std::string&, const std::string&)> started,
                     std::function<RunRecord(RunRecord)> create)
    : stores_(stores), poll_(poll), started_(std::move(started)), create_(std::move(create)) {}

Result<ChildRuns::Target> ChildRuns::from_file(const fs::path& file, const std::string& name) {
  std::error_code ec;
  const auto mtime = fs::last_write_time(file, ec);
  {
    std::lock_guard lock(mutex_);
    if (auto it = files_.find(file); it != files_.end() && !ec && it->second.mtime == mtime) {
      return it->second.target;
    }
  }
  LoadResult loaded = load_workflow_file(file.string());
  for (const auto& d : loaded.diagnostics) {
    if (d.severity == Severity::Error) {
      return Error{"workflow.start: " + format_diagnostic(d), error_codes::invalid_workflow,
                   Json{{"file", file.string()}}};
    }
  }
  if (!loaded.workflow) {
    return Error{"workflow.start: " + file.string() + " does not load", error_codes::invalid_workflow};
  }
  if (!name.empty() && loaded.workflow->name != name) {
    return Error{
        "workflow.start: " + file.string() + " declares workflow '" + loaded.workflow->name + "', not '" + name + "'",
        error_codes::not_found, Json{{"workflow", name}, {"file", file.string()}}};
  }
  auto workflow = std::make_shared<const Workflow>(std::move(*loaded.workflow));
  // Stored by content like every run's workflow, so any node can run the child.
  auto hash = register_workflow(stores_, *workflow);
  if (!hash) {
    return Error{"workflow.start: " + file.string() + ": " + hash.error().message, error_codes::invalid_workflow};
  }
  Target target{workflow, *hash};
  if (!ec) {
    std::lock_guard lock(mutex_);
    files_[file] = FileEntry{mtime, target};
  }
  return target;
}

Result<ChildRuns::Target> ChildRuns::resolve(const ChildRunRequest& request) {
  const std::string& wanted = request.workflow;
  const bool is_path = names_a_file(wanted);
  if (!is_path) {
    // What the cluster offers under this name (serve's workflows, the API's) comes first.
    if (auto head = stores_.workflows.workflow_head(wanted); head && !head->deleted) {
      if (auto stored = stores_.workflows.load_workflow(head->hash)) {
        LoadResult loaded = load_workflow_text(stored->source, stored->file);
        if (loaded.workflow) {
          return Target{std::make_shared<const Workflow>(std::move(*loaded.workflow)), head->hash};
        }
      }
    }
  }
  if (auto file = find_workflow_file(request.workflow_dir, wanted)) {
    return from_file(*file, is_path ? "" : wanted);
  }
  const std::string dir = request.workflow_dir.empty() ? "." : request.workflow_dir;
  return Error{is_path ? "workflow.start: no workflow file " + wanted + " in " + dir
                       : "workflow.start: no workflow named '" + wanted + "' is registered, and there is no " + wanted +
                             ".yaml in " + dir,
               error_codes::not_found, Json{{"workflow", wanted}}};
}

Result<ChildRun> ChildRuns::start(const ChildRunRequest& request) {
  auto target = resolve(request);
  if (!target) {
    return target.error();
  }
  const Workflow& wf = *target->workflow;
  auto inputs = Executor::prepare_inputs(wf, request.inputs);
  if (!inputs) {
    return Error{"workflow.start: inputs of workflow '" + wf.name + "': " + inputs.error().message,
                 error_codes::invalid_input, Json{{"workflow", wf.name}}};
  }
  const int depth = run_depth(stores_.runs, request.parent_run_id) + 1;
  if (depth > kMaxChildRunDepth) {
    return Error{"workflow.start: run " + request.parent_run_id + " was itself started " + std::to_string(depth - 1) +
                     " levels deep by other runs' steps, the most linkhub allows (" +
                     std::to_string(kMaxChildRunDepth) +
                     "); do workflows start each other in a cycle? Give workflow.start an idempotency_key that "
                     "repeats, or break the cycle",
                 error_codes::invalid_workflow, Json{{"workflow", wf.name}, {"depth", depth}}};
  }
  RunRecord rec;
  rec.id = new_run_id();
  rec.workflow = wf.name;
  rec.workflow_version = wf.version;
  rec.workflow_hash = target->hash;
  rec.inputs = std::move(*inputs);
  // Scoped to the child workflow: the same key names the same run of it, from any parent.
  rec.idempotency_key = "workflow:" + wf.name + ":" + request.key;
  rec.origin = Json{{"parent_run_id", request.parent_run_id}, {"parent_step", request.parent_step}, {"depth", depth}};
  const std::string fresh = rec.id;
  ChildRun child;
  child.run = create_(std::move(rec));
  child.started = child.run.id == fresh;
  if (!finished_status(child.run.status) && started_) {
    started_(child.run.id, request.parent_run_id);
  }
  return child;
}

std::optional<RunRecord> ChildRuns::wait(const std::string& run_id, std::chrono::steady_clock::time_point deadline,
                                         const std::atomic<bool>* cancelled) {
  std::unique_lock lock(mutex_);
  while (true) {
    const uint64_t seen = finished_count_;
    lock.unlock();
    auto run = stores_.runs.get_run(run_id);
    lock.lock();
    const auto now = std::chrono::steady_clock::now();
    if (!run || finished_status(run->status) || (cancelled != nullptr && cancelled->load()) || now >= deadline) {
      return run;
    }
    // Runs finishing here wake us at once; others' are read again every poll.
    changed_.wait_until(lock, std::min(deadline, now + poll_), [&] { return finished_count_ != seen; });
  }
}

void ChildRuns::finished() {
  {
    std::lock_guard lock(mutex_);
    ++finished_count_;
  }
  changed_.notify_all();
}

}  // namespace linkhub
