#pragma once
// Standard 5-field cron expressions (minute hour day-of-month month
// day-of-week), in UTC, for `triggers: - schedule: {cron: ...}`.

#include <linkhub/engine/result.hpp>

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace linkhub {

class CronSchedule {
 public:
  // *, numbers, ranges a-b, steps */n a-b/n a/n, lists a,b, names jan-dec and
  // sun-sat (any case), 7 = Sunday, and @yearly @annually @monthly @weekly
  // @daily @midnight @hourly. Errors name the field and the bad text.
  static Result<CronSchedule> parse(std::string_view expression);

  // The first fire time strictly after `after_ms` (ms since the epoch, UTC),
  // on a whole minute; none when nothing matches within 5 years ("0 0 30 2 *").
  std::optional<int64_t> next_after(int64_t after_ms) const;

  const std::string& text() const { return text_; }

 private:
  bool day_matches(int year, unsigned month, unsigned day) const;

  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1..31
  std::bitset<13> months_;   // 1..12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool any_day_ = true;      // day-of-month was "*"
  bool any_weekday_ = true;  // day-of-week was "*"
};

}  // namespace linkhub
