#include "money.hpp"

#include <cmath>

namespace linkhub::catalog {

std::optional<int64_t> amount_to_micros(double amount) {
  if (!std::isfinite(amount) || amount < 0 || amount > kMaxAmount) {
    return std::nullopt;
  }
  return static_cast<int64_t>(std::llround(amount * static_cast<double>(kMicrosPerUnit)));
}

sdk::Json micros_to_amount(int64_t micros) {
  if (micros % kMicrosPerUnit == 0) {
    return micros / kMicrosPerUnit;
  }
  // One correctly rounded division: the same double as parsing the decimal text.
  return static_cast<double>(micros) / static_cast<double>(kMicrosPerUnit);
}

std::optional<std::string> canonical_currency(std::string_view text) {
  if (text.size() != 3) {
    return std::nullopt;
  }
  std::string out;
  for (char c : text) {
    if (c >= 'a' && c <= 'z') {
      out += static_cast<char>(c - 'a' + 'A');
    } else if (c >= 'A' && c <= 'Z') {
      out += c;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace linkhub::catalog
