#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace linkhub {

// Runs callbacks at a point in time on one thread: retry backoff and step
// deadlines. Callbacks must be short (they only flip flags or submit work).
// Callbacks still pending at destruction are dropped.
class TimerQueue {
 public:
  using Clock = std::chrono::steady_clock;

  TimerQueue() : thread_([this] { loop(); }) {}
  ~TimerQueue() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  void at(Clock::time_point when, std::function<void()> fn) {
    bool earliest = false;
    {
      std::lock_guard lock(mutex_);
      earliest = queue_.empty() || when < queue_.top().when;
      queue_.push(Entry{when, seq_++, std::move(fn)});
    }
    if (earliest) {
      cv_.notify_one();
    }
  }

 private:
  struct Entry {
    Clock::time_point when;
    uint64_t seq;
    std::function<void()> fn;
    bool operator>(const Entry& o) const { return when != o.when ? when > o.when : seq > o.seq; }
  };

  void loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      if (queue_.empty()) {
        cv_.wait(lock);
        continue;
      }
      const auto when = queue_.top().when;
      if (Clock::now() < when) {
        cv_.wait_until(lock, when);
        continue;
      }
      auto fn = std::move(const_cast<Entry&>(queue_.top()).fn);
      queue_.pop();
      lock.unlock();
      fn();
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue_;
  uint64_t seq_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace linkhub
