#pragma once
// Limits on how many executions of a plugin step run at once (config
// `step_concurrency: {tiktok.fetch: 4}`): a rate-limited API or a heavy
// media step gets at most N slots. In one process the limit is a counter;
// on a cluster the SQL store holds the slots under the node's lease, so the
// limit holds across every node and a dead node's slots lapse with it.

#include <map>
#include <mutex>
#include <string>

namespace linkhub {

class StepLimiter {
 public:
  virtual ~StepLimiter() = default;
  // Takes one of `limit` slots named `name` for `holder` (an attempt's
  // idempotency key); true when taken (or already held by `holder`).
  virtual bool try_acquire(const std::string& name, int limit, const std::string& holder) = 0;
  virtual void release(const std::string& name, const std::string& holder) = 0;
};

// Slots counted in this process.
class LocalStepLimiter final : public StepLimiter {
 public:
  bool try_acquire(const std::string& name, int limit, const std::string& holder) override {
    std::lock_guard lock(mutex_);
    auto& held = held_[name];
    if (held.count(holder) != 0) {
      return true;
    }
    if (static_cast<int>(held.size()) >= limit) {
      return false;
    }
    held.emplace(holder, 1);
    return true;
  }
  void release(const std::string& name, const std::string& holder) override {
    std::lock_guard lock(mutex_);
    held_[name].erase(holder);
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::map<std::string, int>> held_;
};

}  // namespace linkhub
