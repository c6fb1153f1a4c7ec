#include <linkhub/duration.hpp>
#include <linkhub/engine/duration.hpp>

namespace linkhub {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  return sdk::parse_duration(text);
}

std::string format_duration(std::chrono::milliseconds d) {
  int64_t ms = d.count();
  if (ms == 0) {
    return "0s";
  }
  std::string out;
  for (auto [unit_ms, suffix] :
       {std::pair<int64_t, const char*>{3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}}) {
    if (ms >= unit_ms) {
      out += std::to_string(ms / unit_ms) + suffix;
      ms %= unit_ms;
    }
  }
  return out;
}

}  // namespace linkhub
