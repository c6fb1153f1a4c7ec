#include <linkhub/engine/cron.hpp>

#include <array>
#include <cctype>
#include <chrono>
#include <vector>

namespace linkhub {
namespace {

struct Field {
  const char* name;
  int min;
  int max;
  std::array<const char*, 13> names;  // index = value; nullptr where none
};

const Field kFields[5] = {
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day-of-month", 1, 31, {}},
    {"month", 1, 12, {nullptr, "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
    {"day-of-week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

Result<int> value_of(const Field& f, std::string_view text) {
  if (text.empty()) {
    return Error{std::string(f.name) + ": empty value"};
  }
  if (std::isdigit(static_cast<unsigned char>(text[0]))) {
    int v = 0;
    for (char c : text) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || v > 1000) {
        return Error{std::string(f.name) + ": '" + std::string(text) + "' is not a number or name"};
      }
      v = v * 10 + (c - '0');
    }
    if (v < f.min || v > f.max) {
      return Error{std::string(f.name) + ": " + std::to_string(v) + " is out of range (" + std::to_string(f.min) +
                   "-" + std::to_string(f.max) + ")"};
    }
    return v;
  }
  const std::string name = lower(text);
  for (int v = 0; v < 13; ++v) {
    if (f.names[static_cast<size_t>(v)] != nullptr && name == f.names[static_cast<size_t>(v)]) {
      return v;
    }
  }
  return Error{std::string(f.name) + ": '" + std::string(text) + "' is not a number or name"};
}

// Sets the bits of one field; returns whether it was a bare "*".
Result<bool> parse_field(const Field& f, std::string_view text, std::vector<bool>& bits) {
  bits.assign(static_cast<size_t>(f.max) + 1, false);
  bool star = false;
  for (std::string_view item : split(text, ',')) {
    if (item.empty()) {
      return Error{std::string(f.name) + ": empty item in list '" + std::string(text) + "'"};
    }
    std::string_view range = item;
    int step = 1;
    if (auto slash = item.find('/'); slash != std::string_view::npos) {
      range = item.substr(0, slash);
      auto s = value_of(Field{f.name, 1, 1000, {}}, item.substr(slash + 1));
      if (!s) {
        return Error{std::string(f.name) + ": step '" + std::string(item.substr(slash + 1)) +
                     "' must be a whole number of at least 1"};
      }
      step = *s;
    }
    int lo = f.min, hi = f.max;
    if (range == "*") {
      star = star || (item == "*");
    } else if (auto dash = range.find('-'); dash != std::string_view::npos) {
      auto a = value_of(f, range.substr(0, dash));
      if (!a) {
        return a.error();
      }
      auto b = value_of(f, range.substr(dash + 1));
      if (!b) {
        return b.error();
      }
      if (*a > *b) {
        return Error{std::string(f.name) + ": range '" + std::string(range) + "' runs backwards"};
      }
      lo = *a;
      hi = *b;
    } else {
      auto a = value_of(f, range);
      if (!a) {
        return a.error();
      }
      lo = *a;
      // "a/n" means from a to the end in steps of n.
      hi = item.find('/') != std::string_view::npos ? f.max : *a;
    }
    for (int v = lo; v <= hi; v += step) {
      bits[static_cast<size_t>(v)] = true;
    }
  }
  return star;
}

using namespace std::chrono;

}  // namespace

Result<CronSchedule> CronSchedule::parse(std::string_view expression) {
  std::string text(expression);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.pop_back();
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.erase(text.begin());
  }
  std::string expanded = text;
  if (!text.empty() && text[0] == '@') {
    const std::string macro = lower(text);
    if (macro == "@yearly" || macro == "@annually") {
      expanded = "0 0 1 1 *";
    } else if (macro == "@monthly") {
      expanded = "0 0 1 * *";
    } else if (macro == "@weekly") {
      expanded = "0 0 * * 0";
    } else if (macro == "@daily" || macro == "@midnight") {
      expanded = "0 0 * * *";
    } else if (macro == "@hourly") {
      expanded = "0 * * * *";
    } else {
      return Error{"cron '" + text + "': unknown macro (expected @yearly, @monthly, @weekly, @daily or @hourly)"};
    }
  }
  std::vector<std::string_view> fields;
  std::string_view rest = expanded;
  while (!rest.empty()) {
    const size_t start = rest.find_first_not_of(" \t");
    if (start == std::string_view::npos) {
      break;
    }
    rest = rest.substr(start);
    const size_t end = rest.find_first_of(" \t");
    fields.push_back(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  }
  if (fields.size() != 5) {
    return Error{"cron '" + text + "': expected 5 fields (minute hour day-of-month month day-of-week), found " +
                 std::to_string(fields.size())};
  }
  CronSchedule c;
  c.text_ = text;
  std::vector<bool> bits;
  for (size_t i = 0; i < 5; ++i) {
    auto star = parse_field(kFields[i], fields[i], bits);
    if (!star) {
      return Error{"cron '" + text + "': " + star.error().message};
    }
    for (size_t v = 0; v < bits.size(); ++v) {
      if (!bits[v]) {
        continue;
      }
      switch (i) {
        case 0: c.minutes_.set(v); break;
        case 1: c.hours_.set(v); break;
        case 2: c.days_.set(v); break;
        case 3: c.months_.set(v); break;
        default: c.weekdays_.set(v % 7); break;  // 7 is Sunday too
      }
    }
    if (i == 2) {
      c.any_day_ = *star;
    } else if (i == 4) {
      c.any_weekday_ = *star;
    }
  }
  return c;
}

bool CronSchedule::day_matches(int year, unsigned month, unsigned day) const {
  const year_month_day ymd{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
  const unsigned weekday = std::chrono::weekday{sys_days{ymd}}.c_encoding();
  const bool dom = days_.test(day);
  const bool dow = weekdays_.test(weekday);
  // Vixie cron: when both are restricted, either one matching is enough.
  if (!any_day_ && !any_weekday_) {
    return dom || dow;
  }
  return dom && dow;
}

std::optional<int64_t> CronSchedule::next_after(int64_t after_ms) const {
  // Start at the next whole minute after `after_ms`.
  const int64_t start_min = (after_ms >= 0 ? after_ms / 60000 : (after_ms - 59999) / 60000) + 1;
  sys_days day = floor<days>(sys_time<minutes>(minutes(start_min)));
  int minute_of_day = static_cast<int>(start_min - duration_cast<minutes>(day.time_since_epoch()).count());
  const sys_days limit = day + days(366 * 5 + 2);
  for (; day <= limit; day += days(1), minute_of_day = 0) {
    const year_month_day ymd{day};
    if (!months_.test(static_cast<unsigned>(ymd.month()))) {
      // Jump to the first day of the next month.
      const year_month next = year_month{ymd.year(), ymd.month()} + std::chrono::months(1);
      day = sys_days{next / std::chrono::day{1}} - days(1);
      continue;
    }
    if (!day_matches(static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()))) {
      continue;
    }
    for (int m = minute_of_day; m < 24 * 60; ++m) {
      if (!hours_.test(static_cast<size_t>(m / 60))) {
        m = (m / 60) * 60 + 59;  // the rest of this hour cannot match
        continue;
      }
      if (minutes_.test(static_cast<size_t>(m % 60))) {
        return (duration_cast<minutes>(day.time_since_epoch()).count() + m) * 60000;
      }
    }
  }
  return std::nullopt;
}

}  // namespace linkhub
