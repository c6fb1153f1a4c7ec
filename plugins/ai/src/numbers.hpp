#pragma once
// Reading amounts written the ways shops write them: "19.99", "19,99",
// "1,234.56", "1.234,56", "150.000", "1 299,00". The separator rules are in
// the README ("How numbers are read").

#include <optional>
#include <string>
#include <string_view>

namespace linkhub::ai {

// The number with its digits in ASCII, whatever their script ("٩٩" -> "99",
// "๒๙๙" -> "299", "१,२९९" -> "1,299", "１９８０" -> "1980"), and the Arabic
// separators ٫ ٬ as '.' ','. Grouping spaces are kept.
std::string ascii_number(std::string_view number);

// The amount of a Number token (digits of any script) as a plain decimal ("1234.56", "150000"), or
// nullopt when the digits are not an amount: dates ("25.12.2024"), phone
// numbers and codes with leading zeros ("0912"), malformed groupings
// ("1.2.3"), more than two decimals.
std::optional<std::string> parse_amount(std::string_view number);

// value * 10^exponent, correctly rounded ("1.2", 3 -> 1200).
double scale_amount(std::string_view decimal, int exponent);

}  // namespace linkhub::ai
