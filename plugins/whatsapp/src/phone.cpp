#include "phone.hpp"

namespace linkhub::whatsapp {

std::optional<std::string> e164_digits(std::string_view text, std::string& why) {
  constexpr size_t kMinDigits = 8;
  constexpr size_t kMaxDigits = 15;
  std::string digits;
  bool plus_seen = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == '+' && digits.empty() && !plus_seen) {
      plus_seen = true;
    } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') {
      continue;
    } else {
      why = "has a character a phone number cannot have at position " + std::to_string(i + 1);
      return std::nullopt;
    }
  }
  if (digits.size() < kMinDigits || digits.size() > kMaxDigits) {
    why = "must have 8 to 15 digits (country code first), found " + std::to_string(digits.size());
    return std::nullopt;
  }
  if (digits.front() == '0') {
    why = "must start with a country code, not 0";
    return std::nullopt;
  }
  return digits;
}

}  // namespace linkhub::whatsapp
