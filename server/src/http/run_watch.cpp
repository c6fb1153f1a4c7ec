#include "http/run_watch.hpp"

namespace linkhub::http {

void RunWatch::notify(const std::string& run_id) {
  {
    std::lock_guard lock(mutex_);
    auto it = runs_.find(run_id);
    if (it == runs_.end()) {
      return;  // nobody follows it: the common case, kept cheap
    }
    ++it->second.version;
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

RunWatch::Subscription::Subscription(RunWatch& watch, std::string run_id) : watch_(watch), run_id_(std::move(run_id)) {
  std::lock_guard lock(watch_.mutex_);
  Entry& entry = watch_.runs_[run_id_];
  ++entry.followers;
  seen_ = entry.version;
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
  seen_ = watch_.runs_[run_id_].version;
}

RunWatch::Subscription::Woke RunWatch::Subscription::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(watch_.mutex_);
  const bool woke =
      watch_.changed_.wait_for(lock, timeout, [&] { return watch_.closed_ || watch_.runs_[run_id_].version != seen_; });
  if (watch_.closed_) {
    return Woke::Closed;
  }
  return woke ? Woke::Changed : Woke::TimedOut;
}

}  // namespace linkhub::http
