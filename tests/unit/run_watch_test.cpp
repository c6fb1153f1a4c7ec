// RunWatch: a follower of a run is told of that run's notifications, not of
// other runs'; an ends_only follower (?wait) of the run's end only; a
// notification between mark() and wait() is not lost; close() ends every wait.
#include "http/run_watch.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace linkhub::http {
namespace {

using namespace std::chrono_literals;
using Woke = RunWatch::Subscription::Woke;

TEST(RunWatchTest, AFollowerIsToldOfItsOwnRunOnly) {
  RunWatch watch;
  RunWatch::Subscription a(watch, "run-a");
  a.mark();
  watch.notify("run-b", true);
  EXPECT_EQ(a.wait(20ms), Woke::TimedOut) << "another run's end is not news";
  watch.notify("run-a", false);
  EXPECT_EQ(a.wait(10s), Woke::Changed);
}

TEST(RunWatchTest, AnEndsOnlyFollowerIsToldOfTheRunsEndNotItsSteps) {
  RunWatch watch;
  RunWatch::Subscription every(watch, "run-a");
  RunWatch::Subscription ends(watch, "run-a", /*ends_only=*/true);
  every.mark();
  ends.mark();
  watch.notify("run-a", false);
  EXPECT_EQ(every.wait(10s), Woke::Changed);
  EXPECT_EQ(ends.wait(20ms), Woke::TimedOut) << "a step's event";
  watch.notify("run-a", true);
  EXPECT_EQ(ends.wait(10s), Woke::Changed);
}

TEST(RunWatchTest, ANotificationBetweenMarkAndWaitIsNotLost) {
  RunWatch watch;
  RunWatch::Subscription ends(watch, "run-a", true);
  ends.mark();
  watch.notify("run-a", true);
  EXPECT_EQ(ends.wait(10s), Woke::Changed);
}

TEST(RunWatchTest, AWaitingFollowerIsWokenByItsRunsEndFromAnotherThread) {
  RunWatch watch;
  RunWatch::Subscription ends(watch, "run-a", true);
  ends.mark();
  std::thread notifier([&] {
    watch.notify("run-b", true);
    watch.notify("run-a", false);
    watch.notify("run-a", true);
  });
  Woke woke = Woke::TimedOut;
  for (int i = 0; i < 100 && woke != Woke::Changed; ++i) {  // bounded: each wait ends at the notification
    woke = ends.wait(1s);
  }
  notifier.join();
  EXPECT_EQ(woke, Woke::Changed);
}

TEST(RunWatchTest, CloseEndsEveryWaitAndTellsListeners) {
  RunWatch watch;
  RunWatch::Subscription a(watch, "run-a", true);
  bool told_closed = false;
  const uint64_t id = watch.listen("run-b", [&](bool closed) { told_closed = closed; });
  std::thread closer([&] { watch.close(); });
  Woke woke = Woke::TimedOut;
  for (int i = 0; i < 100 && woke == Woke::TimedOut; ++i) {
    woke = a.wait(1s);
  }
  closer.join();
  EXPECT_EQ(woke, Woke::Closed);
  EXPECT_TRUE(told_closed);
  EXPECT_TRUE(watch.closed());
  watch.unlisten(id);
}

}  // namespace
}  // namespace linkhub::http
