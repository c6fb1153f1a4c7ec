#pragma once
// The ways captions mark a currency: symbols ("€", "₫", "฿"), dollar
// prefixes ("R$", "S$", "US$"), words ("Rp", "RM", "zł", "đ", "円") and ISO
// 4217 codes. Each mark says how sure it is on its own.

#include <string_view>

namespace linkhub::ai {

enum CurrencyFlag : unsigned {
  kPrefix = 1,       // may stand before the amount ("Rp 150.000")
  kSuffix = 2,       // may stand after it ("49 zł")
  kDollarSign = 4,   // a bare "$": US dollars unless the hint names another dollar
  kYenSign = 8,      // "¥": yen, or yuan in Chinese captions
  kNeedsHint = 16,   // "kr": only with a default_currency that uses it
  kLeadingCjk = 32,  // "円", "元": may be glued to the following text ("1280円です")
};

struct CurrencyMark {
  std::string_view code;  // ISO 4217
  double confidence;      // how sure the mark alone makes us
  unsigned flags;
};

// The currency a symbol stands for ("€", "₹", "฿", ...), or nullptr.
const CurrencyMark* currency_symbol(char32_t cp);
// The dollar a prefix names ("US", "S", "R", "A", "C", ... before "$"), or nullptr.
const CurrencyMark* dollar_prefix(std::string_view raw_letters);
// A currency word or code, given its raw and lowercase spelling, or nullptr.
// ISO codes match in capitals; a few common ones also in lowercase ("usd").
const CurrencyMark* currency_word(std::string_view raw, std::string_view lower);
// True for an ISO 4217 code this extractor can report (for default_currency).
bool is_known_currency(std::string_view code);
// Dollar currencies a default_currency hint may give a bare "$".
bool uses_dollar_sign(std::string_view code);
bool uses_krona_sign(std::string_view code);

}  // namespace linkhub::ai
