#include "http/run_watch.hpp"

#include <vector>

namespace linkhub::http {

void RunWatch::notify(const std::string& run_id, bool ended) {
  wake(run_id, ended);
  if (ended && run_id != kAnyRun) {
    wake(kAnyRun, true);
  }
}

void RunWatch::wake(const std::string& run_id, bool ended) {
  std::vector<Listener> woken;
  {
    std::lock_guard lock(mutex_);
    auto it = runs_.find(run_id);
    if (it == runs_.end()) {
      return;  // nobody follows it: the common case, kept cheap
    }
    Entry& entry = it->second;
    ++entry.version;
    entry.ended += ended ? 1 : 0;
    if (ended || entry.every_event > 0) {
      entry.changed.notify_all();
    }
    for (const auto& [id, listener] : listeners_) {
      if (listener.first == run_id) {
        woken.push_back(listener.second);
      }
    }
  }
  for (const auto& w : woken) {
    w(false);
  }
}

void RunWatch::close() {
  std::vector<Listener> wake;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    for (auto& [id, entry] : runs_) {
      entry.changed.notify_all();
    }
    for (const auto& [id, listener] : listeners_) {
      wake.push_back(listener.second);
    }
  }
  for (const auto& w : wake) {
    w(true);
  }
}

uint64_t RunWatch::listen(const std::string& run_id, Listener wake) {
  bool closed = false;
  uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    closed = closed_;
    id = ++next_listener_;
    ++runs_[run_id].followers;
    listeners_.emplace(id, std::make_pair(run_id, wake));
  }
  if (closed) {
    wake(true);
  }
  return id;
}

void RunWatch::unlisten(uint64_t id) {
  std::lock_guard lock(mutex_);
  auto it = listeners_.find(id);
  if (it == listeners_.end()) {
    return;
  }
  auto run = runs_.find(it->second.first);
  if (run != runs_.end() && --run->second.followers == 0) {
    runs_.erase(run);
  }
  listeners_.erase(it);
}

bool RunWatch::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

RunWatch::Subscription::Subscription(RunWatch& watch, std::string run_id, bool ends_only)
    : watch_(watch), run_id_(std::move(run_id)), ends_only_(ends_only) {
  std::lock_guard lock(watch_.mutex_);
  Entry& entry = watch_.runs_[run_id_];
  ++entry.followers;
  entry.every_event += ends_only_ ? 0 : 1;
  seen_ = ends_only_ ? entry.ended : entry.version;
}

RunWatch::Subscription::~Subscription() {
  std::lock_guard lock(watch_.mutex_);
  auto it = watch_.runs_.find(run_id_);
  if (it == watch_.runs_.end()) {
    return;
  }
  it->second.every_event -= ends_only_ ? 0 : 1;
  if (--it->second.followers == 0) {
    watch_.runs_.erase(it);
  }
}

void RunWatch::Subscription::mark() {
  std::lock_guard lock(watch_.mutex_);
  const Entry& entry = watch_.runs_[run_id_];
  seen_ = ends_only_ ? entry.ended : entry.version;
}

RunWatch::Subscription::Woke RunWatch::Subscription::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(watch_.mutex_);
  Entry& entry = watch_.runs_[run_id_];  // kept while this follower is (node-based map: the reference stays good)
  const bool woke = entry.changed.wait_for(
      lock, timeout, [&] { return watch_.closed_ || (ends_only_ ? entry.ended : entry.version) != seen_; });
  if (watch_.closed_) {
    return Woke::Closed;
  }
  return woke ? Woke::Changed : Woke::TimedOut;
}

}  // namespace linkhub::http
