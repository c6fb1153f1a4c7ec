#include "products.hpp"

#include "currencies.hpp"
#include "utf8.hpp"
#include "words.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <optional>

namespace linkhub::ai {
namespace {

using words::any_of;

// Small words that may join two content words inside a product name
// ("vestido de lino", "set of 4", "kaos dengan ...").
bool is_connector(std::string_view lower) {
  return any_of(lower, {"de", "of", "with", "com", "con", "di", "du", "des", "da", "do",  "&",  "and",  "y",
                        "e",  "et", "und",  "mit", "à",   "a",  "in", "en",  "em", "del", "al", "siêu", "rất"});
}

// Words between a product and its price or CTA: "for only", "chỉ", "cuma".
bool is_lead_word(std::string_view lower) {
  return any_of(lower,
                {"only",  "just",  "now",    "for",      "at",      "is",    "are",       "price", "priced", "giá",
                 "chỉ",   "còn",   "từ",     "harga",    "cuma",    "hanya", "mulai",     "dari",  "precio", "por",
                 "solo",  "sólo",  "apenas", "preço",    "prix",    "preis", "seulement", "nur",   "für",    "sale",
                 "under", "below", "from",   "starting", "via",     "check", "in",        "on",    "here",   "today",
                 "this",  "week",  "ab",     "à",        "partir",  "desde", "só",        "là",    "la",     "was",
                 "were",  "costs", "cost",   "retail",   "regular", "over",  "above",     "reg",   "soli",   "a",
                 "à",     "em",    "en",     "na",       "no",      "di",    "ở",         "tại",   "nur",    "ab",
                 "dès",   "por",   "par",    "per",      "each",    "incl",  "only!",     "invece"});
}

bool is_content_word(const Tokens& t, size_t i) {
  if (!t.is(i, TokenKind::Word)) {
    return false;
  }
  const std::string_view lower = t.lower(i);
  if (words::is_stopword(lower) || words::is_filler(lower) || is_lead_word(lower) ||
      currency_word(t.raw(i), lower) != nullptr) {
    return false;
  }
  // One-letter Latin words are initials or sizes, not names.
  return utf8::count(lower) >= 2 || utf8::script_of(utf8::decode(lower, 0).cp) != utf8::Script::Latin;
}

bool has_capital(const Tokens& t, size_t i) {
  for (char c : t.raw(i)) {
    if (c >= 'A' && c <= 'Z') {
      return true;
    }
  }
  return false;
}

// Capital letters and digits glued together name a model: "S8", "X100",
// "4K", "iPhone15". Lowercase letters after digits are units ("5kg", "10k").
bool is_model_part(const Tokens& t, size_t i) {
  auto pairs = [&](size_t word, size_t number) {
    return t.is(word, TokenKind::Word) && t.is(number, TokenKind::Number) && has_capital(t, word);
  };
  const bool joined_before = i > 0 && t.glued(i) && (pairs(i - 1, i) || pairs(i, i - 1));
  const bool joined_after = t.glued(i + 1) && (pairs(i + 1, i) || pairs(i, i + 1));
  return joined_before || joined_after;
}

// Tokens that belong to a price or a discount code: never part of a name.
using Blocked = std::vector<char>;

bool in_price(const Blocked& blocked, size_t i) {
  return i < blocked.size() && blocked[i] != 0;
}

std::string render(const Tokens& t, size_t first, size_t last) {
  std::string out;
  for (size_t i = first; i <= last; ++i) {
    if (i > first && t[i].space_before) {
      out += ' ';
    }
    out += t.raw(i);
  }
  return out;
}

struct Span {
  size_t first;
  size_t last;
};

// Content words (and the connectors and model numbers between them) ending
// at `end`, walking back at most six tokens.
// `adjacent`: the phrase must touch `end` but for lead words (no emoji or
// punctuation between), as with a CTA that names what it sells.
std::optional<Span> phrase_before(const Tokens& t, size_t end, const Blocked& blocked, bool adjacent) {
  const uint32_t line = t[end].line;
  size_t i = end;
  // Skip what leads into the price: "for only", ":", "-", emoji.
  while (true) {
    if (t[i].line != line) {
      return std::nullopt;
    }
    const bool lead =
        (!adjacent && t.is(i, TokenKind::Emoji)) ||
        (!adjacent && t.is(i, TokenKind::Symbol) && any_of(t.raw(i), {":", "-", "–", "—", "=", "|", "@", "→", "："})) ||
        (t.is(i, TokenKind::Word) && (is_lead_word(t.lower(i)) || words::is_filler(t.lower(i))));
    // A short aside between the product and its price: "Mug set (4 pcs) for $32".
    if (!adjacent && t.is_symbol(i, ')')) {
      size_t open = i;
      while (open > 0 && i - open < 8 && !t.is_symbol(open, '(') && t[open].line == line) {
        --open;
      }
      if (t.is_symbol(open, '(') && open > 0) {
        i = open - 1;
        continue;
      }
    }
    if (!lead) {
      break;
    }
    if (i == 0) {
      return std::nullopt;
    }
    --i;
  }
  if (in_price(blocked, i) ||
      !(is_content_word(t, i) || is_model_part(t, i) ||
        (t.is(i, TokenKind::Number) && i > 0 && is_content_word(t, i - 1) && t[i - 1].line == line))) {
    return std::nullopt;
  }
  Span s{i, i};
  size_t taken = 1;
  while (s.first > 0 && taken < 6) {
    const size_t p = s.first - 1;
    if (t[p].line != line || in_price(blocked, p)) {
      break;
    }
    if (is_content_word(t, p) || is_model_part(t, p) ||
        (t.is(p, TokenKind::Number) && p > 0 && is_content_word(t, p - 1))) {
      s.first = p;
      ++taken;
      continue;
    }
    if (t.is(p, TokenKind::Word) && is_connector(t.lower(p)) && p > 0 && is_content_word(t, p - 1) &&
        t[p - 1].line == line) {
      s.first = p - 1;
      taken += 2;
      continue;
    }
    break;
  }
  return s;
}

std::optional<Span> phrase_after(const Tokens& t, size_t start, const Blocked& blocked) {
  size_t i = start;
  const uint32_t line = t[start].line;
  while (i < t.size() && t[i].line == line && t.is(i, TokenKind::Word) &&
         any_of(t.lower(i), {"this", "these", "the",   "my",    "our", "your",   "a",      "an",    "cái",    "này",
                             "este", "esta",  "estos", "estas", "ce",  "cette",  "ces",    "diese", "dieses", "diesen",
                             "ini",  "itu",   "o",     "os",    "as",  "el",     "la",     "los",   "las",    "le",
                             "les",  "der",   "die",   "das",   "den", "questo", "questa", "new",   "one"})) {
    ++i;
  }
  if (i >= t.size() || t[i].line != line || !is_content_word(t, i)) {
    return std::nullopt;
  }
  Span s{i, i};
  size_t taken = 1;
  while (s.last + 1 < t.size() && taken < 5) {
    const size_t n = s.last + 1;
    if (t[n].line != line || in_price(blocked, n)) {
      break;
    }
    if (is_content_word(t, n) || is_model_part(t, n) || (t.is(n, TokenKind::Number) && !in_price(blocked, n))) {
      s.last = n;
      ++taken;
      continue;
    }
    if (t.is(n, TokenKind::Word) && is_connector(t.lower(n)) && is_content_word(t, n + 1) && t[n + 1].line == line) {
      s.last = n + 1;
      taken += 2;
      continue;
    }
    break;
  }
  // A trailing number is a quantity or a year, not part of the name.
  while (s.last > s.first && t.is(s.last, TokenKind::Number)) {
    --s.last;
  }
  return s;
}

bool is_buying_verb(std::string_view lower) {
  return any_of(lower,
                {"buy",    "get",    "grab",    "order",  "shop",   "try",  "snag",  "cop", "beli",     "mua",
                 "compra", "compre", "achetez", "achète", "kaufen", "kauf", "pesan", "đặt", "acquista", "checkout"});
}

// A word that looks like part of a name: Capitalised, camelCase ("iPhone"),
// or a short all-caps brand ("JBL").
bool is_name_word(const Tokens& t, size_t i, const Blocked& blocked) {
  if (in_price(blocked, i)) {
    return false;
  }
  if (is_model_part(t, i)) {
    return true;
  }
  if (!is_content_word(t, i)) {
    return false;
  }
  const Token& tok = t[i];
  if (tok.all_upper) {
    return utf8::count(t.raw(i)) <= 4;
  }
  if (tok.capitalised) {
    return true;
  }
  const std::string_view raw = t.raw(i);
  for (size_t k = 1; k < raw.size(); ++k) {
    if (raw[k] >= 'A' && raw[k] <= 'Z') {
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<ProductMention> find_products(const Tokens& t, const std::vector<Price>& prices,
                                          const std::vector<DiscountCode>& codes, const std::vector<CallToAction>& ctas,
                                          size_t max_results) {
  Blocked blocked(t.size(), 0);
  for (const Price& p : prices) {
    std::fill(blocked.begin() + p.first_token, blocked.begin() + p.last_token + 1, 1);
  }
  for (const DiscountCode& c : codes) {
    std::fill(blocked.begin() + c.first_token, blocked.begin() + c.last_token + 1, 1);
  }
  struct Found {
    Span span;
    std::string_view source;
    double score;
  };
  std::vector<Found> found;
  for (const Price& p : prices) {
    if (p.kind != PriceKind::RangeHigh && p.first_token > 0) {
      if (auto s = phrase_before(t, p.first_token - 1, blocked, false)) {
        found.push_back({*s, "near_price", 0.7});
      }
    }
  }
  for (const CallToAction& c : ctas) {
    // Only CTAs that sell something, and only a phrase right before them
    // ("... the linen dress link in bio"); one word is as often a verb as a
    // product, so two or more.
    const bool sells = c.id == "link_in_bio" || c.id == "shop_now" || c.id == "order_now" || c.id == "yellow_basket" ||
                       c.id == "click_link";
    if (sells && c.first_token > 0) {
      if (auto s = phrase_before(t, c.first_token - 1, blocked, true); s && s->last > s->first) {
        found.push_back({*s, "near_cta", 0.5});
      }
    }
  }
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    if (t.is(i, TokenKind::Word) && is_buying_verb(t.lower(i))) {
      if (auto s = phrase_after(t, i + 1, blocked)) {
        found.push_back({*s, "after_verb", 0.6});
      }
    }
  }
  for (size_t i = 0; i < t.size();) {
    if (!is_name_word(t, i, blocked)) {
      ++i;
      continue;
    }
    size_t last = i;
    size_t names = 1;
    while (last + 1 < t.size() && t[last + 1].line == t[i].line &&
           (t[last + 1].space_before || is_model_part(t, last + 1))) {
      const size_t n = last + 1;
      if (is_name_word(t, n, blocked)) {
        ++names;
        last = n;
      } else if (t.is(n, TokenKind::Number) && !in_price(blocked, n) && t.raw(n).size() <= 3 && t.raw(n)[0] != '0') {
        last = n;  // "Air Max 90", "iPhone 15"
      } else {
        break;
      }
    }
    // One capitalised word starts every sentence; alone it names nothing.
    // With a model number it does when it is a brand-like "iPhone".
    const bool camel = !t[i].capitalised && !t[i].all_upper && has_capital(t, i);
    if (names >= 2 || (names == 1 && last > i && camel)) {
      found.push_back({{i, last}, "capitalised", 0.5});
    }
    i = last + 1;
  }

  std::vector<ProductMention> out;
  std::vector<std::string> keys;
  for (const Found& f : found) {
    std::string text = render(t, f.span.first, f.span.last);
    std::string key = utf8::folded(text);
    bool merged = false;
    for (size_t k = 0; k < out.size(); ++k) {
      if (keys[k] == key) {
        out[k].score = std::min(0.95, std::max(out[k].score, f.score) + 0.1);
        merged = true;
        break;
      }
    }
    if (!merged) {
      out.push_back({std::move(text), std::string(f.source), f.score});
      keys.push_back(std::move(key));
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ProductMention& a, const ProductMention& b) { return a.score > b.score; });
  if (out.size() > max_results) {
    out.resize(max_results);
  }
  for (ProductMention& m : out) {
    m.score = std::round(m.score * 100) / 100;
  }
  return out;
}

}  // namespace linkhub::ai
