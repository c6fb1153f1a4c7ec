#pragma once
// The RunStarter a Node gives its executor: child runs go into the node's
// stores like any trigger's, and the node hears when runs finish here.

#include <linkhub/engine/run_starter.hpp>
#include <linkhub/engine/stores.hpp>
#include <linkhub/engine/workflow.hpp>

#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace linkhub {

class ChildRuns final : public RunStarter {
 public:
  // `started(child, parent)`: a child run that is not finished yet was
  // started or found for `parent` (`linkhub run` executes it too). `create`
  // stores a new child run (the node's submit: taken here when it has room).
  ChildRuns(NodeStores stores, std::chrono::milliseconds poll,
            std::function<void(const std::string& child, const std::string& parent)> started,
            std::function<RunRecord(RunRecord)> create);

  Result<ChildRun> start(const ChildRunRequest& request) override;
  std::optional<RunRecord> wait(const std::string& run_id, std::chrono::steady_clock::time_point deadline,
                                const std::atomic<bool>* cancelled) override;

  // A run finished on this node: wakes the steps waiting for it.
  void finished();

 private:
  struct Target {
    std::shared_ptr<const Workflow> workflow;
    std::string hash;
  };
  Result<Target> resolve(const ChildRunRequest& request);
  Result<Target> from_file(const std::filesystem::path& file, const std::string& name);

  NodeStores stores_;
  std::chrono::milliseconds poll_;
  std::function<void(const std::string&, const std::string&)> started_;
  std::function<RunRecord(RunRecord)> create_;

  std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t finished_count_ = 0;
  // Files registered by this process, by path: registered again only when they change.
  struct FileEntry {
    std::filesystem::file_time_type mtime;
    Target target;
  };
  std::map<std::filesystem::path, FileEntry> files_;
};

}  // namespace linkhub
