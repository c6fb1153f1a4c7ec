#pragma once
// Wakes the requests that follow a run (?wait, the SSE stream) when this
// process's node stores an event of that run, instead of polling the
// database in a loop. Runs executed by other nodes are not seen here: those
// followers fall back to re-reading the store every `poll` interval.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace linkhub::http {

class RunWatch {
 public:
  // The key of the followers of every run (the runs feed): woken by each
  // notification that may have ended a run or changed it from outside (cancel, retry).
  static constexpr const char* kAnyRun = "*";

  // Something happened to `run_id` (its event is already stored); `ended`
  // when the run reached a final status (or may have changed it: cancel, retry).
  void notify(const std::string& run_id, bool ended = true);
  // Wakes every follower for good (shutdown).
  void close();
  bool closed() const;

  // An asynchronous follower (an event stream): `wake(closed)` runs on the
  // notifying thread at every notification of `run_id`, and once with true
  // at close() (at once when already closed). It must not block.
  using Listener = std::function<void(bool closed)>;
  uint64_t listen(const std::string& run_id, Listener wake);
  void unlisten(uint64_t id);

  // One follower of one run. Call mark() before reading the store, then
  // wait(): a notification that lands in between is not lost. With
  // `ends_only` (?wait answers) it wakes for the run's end, not every step,
  // so it does not re-read the store a dozen times per run.
  class Subscription {
   public:
    Subscription(RunWatch& watch, std::string run_id, bool ends_only = false);
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

    void mark();
    enum class Woke { Changed, TimedOut, Closed };
    Woke wait(std::chrono::milliseconds timeout);

   private:
    RunWatch& watch_;
    std::string run_id_;
    bool ends_only_ = false;
    uint64_t seen_ = 0;
  };

 private:
  void wake(const std::string& key, bool ended);
  // A followed run. Its own condition variable: a notification wakes the
  // followers of that run only (with one for every run, each of a busy
  // server's events woke every request blocked in ?wait), and a
  // notification that did not end the run wakes only followers of every event.
  struct Entry {
    uint64_t version = 0;  // every notification
    uint64_t ended = 0;    // the ones that may have ended the run
    int followers = 0;
    int every_event = 0;  // of them, Subscriptions without ends_only
    std::condition_variable changed;
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> runs_;  // only runs somebody follows
  bool closed_ = false;
  uint64_t next_listener_ = 0;
  std::map<uint64_t, std::pair<std::string, Listener>> listeners_;
};

}  // namespace linkhub::http
