#pragma once
// Token buckets by key (an API key, a user, a client address), in this
// process. A bucket holds up to `burst` tokens and gains `rate` a second; a
// request takes one. A bucket that has refilled is the same as no bucket, so
// such buckets are dropped: memory follows the keys active lately, and past
// `max_buckets` new keys share one overflow bucket instead of growing it.

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace linkhub::http {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  struct Decision {
    bool allowed = true;
    int retry_after_s = 0;  // when refused: whole seconds until a token is there (>= 1)
  };

  RateLimiter(double rate_per_second, double burst, size_t max_buckets = 100000,
              std::function<Clock::time_point()> now = &Clock::now);

  // Takes a token when there is one.
  Decision take(const std::string& key);
  // Whether take() would succeed, without taking.
  Decision peek(const std::string& key);
  size_t buckets() const;

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };
  Decision decide(const std::string& key, bool consume);
  Bucket& bucket(const std::string& key, Clock::time_point now);
  double refilled(const Bucket& b, Clock::time_point now) const;
  void sweep(Clock::time_point now);

  const double rate_;
  const double burst_;
  const size_t max_buckets_;
  std::function<Clock::time_point()> now_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  Clock::time_point last_sweep_;
};

}  // namespace linkhub::http
