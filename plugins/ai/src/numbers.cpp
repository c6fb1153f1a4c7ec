#include "numbers.hpp"

#include "utf8.hpp"

#include <charconv>
#include <vector>

namespace linkhub::ai {
namespace {

struct Group {
  std::string_view digits;
  char separator_before = 0;  // '.', ',' or ' ' (any no-break/thin space)
};

std::vector<Group> split(std::string_view s) {
  std::vector<Group> groups;
  size_t i = 0;
  char sep = 0;
  while (i < s.size()) {
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      ++i;
    }
    groups.push_back({s.substr(start, i - start), sep});
    if (i >= s.size()) {
      break;
    }
    if (s[i] == '.' || s[i] == ',') {
      sep = s[i];
      ++i;
    } else {
      // A multi-byte space (the tokenizer only lets no-break and thin spaces in).
      sep = ' ';
      while (i < s.size() && (s[i] < '0' || s[i] > '9')) {
        ++i;
      }
    }
  }
  return groups;
}

bool valid_leading_group(std::string_view g) {
  return !g.empty() && g.size() <= 3 && (g[0] != '0' || g.size() == 1);
}

}  // namespace

std::string ascii_number(std::string_view number) {
  std::string out;
  out.reserve(number.size());
  for (size_t i = 0; i < number.size();) {
    const unsigned char c = static_cast<unsigned char>(number[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    const utf8::Decoded d = utf8::decode(number, i);
    if (const int v = utf8::digit_value(d.cp); v >= 0) {
      out.push_back(static_cast<char>('0' + v));
    } else if (d.cp == 0x066B || d.cp == 0xFF0E) {
      out.push_back('.');  // ٫ the Arabic decimal separator, full-width full stop
    } else if (d.cp == 0x066C || d.cp == 0xFF0C) {
      out.push_back(',');  // ٬ the Arabic thousands separator, full-width comma
    } else {
      out.append(number.substr(i, d.len));  // a grouping space
    }
    i += d.len;
  }
  return out;
}

std::optional<std::string> parse_amount(std::string_view raw) {
  const std::string ascii = ascii_number(raw);
  const std::string_view number = ascii;
  const std::vector<Group> groups = split(number);
  if (groups.empty() || groups[0].digits.empty()) {
    return std::nullopt;
  }
  const std::string_view first = groups[0].digits;
  if (groups.size() == 1) {
    // Leading zeros mark phone numbers, codes and times, not prices.
    if (first.size() > 1 && first[0] == '0') {
      return std::nullopt;
    }
    return std::string(first);
  }
  // The decimal separator, if any, is the last one: it must be '.' or ',',
  // appear once, differ from every thousands separator, and be followed by
  // one or two digits. A lone separator followed by exactly three digits
  // groups thousands ("150.000", "1,280"), the convention of every currency
  // shown in captions.
  const Group& last = groups.back();
  const size_t separators = groups.size() - 1;
  bool has_decimal = false;
  if (last.separator_before != ' ' && last.digits.size() <= 2) {
    has_decimal = true;
  } else if (last.separator_before != ' ' && last.digits.size() == 3 && separators == 1 &&
             !valid_leading_group(first) && first != "0") {
    return std::nullopt;  // "1234.567": neither a grouping nor a price decimal
  } else if (last.separator_before != ' ' && last.digits.size() == 3 && separators == 1 && first == "0") {
    return std::nullopt;  // "0.500"
  }
  const size_t thousands_end = has_decimal ? groups.size() - 1 : groups.size();
  if (has_decimal) {
    for (size_t g = 1; g < thousands_end; ++g) {
      if (groups[g].separator_before == last.separator_before) {
        return std::nullopt;  // "1.234.56": the decimal separator also grouped thousands
      }
    }
  }
  if (thousands_end > 1) {
    if (!valid_leading_group(first)) {
      return std::nullopt;
    }
    const char sep = groups[1].separator_before;
    for (size_t g = 1; g < thousands_end; ++g) {
      if (groups[g].digits.size() != 3 || groups[g].separator_before != sep) {
        return std::nullopt;
      }
    }
  } else if (first.size() > 1 && first[0] == '0') {
    return std::nullopt;
  }
  std::string out;
  out.reserve(number.size());
  for (size_t g = 0; g < thousands_end; ++g) {
    out += groups[g].digits;
  }
  if (has_decimal) {
    if (last.digits.empty()) {
      return std::nullopt;
    }
    out += '.';
    out += last.digits;
  }
  return out;
}

double scale_amount(std::string_view decimal, int exponent) {
  std::string text(decimal);
  if (exponent != 0) {
    text += 'e';
    text += std::to_string(exponent);
  }
  double value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

}  // namespace linkhub::ai
