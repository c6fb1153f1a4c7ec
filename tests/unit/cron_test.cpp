// Cron expressions: parsing, errors that name the field, and next fire times
// (UTC) checked against dates worked out by hand.
#include <linkhub/engine/cron.hpp>

#include <gtest/gtest.h>

#include <chrono>

namespace linkhub {
namespace {

using namespace std::chrono;

// Milliseconds since the epoch of a UTC date and time.
int64_t utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0) {
  const sys_days date = year_month_day{year{y}, month{mo}, day{d}};
  return duration_cast<milliseconds>((date + hours{h} + minutes{mi}).time_since_epoch()).count();
}

int64_t next(std::string_view expr, int64_t after) {
  auto cron = CronSchedule::parse(expr);
  EXPECT_TRUE(cron.ok()) << expr << ": " << (cron.ok() ? "" : cron.error().message);
  if (!cron.ok()) {
    return -1;
  }
  return cron->next_after(after).value_or(-1);
}

TEST(Cron, EveryFiveMinutesFiresOnTheNextMultipleOfFive) {
  EXPECT_EQ(next("*/5 * * * *", utc(2026, 11, 25, 12, 52)), utc(2026, 11, 25, 12, 55));
  EXPECT_EQ(next("*/5 * * * *", utc(2026, 11, 25, 12, 55)), utc(2026, 11, 25, 13, 0));
  // Strictly after: a time inside the firing minute moves on to the next one.
  EXPECT_EQ(next("*/5 * * * *", utc(2026, 11, 25, 12, 55) + 30'000), utc(2026, 11, 25, 13, 0));
}

TEST(Cron, RangesStepsAndListsCombine) {
  // 9:00, 9:30 ... 17:30 on weekdays.
  const char* office = "0,30 9-17 * * mon-fri";
  EXPECT_EQ(next(office, utc(2026, 11, 25, 17, 30)), utc(2026, 11, 26, 9, 0));  // Wed evening -> Thu
  EXPECT_EQ(next(office, utc(2026, 11, 27, 17, 30)), utc(2026, 11, 30, 9, 0));  // Fri evening -> Mon
  EXPECT_EQ(next("10-40/15 * * * *", utc(2026, 1, 1, 0, 10)), utc(2026, 1, 1, 0, 25));
  EXPECT_EQ(next("10-40/15 * * * *", utc(2026, 1, 1, 0, 40)), utc(2026, 1, 1, 1, 10));
  EXPECT_EQ(next("5/20 * * * *", utc(2026, 1, 1, 0, 45)), utc(2026, 1, 1, 1, 5));
}

TEST(Cron, MonthAndWeekdayNamesInAnyCase) {
  EXPECT_EQ(next("0 0 1 JAN,jul *", utc(2026, 2, 1)), utc(2026, 7, 1));
  EXPECT_EQ(next("0 12 * * Sun", utc(2026, 11, 25)), utc(2026, 11, 29, 12, 0));
  // 7 is Sunday too.
  EXPECT_EQ(next("0 12 * * 7", utc(2026, 11, 25)), utc(2026, 11, 29, 12, 0));
}

TEST(Cron, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
  // Vixie cron: the 13th of the month OR any Friday.
  const char* expr = "0 0 13 * fri";
  EXPECT_EQ(next(expr, utc(2026, 11, 25)), utc(2026, 11, 27));   // Friday the 27th comes first
  EXPECT_EQ(next(expr, utc(2026, 12, 12)), utc(2026, 12, 13));   // Sunday the 13th
  // Only one restricted: that one alone counts.
  EXPECT_EQ(next("0 0 13 * *", utc(2026, 11, 25)), utc(2026, 12, 13));
}

TEST(Cron, LeapDaysAndMonthEnds) {
  EXPECT_EQ(next("0 0 29 2 *", utc(2026, 3, 1)), utc(2028, 2, 29));
  EXPECT_EQ(next("0 0 31 * *", utc(2026, 4, 1)), utc(2026, 5, 31));
  EXPECT_EQ(next("59 23 31 12 *", utc(2026, 12, 31, 23, 58)), utc(2026, 12, 31, 23, 59));
  EXPECT_EQ(next("59 23 31 12 *", utc(2026, 12, 31, 23, 59)), utc(2027, 12, 31, 23, 59));
}

TEST(Cron, MacrosMeanTheirStandardExpressions) {
  const int64_t t = utc(2026, 11, 25, 12, 52);
  EXPECT_EQ(next("@hourly", t), utc(2026, 11, 25, 13, 0));
  EXPECT_EQ(next("@daily", t), utc(2026, 11, 26));
  EXPECT_EQ(next("@midnight", t), utc(2026, 11, 26));
  EXPECT_EQ(next("@weekly", t), utc(2026, 11, 29));
  EXPECT_EQ(next("@monthly", t), utc(2026, 12, 1));
  EXPECT_EQ(next("@yearly", t), utc(2027, 1, 1));
  EXPECT_EQ(next("@annually", t), utc(2027, 1, 1));
}

TEST(Cron, ADateThatNeverComesHasNoNextTime) {
  auto cron = CronSchedule::parse("0 0 30 2 *");
  ASSERT_TRUE(cron.ok());
  EXPECT_FALSE(cron->next_after(utc(2026, 1, 1)).has_value());
}

TEST(Cron, ErrorsNameTheFieldAndTheText) {
  struct Case {
    const char* expr;
    const char* says;
  };
  const Case cases[] = {
      {"* * * *", "5 fields"},
      {"* * * * * *", "5 fields"},
      {"60 * * * *", "minute"},
      {"* 24 * * *", "hour"},
      {"* * 0 * *", "day-of-month"},
      {"* * * 13 *", "month"},
      {"* * * * 8", "day-of-week"},
      {"* * * foo *", "foo"},
      {"5-1 * * * *", "minute"},
      {"*/0 * * * *", "minute"},
      {"1,,2 * * * *", "minute"},
      {"@sometimes", "@sometimes"},
      {"", "5 fields"},
  };
  for (const auto& c : cases) {
    auto cron = CronSchedule::parse(c.expr);
    ASSERT_FALSE(cron.ok()) << "'" << c.expr << "' was accepted";
    EXPECT_NE(cron.error().message.find(c.says), std::string::npos)
        << "'" << c.expr << "': " << cron.error().message << " (expected it to mention " << c.says << ")";
  }
}

TEST(Cron, KeepsItsText) {
  auto cron = CronSchedule::parse("*/5 * * * *");
  ASSERT_TRUE(cron.ok());
  EXPECT_EQ(cron->text(), "*/5 * * * *");
}

}  // namespace
}  // namespace linkhub
