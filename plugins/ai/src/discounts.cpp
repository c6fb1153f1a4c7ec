#include "discounts.hpp"
#include "words.hpp"

#include "numbers.hpp"

#include <cctype>
#include <cmath>
#include <initializer_list>

namespace linkhub::ai {
namespace {

using words::any_of;

bool is_trigger(std::string_view lower) {
  return any_of(lower, {"code", "codes", "promocode", "couponcode", "discountcode", "coupon", "voucher", "kode", "mã",
                        "código", "codigo", "cupón", "cupon", "cupom", "gutscheincode", "rabattcode", "gutschein",
                        "codice", "vouchercode"});
}

// Words that may sit between the trigger and the code: "code promo X",
// "mã giảm giá X", "kode voucher: X", "code is X".
bool is_filler(std::string_view lower) {
  return any_of(
      lower, {"promo",    "promocional", "giảm",    "giá",    "giam", "gia",       "khuyến",   "mãi",       "diskon",
              "discount", "coupon",      "voucher", "sconto", "de",   "descuento", "desconto", "réduction", "reduction",
              "is",       "ist",         "es",      "là",     "est",  "é",         "code",     "my",        "our",
              "the",      "this",        "nhập",    "pakai",  "use",  "sử",        "dụng",     "with",      "con",
              "com",      "avec",        "mit",     "dem",    "el",   "o",         "le",       "den",       "il"});
}

bool is_quote(char32_t c) {
  return c == '"' || c == '\'' || c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 || c == 0xAB || c == 0xBB ||
         c == 0x300C || c == 0x300D;
}

struct Percent {
  double value;
  size_t token;
  uint32_t line;
  bool discount;
};

// "20% off", "-30%", "giảm 20%", "diskon 50%", "20% de descuento".
std::vector<Percent> find_percents(const Tokens& t) {
  std::vector<Percent> out;
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    if (!t.is(i, TokenKind::Number) || !t.glued(i + 1) || !(t.is_symbol(i + 1, '%') || t.is_symbol(i + 1, 0xFF05))) {
      continue;
    }
    const auto amount = parse_amount(t.raw(i));
    if (!amount) {
      continue;
    }
    const double value = std::stod(*amount);
    bool discount = false;
    if (i > 0 && t.glued(i) && (t.is_symbol(i - 1, '-') || t.is_symbol(i - 1, 0x2212))) {
      discount = true;
    }
    size_t after = i + 2;
    if (t.is_word(after, "de") || t.is_word(after, "di")) {
      ++after;
    }
    if (t.is(after, TokenKind::Word) &&
        any_of(t.lower(after), {"off", "discount", "descuento", "desconto", "rabatt", "réduction", "sconto", "korting",
                                "remise", "desc", "dcto"})) {
      discount = true;
    }
    for (size_t back = 1; back <= 2 && back <= i; ++back) {
      if (t.is(i - back, TokenKind::Word) &&
          any_of(t.lower(i - back), {"giảm", "giam", "diskon", "disc", "potongan", "save", "extra", "hemat", "sale",
                                     "rabatt", "cashback", "off", "descuento", "desconto", "remise", "sconto"})) {
        discount = true;
      }
    }
    out.push_back({value, i, t[i].line, discount && value > 0 && value < 100});
  }
  return out;
}

}  // namespace

std::vector<DiscountCode> find_discount_codes(const Tokens& t) {
  std::vector<DiscountCode> codes;
  for (size_t i = 0; i < t.size(); ++i) {
    if (!t.is(i, TokenKind::Word) || !is_trigger(t.lower(i))) {
      continue;
    }
    size_t j = i + 1;
    bool quoted = false;
    for (int skipped = 0; j < t.size() && skipped < 4 && t[j].line == t[i].line; ++skipped, ++j) {
      const Token& tok = t[j];
      if (tok.kind == TokenKind::Symbol && (tok.cp == ':' || tok.cp == 0xFF1A || tok.cp == '-' || tok.cp == 0x2013 ||
                                            tok.cp == '=' || is_quote(tok.cp))) {
        quoted = quoted || is_quote(tok.cp);
        continue;
      }
      if (tok.kind == TokenKind::Emoji) {
        continue;
      }
      if (tok.kind == TokenKind::Word && is_filler(t.lower(j)) && !tok.all_upper) {
        continue;
      }
      break;
    }
    if (j >= t.size() || t[j].line != t[i].line || !(t.is(j, TokenKind::Word) || t.is(j, TokenKind::Number))) {
      continue;
    }
    // The code: glued words, numbers, '_' and '-' ("SAVE20", "GIAM-50K").
    std::string code;
    size_t last = j;
    bool digit = false, lower = false, ascii = true;
    for (size_t k = j; k < t.size(); ++k) {
      if (k > j && !t.glued(k)) {
        break;
      }
      const Token& tok = t[k];
      if (tok.kind == TokenKind::Symbol && (tok.cp == '_' || tok.cp == '-') && t.glued(k + 1) &&
          (t.is(k + 1, TokenKind::Word) || t.is(k + 1, TokenKind::Number))) {
        code += static_cast<char>(tok.cp);
        continue;
      }
      if (tok.kind != TokenKind::Word && tok.kind != TokenKind::Number) {
        break;
      }
      const std::string_view raw = t.raw(k);
      for (char c : raw) {
        const auto u = static_cast<unsigned char>(c);
        digit = digit || (c >= '0' && c <= '9');
        lower = lower || (c >= 'a' && c <= 'z');
        ascii = ascii && u < 0x80 && (std::isalnum(u) != 0 || c == '.' || c == ',');
      }
      if (tok.kind == TokenKind::Number && raw.find_first_of(".,") != std::string_view::npos) {
        ascii = false;  // "code 1.5" is not a code
      }
      code += raw;
      last = k;
    }
    const bool closed_quote = quoted && t.is(last + 1, TokenKind::Symbol) && is_quote(t[last + 1].cp);
    const bool looks_like_code = digit || !lower || closed_quote;
    if (!ascii || code.size() < 3 || code.size() > 24 || !looks_like_code) {
      continue;
    }
    bool seen = false;
    for (const DiscountCode& c : codes) {
      seen = seen || c.code == code;
    }
    if (!seen) {
      codes.push_back({code, std::nullopt, i, last});
    }
    i = last;
  }
  if (codes.empty()) {
    return codes;
  }
  // Each code takes the nearest discount percentage on its line, else the
  // caption's only one.
  const std::vector<Percent> percents = find_percents(t);
  size_t discounts = 0;
  const Percent* only = nullptr;
  for (const Percent& p : percents) {
    if (p.discount) {
      ++discounts;
      only = &p;
    }
  }
  for (DiscountCode& c : codes) {
    const Percent* best = nullptr;
    size_t best_distance = 0;
    for (const Percent& p : percents) {
      if (!p.discount || p.line != t[c.first_token].line) {
        continue;
      }
      const size_t distance = p.token > c.last_token ? p.token - c.last_token : c.first_token - p.token;
      if (best == nullptr || distance < best_distance) {
        best = &p;
        best_distance = distance;
      }
    }
    if (best == nullptr && discounts == 1) {
      best = only;
    }
    if (best != nullptr) {
      c.percent = best->value;
    }
  }
  return codes;
}

}  // namespace linkhub::ai
