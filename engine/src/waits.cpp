#include <linkhub/engine/sql_store.hpp>
#include <linkhub/engine/waits.hpp>

#include <cstdio>
#include <ctime>

namespace linkhub {

std::optional<std::string> event_key_problem(std::string_view key) {
  if (key.empty()) {
    return "an event key cannot be empty";
  }
  if (key.size() > kMaxEventKeyLength) {
    return "an event key has at most " + std::to_string(kMaxEventKeyLength) + " characters, this one " +
           std::to_string(key.size());
  }
  for (size_t i = 0; i < key.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(key[i]);
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == ':' || c == '@' || c == '+' || c == '=' || c == '-';
    if (!ok) {
      char shown[8];
      std::snprintf(shown, sizeof shown, c >= 0x21 && c < 0x7f ? "'%c'" : "0x%02x", c);
      return "an event key may hold letters, digits and . _ : @ + = - only, found " + std::string(shown) +
             " at position " + std::to_string(i + 1);
    }
  }
  return std::nullopt;
}

std::optional<int64_t> parse_timestamp_ms(std::string_view text) {
  const std::string s(text);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, used = 0;
  if (s.size() < 20 || std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6 ||
      used != 19) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 3) {
        millis = millis * 10 + (s[pos] - '0');
      }
      ++digits;
      ++pos;
    }
    if (digits == 0) {
      return std::nullopt;
    }
    for (; digits < 3; ++digits) {
      millis *= 10;
    }
  }
  int64_t offset_s = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
    offset_s = 0;
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    int oh = 0, om = 0;
    if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d", &oh, &om) != 2 || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_s = (s[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  const time_t t = timegm(&tm);
  return (static_cast<int64_t>(t) - offset_s) * 1000 + millis;
}

Result<Delivery> deliver_event(SqlStore& store, std::string_view key, const Json& payload) {
  if (auto problem = event_key_problem(key)) {
    return Error{*problem, "invalid_input"};
  }
  return store.deliver_event(std::string(key), payload);
}

}  // namespace linkhub
