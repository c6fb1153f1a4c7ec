// Durations as workflows write them: "250ms", "30s", "5m", "1h30m".
// Header-only so plugins and the engine parse them the same way.
//
//   auto d = linkhub::sdk::parse_duration("1h30m");  // std::optional<std::chrono::milliseconds>
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace linkhub::sdk {

// Units h, m, s, ms, each at most once and in decreasing order; a bare number
// is not a duration. Returns nullopt when the text does not parse.
inline std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  int64_t total = 0;
  int last_rank = -1;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') {
      return std::nullopt;
    }
    int64_t number = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      number = number * 10 + (text[i] - '0');
      if (number > 1'000'000'000) {
        return std::nullopt;
      }
      ++i;
    }
    int rank = 0;
    int64_t unit_ms = 0;
    if (text.substr(i, 2) == "ms") {
      rank = 3, unit_ms = 1, i += 2;
    } else if (text.substr(i, 1) == "h") {
      rank = 0, unit_ms = 3'600'000, i += 1;
    } else if (text.substr(i, 1) == "m") {
      rank = 1, unit_ms = 60'000, i += 1;
    } else if (text.substr(i, 1) == "s") {
      rank = 2, unit_ms = 1000, i += 1;
    } else {
      return std::nullopt;
    }
    if (rank <= last_rank) {
      return std::nullopt;
    }
    last_rank = rank;
    total += number * unit_ms;
  }
  return std::chrono::milliseconds(total);
}

}  // namespace linkhub::sdk
