#pragma once
// Prices in a caption: an amount with a currency mark ("$19.99", "19,99 €",
// "Rp 150.000", "R$ 49,90"), a shorthand multiplier ("59k", "150rb", "1tr2")
// whose currency comes from context, ranges ("$10-$15") and bounds
// ("under $20"). The rules and their confidences are in the README.

#include "tokenizer.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace linkhub::ai {

enum class PriceKind : uint8_t { Exact, RangeLow, RangeHigh, Max, Min };
std::string_view kind_name(PriceKind kind);

struct Price {
  double amount = 0;
  std::string currency;  // ISO 4217
  std::string text;      // the matched text, currency mark included
  PriceKind kind = PriceKind::Exact;
  double confidence = 0;  // 0..1
  size_t first_token = 0;
  size_t last_token = 0;
};

struct PriceContext {
  std::string_view default_currency;  // ISO code hint, "" when none
  std::string_view language;          // the caption's language guess ("vi", "id", ...)
};

std::vector<Price> find_prices(const Tokens& tokens, const PriceContext& context);

}  // namespace linkhub::ai
