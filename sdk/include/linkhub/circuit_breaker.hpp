// linkhub plugin SDK: circuit breakers, one per remote host.
//
// When a remote service is down, every step that calls it would otherwise
// wait for its own timeout and retry, piling load on a service that cannot
// answer. A breaker counts the outcomes of calls to one host and, once they
// look bad, fails the next calls at once (without sending them) until a
// cool-down has passed; then it lets one probe through and closes again when
// the probe succeeds.
//
//   closed    -> open       after `failures` consecutive failures, or when at
//                           least `min_calls` calls in the last `window` had a
//                           failure rate of `failure_rate` or more
//   open      -> half-open  once `cooldown` has passed: the next call is the probe
//   half-open -> closed     when the probe succeeds
//   half-open -> open       when it fails (for another `cooldown`)
//
// In the linkhub host the breakers live in the engine, shared by every step
// of every plugin in the process, and plugins reach them through the
// lh_context circuit_check/circuit_record callbacks (linkhub/http_client.hpp
// does that for every request). This header is the algorithm itself: pure
// C++, thread-safe, with an injectable clock so tests need no sleeps.
//
//   linkhub::sdk::circuit::Registry breakers;   // default Settings for every host
//   auto verdict = breakers.check("api.example.com");
//   if (!verdict.allowed) { /* fail fast: open until verdict.retry_at */ }
//   ... the call ...
//   breakers.record("api.example.com", ok);
#pragma once

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace linkhub::sdk::circuit {

using Clock = std::function<std::chrono::system_clock::time_point()>;

inline Clock system_clock() {
  return [] { return std::chrono::system_clock::now(); };
}

struct Settings {
  // Consecutive failures that open the breaker; 0 turns this rule off.
  uint32_t failures = 5;
  // The failure rate over `window` (0 < rate <= 1) that opens the breaker
  // once at least `min_calls` calls were recorded in it; 0 turns this rule off.
  double failure_rate = 0.5;
  uint32_t min_calls = 20;
  std::chrono::milliseconds window{30000};
  // How long an open breaker fails calls before it lets a probe through.
  std::chrono::milliseconds cooldown{30000};
};

enum class State { closed = 0, open = 1, half_open = 2 };

inline const char* state_name(State s) {
  switch (s) {
    case State::closed:
      return "closed";
    case State::open:
      return "open";
    case State::half_open:
      return "half_open";
  }
  return "closed";
}

struct Verdict {
  bool allowed = true;
  // When refused: when the next probe may go.
  std::chrono::system_clock::time_point retry_at{};
};

struct Snapshot {
  std::string host;
  State state = State::closed;
  uint64_t opened = 0;    // times it went from closed or half-open to open
  uint64_t rejected = 0;  // calls it failed fast
  std::chrono::system_clock::time_point open_until{};
};

class Breaker {
 public:
  Breaker(Settings settings, Clock clock) : settings_(settings), clock_(std::move(clock)) {}

  // Whether a call may go now. In half-open only one probe is in flight at a
  // time; a probe that never reports back (its step crashed) stops blocking
  // the others after another cool-down.
  Verdict check() {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    if (state_ == State::open) {
      if (now < open_until_) {
        ++rejected_;
        return {false, open_until_};
      }
      state_ = State::half_open;
      probe_started_ = now;
      return {true, {}};
    }
    if (state_ == State::half_open) {
      if (now < probe_started_ + settings_.cooldown) {
        ++rejected_;
        return {false, probe_started_ + settings_.cooldown};
      }
      probe_started_ = now;
      return {true, {}};
    }
    return {true, {}};
  }

  // The outcome of a call that check() let through.
  void record(bool ok) {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    switch (state_) {
      case State::open:
        return;  // a call from before the breaker opened: it says nothing new
      case State::half_open:
        if (ok) {
          close();
        } else {
          open(now);
        }
        return;
      case State::closed:
        break;
    }
    consecutive_ = ok ? 0 : consecutive_ + 1;
    calls_.push_back({now, ok});
    if (!ok) {
      ++window_failures_;
    }
    prune(now);
    if (settings_.failures > 0 && consecutive_ >= settings_.failures) {
      open(now);
      return;
    }
    if (settings_.failure_rate > 0 && calls_.size() >= std::max<size_t>(settings_.min_calls, 1) &&
        static_cast<double>(window_failures_) >= settings_.failure_rate * static_cast<double>(calls_.size())) {
      open(now);
    }
  }

  Snapshot snapshot() const {
    std::lock_guard lock(mutex_);
    return {{}, state_, opened_, rejected_, open_until_};
  }

  // Nothing remembered: closed, no failure in its window.
  bool idle() const {
    std::lock_guard lock(mutex_);
    return state_ == State::closed && window_failures_ == 0 && consecutive_ == 0;
  }

 private:
  struct Call {
    std::chrono::system_clock::time_point at;
    bool ok;
  };
  // Keeps the window's calls only, and a bounded number of them.
  static constexpr size_t kMaxCalls = 10000;

  void prune(std::chrono::system_clock::time_point now) {
    while (!calls_.empty() && (calls_.front().at + settings_.window <= now || calls_.size() > kMaxCalls)) {
      if (!calls_.front().ok) {
        --window_failures_;
      }
      calls_.pop_front();
    }
  }
  void open(std::chrono::system_clock::time_point now) {
    state_ = State::open;
    open_until_ = now + settings_.cooldown;
    ++opened_;
  }
  void close() {
    state_ = State::closed;
    consecutive_ = 0;
    calls_.clear();
    window_failures_ = 0;
  }

  const Settings settings_;
  const Clock clock_;
  mutable std::mutex mutex_;
  State state_ = State::closed;
  uint32_t consecutive_ = 0;
  std::deque<Call> calls_;
  size_t window_failures_ = 0;
  std::chrono::system_clock::time_point open_until_{};
  std::chrono::system_clock::time_point probe_started_{};
  uint64_t opened_ = 0;
  uint64_t rejected_ = 0;
};

// One breaker per host name (compared in lower case), created on first use
// with the host's settings or the default ones.
class Registry {
 public:
  explicit Registry(Settings defaults = {}, std::map<std::string, Settings> per_host = {}, Clock clock = system_clock())
      : defaults_(defaults), clock_(std::move(clock)) {
    for (auto& [host, settings] : per_host) {
      per_host_[lower(host)] = settings;
    }
  }

  Verdict check(std::string_view host) { return breaker(host)->check(); }
  void record(std::string_view host, bool ok) { breaker(host)->record(ok); }

  // Every host's breaker, sorted by host.
  std::vector<Snapshot> snapshot() const {
    std::lock_guard lock(mutex_);
    std::vector<Snapshot> out;
    out.reserve(breakers_.size());
    for (const auto& [host, b] : breakers_) {
      Snapshot s = b->snapshot();
      s.host = host;
      out.push_back(std::move(s));
    }
    return out;
  }

  const Settings& settings_for(std::string_view host) const {
    auto it = per_host_.find(lower(host));
    return it == per_host_.end() ? defaults_ : it->second;
  }

 private:
  // Workflows choose the hosts, so their number is bounded: past it, the
  // breakers that remember nothing are forgotten.
  static constexpr size_t kMaxHosts = 4096;

  // A shared_ptr: a breaker being forgotten stays alive for the call using it.
  std::shared_ptr<Breaker> breaker(std::string_view host) {
    std::string key = lower(host);
    std::lock_guard lock(mutex_);
    auto it = breakers_.find(key);
    if (it == breakers_.end()) {
      if (breakers_.size() >= kMaxHosts) {
        for (auto b = breakers_.begin(); b != breakers_.end();) {
          b = b->second.use_count() == 1 && b->second->idle() ? breakers_.erase(b) : std::next(b);
        }
      }
      it = breakers_.emplace(key, std::make_shared<Breaker>(settings_for(key), clock_)).first;
    }
    return it->second;
  }

  static std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
  }

  const Settings defaults_;
  std::map<std::string, Settings> per_host_;
  const Clock clock_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Breaker>> breakers_;
};

}  // namespace linkhub::sdk::circuit
