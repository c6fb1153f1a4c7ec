#pragma once
// Prices are kept as whole millionths of the currency unit ("micros"), so
// comparing, sorting and detecting a price change are exact integer
// operations and 19.99 stays 19.99 on both databases.

#include <linkhub/plugin.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace linkhub::catalog {

constexpr int64_t kMicrosPerUnit = 1'000'000;
constexpr double kMaxAmount = 1e12;  // far above any product, far below int64 micros

// nullopt unless 0 <= amount <= kMaxAmount. Digits past the sixth decimal are rounded.
std::optional<int64_t> amount_to_micros(double amount);

// The amount as JSON: an integer when whole (20), else the nearest double (19.99).
sdk::Json micros_to_amount(int64_t micros);

// "usd" -> "USD"; nullopt unless three ASCII letters (ISO 4217 codes).
std::optional<std::string> canonical_currency(std::string_view text);

}  // namespace linkhub::catalog
