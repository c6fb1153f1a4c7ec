#include "http/run_watch.hpp"

namespace linkhub::http {

void RunWatch::notify(const std::string& run_id, bool ended) {
  {
    std::lock_guard lock(mutex_);
    auto it = runs_.find(run_id);
    if (it == runs_.end()) {
      return;  // nobody follows it: the common case, kept cheap
    }
    ++it->second.version;
    it->second.ended += ended ? 1 : 0;
  }
  changed_.notify_all();
}

void RunWatch::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
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
  seen_ = ends_only_ ? entry.ended : entry.version;
}

RunWatch::Subscription::~Subscription() {
  std::lock_guard lock(watch_.mutex_);
  auto it = watch_.runs_.find(run_id_);
  if (it != watch_.runs_.end() && --it->second.followers == 0) {
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
  const bool woke = watch_.changed_.wait_for(lock, timeout, [&] {
    const Entry& entry = watch_.runs_[run_id_];
    return watch_.closed_ || (ends_only_ ? entry.ended : entry.version) != seen_;
  });
  if (watch_.closed_) {
    return Woke::Closed;
  }
  return woke ? Woke::Changed : Woke::TimedOut;
}

}  // namespace linkhub::http
