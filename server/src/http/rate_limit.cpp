#include "http/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace linkhub::http {
namespace {

// Where keys go once max_buckets are in use (they share its tokens).
const std::string kOverflow = "\x01overflow";
constexpr auto kSweepEvery = std::chrono::seconds(10);

}  // namespace

RateLimiter::RateLimiter(double rate_per_second, double burst, size_t max_buckets,
                         std::function<Clock::time_point()> now)
    : rate_(std::max(rate_per_second, 1e-9)),
      burst_(std::max(burst, 1.0)),
      max_buckets_(std::max<size_t>(max_buckets, 1)),
      now_(std::move(now)),
      last_sweep_(now_()) {}

double RateLimiter::refilled(const Bucket& b, Clock::time_point now) const {
  const double elapsed = std::chrono::duration<double>(now - b.updated).count();
  return std::min(burst_, b.tokens + std::max(0.0, elapsed) * rate_);
}

void RateLimiter::sweep(Clock::time_point now) {
  last_sweep_ = now;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    // Full again: indistinguishable from a bucket never made.
    it = refilled(it->second, now) >= burst_ ? buckets_.erase(it) : std::next(it);
  }
}

RateLimiter::Bucket& RateLimiter::bucket(const std::string& key, Clock::time_point now) {
  if (now - last_sweep_ >= kSweepEvery) {
    sweep(now);
  }
  auto it = buckets_.find(key);
  if (it != buckets_.end()) {
    return it->second;
  }
  if (buckets_.size() >= max_buckets_) {
    sweep(now);
  }
  const std::string& where = buckets_.size() >= max_buckets_ ? kOverflow : key;
  return buckets_.try_emplace(where, Bucket{burst_, now}).first->second;
}

RateLimiter::Decision RateLimiter::decide(const std::string& key, bool consume) {
  std::lock_guard lock(mutex_);
  const auto now = now_();
  if (!consume && buckets_.find(key) == buckets_.end() &&
      (buckets_.size() < max_buckets_ || buckets_.find(kOverflow) == buckets_.end())) {
    return Decision{true, 0};  // a full bucket; not worth making
  }
  Bucket& b = bucket(key, now);
  b.tokens = refilled(b, now);
  b.updated = now;
  if (b.tokens >= 1.0) {
    if (consume) {
      b.tokens -= 1.0;
    }
    return Decision{true, 0};
  }
  const double wait = (1.0 - b.tokens) / rate_;
  return Decision{false, static_cast<int>(std::max(1.0, std::ceil(std::min(wait, 86400.0))))};
}

RateLimiter::Decision RateLimiter::take(const std::string& key) {
  return decide(key, true);
}

RateLimiter::Decision RateLimiter::peek(const std::string& key) {
  return decide(key, false);
}

size_t RateLimiter::buckets() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

}  // namespace linkhub::http
