#include <linkhub/engine/duration.hpp>

#include <array>
#include <cctype>
#include <cstdint>

namespace linkhub {
namespace {

struct Unit {
  std::string_view suffix;
  int64_t ms;
};
// Longest suffix first where one is a prefix of another ("ms" before "m").
constexpr std::array<Unit, 4> kUnits{{{"h", 3'600'000}, {"ms", 1}, {"m", 60'000}, {"s", 1000}}};

int rank(int64_t ms) {
  switch (ms) {
    case 3'600'000: return 0;
    case 60'000: return 1;
    case 1000: return 2;
    default: return 3;
  }
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  int64_t total = 0;
  int last_rank = -1;
  size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      return std::nullopt;
    }
    int64_t number = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      number = number * 10 + (text[i] - '0');
      if (number > 1'000'000'000) {
        return std::nullopt;
      }
      ++i;
    }
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (text.substr(i, u.suffix.size()) == u.suffix &&
          (u.suffix != "m" || text.substr(i, 2) != "ms")) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) {
      return std::nullopt;
    }
    const int r = rank(unit->ms);
    if (r <= last_rank) {
      return std::nullopt;
    }
    last_rank = r;
    total += number * unit->ms;
    i += unit->suffix.size();
  }
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds d) {
  int64_t ms = d.count();
  if (ms == 0) {
    return "0s";
  }
  std::string out;
  for (const Unit& u : {Unit{"h", 3'600'000}, Unit{"m", 60'000}, Unit{"s", 1000}, Unit{"ms", 1}}) {
    if (ms >= u.ms) {
      out += std::to_string(ms / u.ms);
      out += u.suffix;
      ms %= u.ms;
    }
  }
  return out;
}

}  // namespace linkhub
