#include "session_pool.hpp"

namespace linkhub::catalog {

SessionPool::Lease::~Lease() {
  if (session_) {
    pool_->give_back(std::move(session_), discard_);
  }
}

SessionPool::Lease SessionPool::acquire() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [&] { return !idle_.empty() || open_ < max_sessions_; });
  if (!idle_.empty()) {
    auto session = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(session));
  }
  ++open_;  // reserved before opening, outside the lock, so slow connects do not serialise
  lock.unlock();
  try {
    return Lease(*this, opener_());
  } catch (...) {
    lock.lock();
    --open_;
    returned_.notify_one();
    throw;
  }
}

void SessionPool::give_back(std::unique_ptr<soci::session> session, bool discard) {
  {
    std::lock_guard lock(mutex_);
    if (discard) {
      --open_;
    } else {
      idle_.push_back(std::move(session));
    }
  }
  returned_.notify_one();
  // A discarded session closes here, after the lock is released.
}

}  // namespace linkhub::catalog
