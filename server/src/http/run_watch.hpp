#pragma once
// Wakes the requests that follow a run (?wait, the SSE stream) when this
// process's node stores an event of that run, instead of polling the
// database in a loop. Runs executed by other nodes are not seen here: those
// followers fall back to re-reading the store every `poll` interval.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace linkhub::http {

class RunWatch {
 public:
  // Something happened to `run_id` (its event is already stored).
  void notify(const std::string& run_id);
  // Wakes every follower for good (shutdown).
  void close();
  bool closed() const;

  // One follower of one run. Call mark() before reading the store, then
  // wait(): a notification that lands in between is not lost.
  class Subscription {
   public:
    Subscription(RunWatch& watch, std::string run_id);
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

    void mark();
    enum class Woke { Changed, TimedOut, Closed };
    Woke wait(std::chrono::milliseconds timeout);

   private:
    RunWatch& watch_;
    std::string run_id_;
    uint64_t seen_ = 0;
  };

 private:
  struct Entry {
    uint64_t version = 0;
    int followers = 0;
  };
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::unordered_map<std::string, Entry> runs_;  // only runs somebody follows
  bool closed_ = false;
};

}  // namespace linkhub::http
