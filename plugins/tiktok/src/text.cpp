#include "text.hpp"

#include <algorithm>
#include <ctime>

namespace linkhub::tiktok {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when it is broken.
size_t utf8_length(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  if (c < 0x80) {
    return 1;
  } else if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
  } else {
    return 0;
  }
  if (i + n > s.size()) {
    return 0;
  }
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) {
      return 0;
    }
  }
  return n;
}

bool ends_tag(unsigned char c) {
  if (c >= 0x80) {
    return false;  // part of a non-ASCII letter or emoji
  }
  if (c == '_') {
    return false;
  }
  return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
}

}  // namespace

std::string excerpt(std::string_view text, size_t max_bytes) {
  std::string out;
  bool cut = false;
  for (size_t i = 0; i < text.size();) {
    const size_t n = utf8_length(text, i);
    const bool control = n == 1 && (static_cast<unsigned char>(text[i]) < 0x20 || text[i] == 0x7f);
    if (n == 0 || control || text[i] == ' ') {
      if (!out.empty() && out.back() != ' ') {
        out += ' ';
      }
      i += n == 0 ? 1 : n;
      continue;
    }
    if (out.size() + n > max_bytes) {
      cut = true;
      break;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  if (cut) {
    out += "...";
  }
  return out;
}

std::vector<std::string> hashtags_from_text(std::string_view text) {
  std::vector<std::string> tags;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '#') {
      ++i;
      continue;
    }
    size_t end = i + 1;
    while (end < text.size() && !ends_tag(static_cast<unsigned char>(text[end]))) {
      ++end;
    }
    std::string tag(text.substr(i + 1, end - i - 1));
    if (!tag.empty() && std::find(tags.begin(), tags.end(), tag) == tags.end()) {
      tags.push_back(std::move(tag));
    }
    i = end;
  }
  return tags;
}

std::optional<std::string> iso8601_from_unix(int64_t seconds) {
  // Year 1970 to 9999: anything else is not a TikTok upload time.
  if (seconds < 0 || seconds > 253402300799) {
    return std::nullopt;
  }
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) {
    return std::nullopt;
  }
  char buf[32];
  if (std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
    return std::nullopt;
  }
  return std::string(buf);
}

std::optional<std::string> iso_date_from_yyyymmdd(std::string_view text) {
  if (text.size() != 8 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const int month = std::stoi(std::string(text.substr(4, 2)));
  const int day = std::stoi(std::string(text.substr(6, 2)));
  if (month < 1 || month > 12 || day < 1 || day > 31) {
    return std::nullopt;
  }
  return std::string(text.substr(0, 4)) + "-" + std::string(text.substr(4, 2)) + "-" + std::string(text.substr(6, 2));
}

std::optional<int64_t> unix_from_iso8601(std::string_view text) {
  const auto number = [&](size_t pos, size_t len) -> std::optional<int> {
    if (pos + len > text.size()) {
      return std::nullopt;
    }
    int value = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') {
        return std::nullopt;
      }
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const auto year = number(0, 4), month = number(5, 2), day = number(8, 2);
  if (!year || !month || !day || text.size() < 10 || text[4] != '-' || text[7] != '-' || *month < 1 || *month > 12 ||
      *day < 1 || *day > 31) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  int64_t offset = 0;
  if (text.size() > 10) {
    const auto hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
    if ((text[10] != 'T' && text[10] != ' ') || !hour || !minute || !second || text[13] != ':' || text[16] != ':' ||
        *hour > 23 || *minute > 59 || *second > 60) {
      return std::nullopt;
    }
    tm.tm_hour = *hour;
    tm.tm_min = *minute;
    tm.tm_sec = *second;
    size_t pos = 19;
    if (pos < text.size() && text[pos] == '.') {
      do {
        ++pos;
      } while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9');
    }
    const std::string_view zone = text.substr(std::min(pos, text.size()));
    if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' && number(pos + 1, 2) &&
        number(pos + 4, 2)) {
      offset = (*number(pos + 1, 2) * 3600 + *number(pos + 4, 2) * 60) * (zone[0] == '+' ? 1 : -1);
    } else if (!zone.empty() && zone != "Z") {
      return std::nullopt;
    }
  }
  return static_cast<int64_t>(timegm(&tm)) - offset;
}

}  // namespace linkhub::tiktok
