#include <linkhub/engine/duration.hpp>

#include <gtest/gtest.h>

using linkhub::format_duration;
using linkhub::parse_duration;
using std::chrono::milliseconds;

TEST(Duration, ParsesEveryUnitAndCombinations) {
  EXPECT_EQ(parse_duration("250ms"), milliseconds(250));
  EXPECT_EQ(parse_duration("30s"), milliseconds(30'000));
  EXPECT_EQ(parse_duration("5m"), milliseconds(300'000));
  EXPECT_EQ(parse_duration("1h30m"), milliseconds(5'400'000));
  EXPECT_EQ(parse_duration("1h5m10s500ms"), milliseconds(3'910'500));
}

TEST(Duration, RejectsWhatIsNotADuration) {
  for (const char* bad : {"", "30", "s", "1x", "1m1h", "5s5s", "-5s", "1.5s", " 5s", "5 s", "1ms5s"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(Duration, FormatsBackToTheSameValue) {
  for (const char* text : {"250ms", "30s", "5m", "1h30m", "1h5m10s500ms"}) {
    const auto parsed = parse_duration(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(format_duration(*parsed), text);
  }
}
