// The SDK's circuit breaker (linkhub/circuit_breaker.hpp) on a fake clock:
// no sleeps, every transition driven by the test.
#include <linkhub/circuit_breaker.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace linkhub {
namespace {

using namespace std::chrono_literals;
using sdk::circuit::Registry;
using sdk::circuit::Settings;
using sdk::circuit::State;

// A clock that moves only when the test says so.
struct FakeClock {
  std::shared_ptr<std::atomic<int64_t>> ms = std::make_shared<std::atomic<int64_t>>(1'800'000'000'000);
  sdk::circuit::Clock clock() const {
    return [ms = ms] { return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms->load())); };
  }
  std::chrono::system_clock::time_point now() const { return clock()(); }
  void advance(std::chrono::milliseconds d) { *ms += d.count(); }
};

Settings consecutive_only(uint32_t failures, std::chrono::milliseconds cooldown = 30s) {
  Settings s;
  s.failures = failures;
  s.failure_rate = 0;
  s.cooldown = cooldown;
  return s;
}

State state_of(const Registry& r, const std::string& host) {
  for (const auto& s : r.snapshot()) {
    if (s.host == host) {
      return s.state;
    }
  }
  return State::closed;
}

TEST(CircuitBreaker, OpensAfterConsecutiveFailuresAndRefusesUntilTheCooldownEnds) {
  FakeClock t;
  Registry r(consecutive_only(3, 30s), {}, t.clock());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(r.check("api.test").allowed);
    r.record("api.test", false);
  }
  r.record("api.test", true);  // a success resets the count
  for (int i = 0; i < 2; ++i) {
    r.record("api.test", false);
  }
  EXPECT_TRUE(r.check("api.test").allowed) << "two failures since the last success are not three";
  r.record("api.test", false);
  const auto opened_at = t.now();
  const auto refused = r.check("api.test");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_at, opened_at + 30s);
  EXPECT_EQ(state_of(r, "api.test"), State::open);
  t.advance(29'999ms);
  EXPECT_FALSE(r.check("api.test").allowed);
  EXPECT_TRUE(r.check("other.test").allowed) << "each host has its own breaker";
}

TEST(CircuitBreaker, HalfOpenLetsOneProbeThroughAndClosesOnItsSuccess) {
  FakeClock t;
  Registry r(consecutive_only(1, 10s), {}, t.clock());
  r.record("api.test", false);
  t.advance(10s);
  EXPECT_TRUE(r.check("api.test").allowed) << "the probe";
  EXPECT_EQ(state_of(r, "api.test"), State::half_open);
  EXPECT_FALSE(r.check("api.test").allowed) << "one probe at a time";
  r.record("api.test", true);
  EXPECT_EQ(state_of(r, "api.test"), State::closed);
  EXPECT_TRUE(r.check("api.test").allowed);
  EXPECT_TRUE(r.check("api.test").allowed);
}

TEST(CircuitBreaker, AFailedProbeOpensItForAnotherCooldown) {
  FakeClock t;
  Registry r(consecutive_only(1, 10s), {}, t.clock());
  r.record("api.test", false);
  t.advance(10s);
  ASSERT_TRUE(r.check("api.test").allowed);
  r.record("api.test", false);
  const auto refused = r.check("api.test");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_at, t.now() + 10s);
  EXPECT_EQ(r.snapshot().at(0).opened, 2u);
}

TEST(CircuitBreaker, AProbeThatNeverReportsStopsBlockingAfterACooldown) {
  FakeClock t;
  Registry r(consecutive_only(1, 10s), {}, t.clock());
  r.record("api.test", false);
  t.advance(10s);
  ASSERT_TRUE(r.check("api.test").allowed);  // its step crashed: no record
  t.advance(9s);
  EXPECT_FALSE(r.check("api.test").allowed);
  t.advance(1s);
  EXPECT_TRUE(r.check("api.test").allowed) << "another probe";
}

TEST(CircuitBreaker, OpensOnTheFailureRateOverTheWindowOnceThereAreEnoughCalls) {
  FakeClock t;
  Settings s;
  s.failures = 0;  // only the rate
  s.failure_rate = 0.5;
  s.min_calls = 4;
  s.window = 10s;
  Registry r(s, {}, t.clock());
  r.record("api.test", false);
  r.record("api.test", true);
  r.record("api.test", false);
  EXPECT_TRUE(r.check("api.test").allowed) << "3 calls are fewer than min_calls";
  r.record("api.test", true);  // 2 of 4 failed: 50%
  EXPECT_FALSE(r.check("api.test").allowed);

  Registry fresh(s, {}, t.clock());
  fresh.record("api.test", false);
  fresh.record("api.test", false);
  t.advance(10s);  // both leave the window
  fresh.record("api.test", true);
  fresh.record("api.test", true);
  fresh.record("api.test", false);
  fresh.record("api.test", true);
  EXPECT_TRUE(fresh.check("api.test").allowed) << "1 failure in 4 calls within the window";
}

TEST(CircuitBreaker, OutcomesOfCallsStartedBeforeItOpenedChangeNothing) {
  FakeClock t;
  Registry r(consecutive_only(1, 10s), {}, t.clock());
  r.record("api.test", false);
  r.record("api.test", true);  // a slow call that was already in flight
  EXPECT_FALSE(r.check("api.test").allowed);
}

TEST(CircuitBreaker, PerHostSettingsAndCaseInsensitiveNames) {
  FakeClock t;
  Registry r(consecutive_only(5), {{"Flaky.Example", consecutive_only(1)}}, t.clock());
  EXPECT_EQ(r.settings_for("flaky.example").failures, 1u);
  r.record("FLAKY.example", false);
  EXPECT_FALSE(r.check("flaky.example").allowed);
  r.record("steady.example", false);
  EXPECT_TRUE(r.check("steady.example").allowed);
  const auto all = r.snapshot();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].host, "flaky.example");
  EXPECT_EQ(all[0].rejected, 1u);
}

TEST(CircuitBreaker, CountsEveryOutcomeFromManyThreads) {
  FakeClock t;
  Settings s;
  s.failures = 0;
  s.failure_rate = 1;
  s.min_calls = 800;
  s.window = 1h;
  Registry rate(s, {}, t.clock());
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int n = 0; n < 100; ++n) {
        rate.check("api.test");
        rate.record("api.test", false);
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  // 800 failures out of 800 calls: the 800th opened it, and only then.
  EXPECT_EQ(rate.snapshot().at(0).state, State::open);
  EXPECT_EQ(rate.snapshot().at(0).opened, 1u);
}

}  // namespace
}  // namespace linkhub
