#include "currencies.hpp"

#include <array>
#include <string>
#include <unordered_map>

namespace linkhub::ai {
namespace {

constexpr unsigned kBoth = kPrefix | kSuffix;

struct Word {
  std::string_view text;  // lowercase
  CurrencyMark mark;
  bool any_case;  // else it must be written in capitals (ISO codes)
};

// ISO codes shops write: capitals always match, lowercase only for those that
// are not also words ("try", "php", "cop", "pen", "all" are left out).
constexpr std::array<std::pair<std::string_view, bool>, 48> kIsoCodes = {{
    {"usd", true}, {"eur", true},  {"gbp", true},  {"jpy", true}, {"cny", true}, {"inr", true}, {"idr", true},
    {"vnd", true}, {"php", false}, {"thb", true},  {"myr", true}, {"sgd", true}, {"aud", true}, {"cad", true},
    {"nzd", true}, {"hkd", true},  {"twd", true},  {"krw", true}, {"brl", true}, {"mxn", true}, {"ars", true},
    {"clp", true}, {"cop", false}, {"pen", false}, {"pln", true}, {"czk", true}, {"huf", true}, {"ron", false},
    {"sek", true}, {"nok", true},  {"dkk", true},  {"chf", true}, {"rub", true}, {"uah", true}, {"try", false},
    {"aed", true}, {"sar", true},  {"zar", true},  {"ngn", true}, {"egp", true}, {"kes", true}, {"pkr", true},
    {"bdt", true}, {"lkr", true},  {"ils", true},  {"qar", true}, {"kwd", true}, {"khr", true},
}};

const std::unordered_map<std::string_view, Word>& words() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<std::string_view, Word>();
    static std::array<std::string, kIsoCodes.size()> upper;
    for (size_t i = 0; i < kIsoCodes.size(); ++i) {
      upper[i] = std::string(kIsoCodes[i].first);
      for (char& c : upper[i]) {
        c = static_cast<char>(c - 0x20);
      }
      (*t)[kIsoCodes[i].first] = {kIsoCodes[i].first, {upper[i], 0.95, kBoth}, kIsoCodes[i].second};
    }
    const Word named[] = {
        {"rmb", {"CNY", 0.95, kBoth}, true},
        {"rp", {"IDR", 0.95, kBoth}, true},
        {"rupiah", {"IDR", 0.95, kBoth}, true},
        {"rm", {"MYR", 0.9, kPrefix}, true},
        {"ringgit", {"MYR", 0.95, kSuffix}, true},
        {"rs", {"INR", 0.85, kPrefix}, true},
        {"rupees", {"INR", 0.9, kSuffix}, true},
        {"zł", {"PLN", 0.95, kSuffix}, true},
        {"zl", {"PLN", 0.85, kSuffix}, true},
        {"đ", {"VND", 0.9, kSuffix}, true},
        {"đồng", {"VND", 0.95, kSuffix}, true},
        {"vnđ", {"VND", 0.95, kSuffix}, true},
        {"baht", {"THB", 0.95, kSuffix}, true},
        {"บาท", {"THB", 0.95, kSuffix | kLeadingCjk}, true},
        {"円", {"JPY", 0.95, kSuffix | kLeadingCjk}, true},
        {"元", {"CNY", 0.9, kSuffix | kLeadingCjk}, true},
        {"원", {"KRW", 0.95, kSuffix | kLeadingCjk}, true},
        {"yen", {"JPY", 0.9, kSuffix}, true},
        {"yuan", {"CNY", 0.9, kSuffix}, true},
        {"euro", {"EUR", 0.9, kSuffix}, true},
        {"euros", {"EUR", 0.9, kSuffix}, true},
        {"dollars", {"USD", 0.75, kSuffix | kDollarSign}, true},
        {"dollar", {"USD", 0.75, kSuffix | kDollarSign}, true},
        {"bucks", {"USD", 0.7, kSuffix | kDollarSign}, true},
        {"reais", {"BRL", 0.9, kSuffix}, true},
        {"руб", {"RUB", 0.9, kSuffix}, true},
        {"kč", {"CZK", 0.9, kSuffix}, true},
        {"lei", {"RON", 0.85, kSuffix}, true},
        {"kr", {"SEK", 0.7, kBoth | kNeedsHint}, true},
        // Arabic: riyal, dirham, pound and their abbreviations (the
        // tokenizer keeps "ر.س" one word).
        {"ر.س", {"SAR", 0.95, kBoth}, true},
        {"ريال", {"SAR", 0.9, kBoth}, true},
        {"د.إ", {"AED", 0.95, kBoth}, true},
        {"درهم", {"AED", 0.9, kBoth}, true},
        {"ج.م", {"EGP", 0.95, kBoth}, true},
        {"جنيه", {"EGP", 0.85, kBoth}, true},
        {"د.ك", {"KWD", 0.95, kBoth}, true},
        {"ر.ق", {"QAR", 0.95, kBoth}, true},
        // Hindi: rupees
        {"रुपये", {"INR", 0.95, kSuffix}, true},
        {"रुपए", {"INR", 0.95, kSuffix}, true},
        {"रु", {"INR", 0.9, kBoth}, true},
        // Chinese: 块 (kuai), spoken yuan
        {"块", {"CNY", 0.85, kSuffix | kLeadingCjk}, true},
    };
    for (const Word& w : named) {
      (*t)[w.text] = w;
    }
    return t;
  }();
  return *table;
}

}  // namespace

const CurrencyMark* currency_symbol(char32_t cp) {
  static constexpr CurrencyMark kDollar{"USD", 0.8, kBoth | kDollarSign};
  static constexpr CurrencyMark kEuro{"EUR", 0.95, kBoth};
  static constexpr CurrencyMark kPound{"GBP", 0.95, kBoth};
  static constexpr CurrencyMark kYen{"JPY", 0.85, kBoth | kYenSign};
  static constexpr CurrencyMark kRupee{"INR", 0.95, kBoth};
  static constexpr CurrencyMark kPeso{"PHP", 0.95, kBoth};
  static constexpr CurrencyMark kBaht{"THB", 0.95, kBoth};
  static constexpr CurrencyMark kDong{"VND", 0.95, kBoth};
  static constexpr CurrencyMark kWon{"KRW", 0.95, kBoth};
  static constexpr CurrencyMark kRuble{"RUB", 0.95, kBoth};
  static constexpr CurrencyMark kLira{"TRY", 0.95, kBoth};
  static constexpr CurrencyMark kNaira{"NGN", 0.95, kBoth};
  static constexpr CurrencyMark kHryvnia{"UAH", 0.95, kBoth};
  static constexpr CurrencyMark kShekel{"ILS", 0.95, kBoth};
  switch (cp) {
    case '$':
    case 0xFF04:
      return &kDollar;
    case 0x20AC:
      return &kEuro;
    case 0xA3:
    case 0xFFE1:
      return &kPound;
    case 0xA5:
    case 0xFFE5:
      return &kYen;
    case 0x20B9:
      return &kRupee;
    case 0x20B1:
      return &kPeso;
    case 0x0E3F:
      return &kBaht;
    case 0x20AB:
      return &kDong;
    case 0x20A9:
    case 0xFFE6:
      return &kWon;
    case 0x20BD:
      return &kRuble;
    case 0x20BA:
      return &kLira;
    case 0x20A6:
      return &kNaira;
    case 0x20B4:
      return &kHryvnia;
    case 0x20AA:
      return &kShekel;
    default:
      return nullptr;
  }
}

const CurrencyMark* dollar_prefix(std::string_view raw) {
  static constexpr std::pair<std::string_view, CurrencyMark> kPrefixes[] = {
      {"US", {"USD", 0.95, kPrefix}}, {"U.S.", {"USD", 0.95, kPrefix}}, {"S", {"SGD", 0.95, kPrefix}},
      {"SG", {"SGD", 0.95, kPrefix}}, {"A", {"AUD", 0.95, kPrefix}},    {"AU", {"AUD", 0.95, kPrefix}},
      {"C", {"CAD", 0.95, kPrefix}},  {"CA", {"CAD", 0.95, kPrefix}},   {"NZ", {"NZD", 0.95, kPrefix}},
      {"HK", {"HKD", 0.95, kPrefix}}, {"R", {"BRL", 0.95, kPrefix}},    {"MX", {"MXN", 0.95, kPrefix}},
      {"NT", {"TWD", 0.95, kPrefix}}, {"CL", {"CLP", 0.9, kPrefix}},    {"COL", {"COP", 0.9, kPrefix}},
      {"AR", {"ARS", 0.9, kPrefix}},
  };
  for (const auto& [text, mark] : kPrefixes) {
    if (raw == text) {
      return &mark;
    }
  }
  return nullptr;
}

const CurrencyMark* currency_word(std::string_view raw, std::string_view lower) {
  const auto& t = words();
  const auto it = t.find(lower);
  if (it == t.end()) {
    return nullptr;
  }
  if (!it->second.any_case) {
    for (char c : raw) {
      if (c < 'A' || c > 'Z') {
        return nullptr;
      }
    }
  }
  return &it->second.mark;
}

bool is_known_currency(std::string_view code) {
  if (code.size() != 3) {
    return false;
  }
  std::string lower(code);
  for (char& c : lower) {
    c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 0x20 : c);
  }
  for (const auto& [iso, any_case] : kIsoCodes) {
    if (iso == lower) {
      return true;
    }
  }
  return false;
}

bool uses_dollar_sign(std::string_view code) {
  static constexpr std::string_view kDollars[] = {"USD", "CAD", "AUD", "NZD", "SGD", "HKD",
                                                  "TWD", "MXN", "ARS", "CLP", "COP", "BRL"};
  for (std::string_view d : kDollars) {
    if (d == code) {
      return true;
    }
  }
  return false;
}

bool uses_krona_sign(std::string_view code) {
  return code == "SEK" || code == "NOK" || code == "DKK" || code == "ISK";
}

}  // namespace linkhub::ai
