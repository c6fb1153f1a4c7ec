#include "prices.hpp"

#include "currencies.hpp"
#include "numbers.hpp"
#include "utf8.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <map>
#include <optional>

namespace linkhub::ai {
namespace {

struct Multiplier {
  int exponent = 0;
  std::string_view implied;  // the currency the word itself implies ("rb" -> IDR)
  double confidence = 0;
  bool bare_k = false;  // "k": the currency must come from context
};

// A word right after an amount that multiplies it. "k" must be glued ("59k");
// the Indonesian and Vietnamese words may stand apart ("150 rb").
std::optional<Multiplier> multiplier_word(std::string_view lower, bool glued) {
  if (glued && lower == "k") {
    return Multiplier{3, "", 0, true};
  }
  if (lower == "rb" || lower == "ribu") {
    return Multiplier{3, "IDR", 0.85, false};
  }
  if (lower == "jt" || lower == "juta") {
    return Multiplier{6, "IDR", 0.85, false};
  }
  if (lower == "triệu" || lower == "trieu" || (glued && lower == "tr")) {
    return Multiplier{6, "VND", 0.85, false};
  }
  if (lower == "nghìn" || lower == "ngàn" || lower == "nghin" || lower == "ngan") {
    return Multiplier{3, "VND", 0.8, false};
  }
  return std::nullopt;
}

struct Mark {
  const CurrencyMark* currency = nullptr;
  size_t token = 0;  // first token of a prefix, last token of a suffix
};

bool is_number_like(const Tokens& t, size_t i) {
  return t.is(i, TokenKind::Number) ||
         (t.is(i, TokenKind::Word) && multiplier_word(t.lower(i), t.glued(i)).has_value() && i > 0 &&
          t.is(i - 1, TokenKind::Number));
}

// Currency words written with a CJK or Thai sign often run into the next
// word ("1280円です").
const CurrencyMark* leading_currency_word(const Tokens& t, size_t i) {
  static constexpr std::string_view kLeading[] = {"円", "元", "块", "원", "บาท"};
  const std::string_view lower = t.lower(i);
  for (std::string_view sign : kLeading) {
    if (lower.size() > sign.size() && lower.substr(0, sign.size()) == sign) {
      const CurrencyMark* m = currency_word(sign, sign);
      return m != nullptr && (m->flags & kLeadingCjk) ? m : nullptr;
    }
  }
  return nullptr;
}

const CurrencyMark* word_currency(const Tokens& t, size_t i, unsigned position) {
  if (!t.is(i, TokenKind::Word)) {
    return nullptr;
  }
  const CurrencyMark* m = currency_word(t.raw(i), t.lower(i));
  if (m == nullptr && position == kSuffix && t.glued(i)) {
    m = leading_currency_word(t, i);
  }
  return m != nullptr && (m->flags & position) ? m : nullptr;
}

std::optional<Mark> prefix_mark(const Tokens& t, size_t number) {
  if (number == 0) {
    return std::nullopt;
  }
  const size_t p = number - 1;
  if (t[p].line != t[number].line) {
    return std::nullopt;
  }
  // A sign glued to the amount before it and apart from ours is that
  // amount's suffix: "10$ 20$".
  const bool belongs_before = t[number].space_before && t.glued(p) && p > 0 && is_number_like(t, p - 1);
  if (t.is(p, TokenKind::Symbol)) {
    if (const CurrencyMark* m = currency_symbol(t[p].cp); m != nullptr && (m->flags & kPrefix) && !belongs_before) {
      if ((m->flags & kDollarSign) && t.glued(p) && t.is(p - 1, TokenKind::Word) && p > 0) {
        if (const CurrencyMark* d = dollar_prefix(t.raw(p - 1)); d != nullptr) {
          return Mark{d, p - 1};
        }
      }
      return Mark{m, p};
    }
    // "Rp. 150.000", "Rs.499"
    if (t[p].cp == '.' && p > 0 && t.glued(p)) {
      if (const CurrencyMark* m = word_currency(t, p - 1, kPrefix); m != nullptr) {
        return Mark{m, p - 1};
      }
    }
    return std::nullopt;
  }
  if (const CurrencyMark* m = word_currency(t, p, kPrefix); m != nullptr && !belongs_before) {
    return Mark{m, p};
  }
  return std::nullopt;
}

std::optional<Mark> suffix_mark(const Tokens& t, size_t s) {
  if (s >= t.size() || t[s].line != t[s - 1].line) {
    return std::nullopt;
  }
  // A mark apart from us and glued to the next amount is that amount's prefix.
  const bool belongs_after = t[s].space_before && t.glued(s + 1) && t.is(s + 1, TokenKind::Number);
  if (belongs_after) {
    return std::nullopt;
  }
  if (t.is(s, TokenKind::Symbol)) {
    if (const CurrencyMark* m = currency_symbol(t[s].cp); m != nullptr && (m->flags & kSuffix)) {
      return Mark{m, s};
    }
    return std::nullopt;
  }
  if (const CurrencyMark* m = word_currency(t, s, kSuffix); m != nullptr) {
    return Mark{m, s};
  }
  return std::nullopt;
}

bool any_of(std::string_view word, std::initializer_list<std::string_view> list) {
  for (std::string_view w : list) {
    if (w == word) {
      return true;
    }
  }
  return false;
}

// Words between a cue and its amount that change nothing ("price: only 99k").
bool is_soft_word(std::string_view lower) {
  return any_of(lower,
                {"only", "just", "now",       "chỉ", "chi", "còn", "con",  "cuma", "hanya", "solo", "sólo", "apenas",
                 "só",   "nur",  "seulement", "is",  "at",  "for", "sale", "là",   "la",    "es",   "é",    "ist"});
}

// "Price 150.000", "giá 150.000", "harga: 150.000": a bare amount after one
// of these is a price even without a currency mark.
bool has_price_cue_before(const Tokens& t, size_t first) {
  size_t i = first;
  int soft = 0;
  while (i > 0) {
    --i;
    if (t[i].line != t[first].line) {
      return false;
    }
    if (t.is(i, TokenKind::Symbol) && (t[i].cp == ':' || t[i].cp == '-' || t[i].cp == '=' || t[i].cp == 0xFF1A)) {
      continue;
    }
    if (t.is(i, TokenKind::Emoji)) {
      continue;
    }
    if (!t.is(i, TokenKind::Word)) {
      return false;
    }
    const std::string_view w = t.lower(i);
    if (any_of(w, {"price", "prices", "giá", "gia", "harga", "precio", "preço", "preco", "prix", "preis", "prezzo",
                   "ราคา", "价格", "價格", "価格"})) {
      return true;
    }
    // CJK runs carry no spaces: "特价" or "限定価格" end with the cue.
    for (std::string_view cjk : {"价", "價", "価格"}) {
      if (w.size() > cjk.size() && w.substr(w.size() - cjk.size()) == cjk) {
        return true;
      }
    }
    if (!is_soft_word(w) || ++soft > 2) {
      return false;
    }
  }
  return false;
}

// "10k followers", "2k sold": a shorthand number that counts something else.
bool counts_something_else(const Tokens& t, size_t after) {
  if (!t.is(after, TokenKind::Word) || t[after].line != t[after - 1].line) {
    return false;
  }
  return any_of(t.lower(after), {"followers",   "follower",   "views",    "view",    "likes",   "like",  "subs",
                                 "subscribers", "people",     "sold",     "orders",  "reviews", "steps", "fans",
                                 "members",     "miles",      "km",       "người",   "lượt",    "đơn",   "terjual",
                                 "pengikut",    "seguidores", "vistas",   "abonnés", "units",   "pcs",   "items",
                                 "users",       "downloads",  "comments", "shares",  "tv",      "video", "videos",
                                 "uhd",         "hdr",        "display",  "monitor", "screen",  "camera"});
}

struct Phrase {
  std::initializer_list<std::string_view> words;
  PriceKind kind;
};

// Bounds written before an amount. Longest phrases first within each kind.
const Phrase kBounds[] = {
    {{"no", "more", "than"}, PriceKind::Max},
    {{"less", "than"}, PriceKind::Max},
    {{"at", "most"}, PriceKind::Max},
    {{"up", "to"}, PriceKind::Max},
    {{"under"}, PriceKind::Max},
    {{"below"}, PriceKind::Max},
    {{"max"}, PriceKind::Max},
    {{"maximum"}, PriceKind::Max},
    {{"dưới"}, PriceKind::Max},
    {{"tối", "đa"}, PriceKind::Max},
    {{"di", "bawah"}, PriceKind::Max},
    {{"dibawah"}, PriceKind::Max},
    {{"kurang", "dari"}, PriceKind::Max},
    {{"maksimal"}, PriceKind::Max},
    {{"maks"}, PriceKind::Max},
    {{"por", "menos", "de"}, PriceKind::Max},
    {{"menos", "de"}, PriceKind::Max},
    {{"abaixo", "de"}, PriceKind::Max},
    {{"até"}, PriceKind::Max},
    {{"hasta"}, PriceKind::Max},
    {{"moins", "de"}, PriceKind::Max},
    {{"unter"}, PriceKind::Max},
    {{"bis", "zu"}, PriceKind::Max},
    {{"meno", "di"}, PriceKind::Max},
    {{"starting", "at"}, PriceKind::Min},
    {{"starting", "from"}, PriceKind::Min},
    {{"starts", "at"}, PriceKind::Min},
    {{"from"}, PriceKind::Min},
    {{"từ"}, PriceKind::Min},
    {{"mulai", "dari"}, PriceKind::Min},
    {{"mulai"}, PriceKind::Min},
    {{"desde"}, PriceKind::Min},
    {{"a", "partir", "de"}, PriceKind::Min},
    {{"à", "partir", "de"}, PriceKind::Min},
    {{"dès"}, PriceKind::Min},
    {{"ab"}, PriceKind::Min},
    {{"a", "partire", "da"}, PriceKind::Min},
    {{"at", "least"}, PriceKind::Min},
    {{"more", "than"}, PriceKind::Min},
    {{"over"}, PriceKind::Min},
    {{"above"}, PriceKind::Min},
    {{"trên"}, PriceKind::Min},
};

std::optional<PriceKind> bound_before(const Tokens& t, size_t first) {
  // Skip soft words ("under just $20", "từ chỉ 99k").
  size_t end = first;
  while (end > 0 && t.is(end - 1, TokenKind::Word) && t[end - 1].line == t[first].line &&
         any_of(t.lower(end - 1), {"only", "just", "chỉ", "cuma", "hanya", "solo", "apenas", "nur", "seulement"})) {
    --end;
  }
  for (const Phrase& p : kBounds) {
    const size_t n = p.words.size();
    if (end < n) {
      continue;
    }
    size_t i = end - n;
    bool match = true;
    for (std::string_view w : p.words) {
      if (!t.is(i, TokenKind::Word) || t[i].line != t[first].line || t.lower(i) != w) {
        match = false;
        break;
      }
      ++i;
    }
    if (match) {
      return p.kind;
    }
  }
  return std::nullopt;
}

bool is_range_connector(const Tokens& t, size_t from, size_t to) {
  if (to == from + 1) {
    if (t.is(from, TokenKind::Symbol)) {
      const char32_t c = t[from].cp;
      return c == '-' || c == 0x2013 || c == 0x2014 || c == '~' || c == 0xFF5E || c == 0x301C;
    }
    return t.is(from, TokenKind::Word) && any_of(t.lower(from), {"to", "đến", "tới", "den", "toi", "sampai", "hingga",
                                                                 "bis", "à", "a", "até", "ate", "hasta", "al"});
  }
  // "s/d" (sampai dengan)
  return to == from + 3 && t.is_word(from, "s") && t.is_symbol(from + 1, '/') && t.is_word(from + 2, "d");
}

struct Candidate {
  size_t first = 0;
  size_t last = 0;
  std::string decimal;
  int exponent = 0;
  bool bare_k = false;
  std::string_view implied;
  double implied_confidence = 0;
  const CurrencyMark* mark = nullptr;
  bool cue = false;
  bool counts = false;  // followed by "followers", "sold", ...
  PriceKind kind = PriceKind::Exact;
  bool linked = false;

  bool priced() const { return mark != nullptr || exponent != 0 || !implied.empty(); }
  double value() const { return scale_amount(decimal, exponent); }
};

// Three digits, optionally with one or two decimals: the tail of "1 299,00".
bool is_thousands_tail(std::string_view s) {
  if (s.size() < 3 || !utf8::is_ascii_digit(s[0]) || !utf8::is_ascii_digit(s[1]) || !utf8::is_ascii_digit(s[2])) {
    return false;
  }
  if (s.size() == 3) {
    return true;
  }
  if ((s[3] != ',' && s[3] != '.') || s.size() < 5 || s.size() > 6) {
    return false;
  }
  for (size_t i = 4; i < s.size(); ++i) {
    if (!utf8::is_ascii_digit(s[i])) {
      return false;
    }
  }
  return true;
}

bool glued_blocker_before(const Tokens& t, size_t i) {
  if (!t.glued(i)) {
    return false;
  }
  const size_t p = i - 1;
  if (t.is(p, TokenKind::Word)) {
    // "SAVE20", "x2", "Top1"; not "Rp150", nor a word of a script written
    // without spaces ("仅需99元", "ราคา299บาท").
    return word_currency(t, p, kPrefix) == nullptr && !utf8::needs_dictionary_breaks(t[p].cp);
  }
  if (t.is(p, TokenKind::Symbol)) {
    switch (t[p].cp) {
      case '/':
      case ':':
      case '+':
      case '#':
      case ',':
      case '@':
      case '&':
      case '_':
      case 0xD7:  // ×
        return true;
      case '.':
        return !(p > 0 && t.glued(p) && word_currency(t, p - 1, kPrefix) != nullptr);
      default:
        return false;
    }
  }
  return t.is(p, TokenKind::Number) || t.is(p, TokenKind::Hashtag) || t.is(p, TokenKind::Mention);
}

bool glued_blocker_after(const Tokens& t, size_t i) {
  const size_t n = i + 1;
  if (!t.glued(n)) {
    return false;
  }
  if (t.is(n, TokenKind::Symbol)) {
    const char32_t c = t[n].cp;
    if (c == '%' || c == 0xFF05 || c == 0x2030) {
      return true;
    }
    // "12/25", "10:30", "2×3", "1x2"
    if ((c == '/' || c == ':' || c == 0xD7) && t.glued(n + 1) && t.is(n + 1, TokenKind::Number)) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view kind_name(PriceKind kind) {
  switch (kind) {
    case PriceKind::Exact:
      return "exact";
    case PriceKind::RangeLow:
      return "range_low";
    case PriceKind::RangeHigh:
      return "range_high";
    case PriceKind::Max:
      return "max";
    case PriceKind::Min:
      return "min";
  }
  return "exact";
}

std::vector<Price> find_prices(const Tokens& t, const PriceContext& context) {
  std::vector<Candidate> candidates;
  size_t skip_until = 0;  // tokens already taken by a previous candidate
  for (size_t i = 0; i < t.size(); ++i) {
    if (i < skip_until || !t.is(i, TokenKind::Number)) {
      continue;
    }
    if (glued_blocker_before(t, i) || glued_blocker_after(t, i)) {
      continue;
    }
    std::optional<std::string> amount = parse_amount(t.raw(i));
    if (!amount) {
      continue;
    }
    Candidate c;
    c.first = i;
    c.last = i;
    c.decimal = std::move(*amount);

    // "1 299 zł", "1 299,00 €": a space groups thousands when a currency follows.
    const std::string_view head = t.raw(i);
    if (head.size() <= 3 && head.find_first_of(".,") == std::string_view::npos && head[0] != '0' &&
        t.is(i + 1, TokenKind::Number) && t[i + 1].line == t[i].line && !t.glued(i + 1) &&
        is_thousands_tail(t.raw(i + 1)) && suffix_mark(t, i + 2)) {
      if (auto joined = parse_amount(std::string(head) + "\xC2\xA0" + std::string(t.raw(i + 1))); joined) {
        c.decimal = std::move(*joined);
        c.last = i + 1;
      }
    }

    size_t s = c.last + 1;
    const CurrencyMark* glued_code = nullptr;  // "59kđ"
    if (t.is(s, TokenKind::Word) && t[s].line == t[i].line) {
      const std::string_view w = t.lower(s);
      if (auto m = multiplier_word(w, t.glued(s)); m) {
        c.exponent = m->exponent;
        c.bare_k = m->bare_k;
        c.implied = m->implied;
        c.implied_confidence = m->confidence;
        c.last = s++;
        // "1tr2" is 1.2 million dong.
        if (w == "tr" && c.decimal.find('.') == std::string::npos && t.is(s, TokenKind::Number) && t.glued(s) &&
            t.raw(s).size() <= 3 && t.raw(s).find_first_of(".,") == std::string_view::npos) {
          c.decimal += '.';
          c.decimal += t.raw(s);
          c.last = s++;
        }
      } else if (t.glued(s) && w.size() > 1 && w[0] == 'k' &&
                 (glued_code = currency_word(t.raw(s).substr(1), w.substr(1))) != nullptr &&
                 (glued_code->flags & kSuffix)) {
        c.exponent = 3;
        c.last = s++;
      } else if (t.glued(s) && word_currency(t, s, kSuffix) == nullptr) {
        continue;  // a unit: "5kg", "100ml", "3pcs", "2nd"
      }
    }
    c.counts = c.bare_k && counts_something_else(t, s);

    if (auto pm = prefix_mark(t, i); pm && pm->token >= skip_until) {
      c.mark = pm->currency;
      c.first = pm->token;
    }
    if (glued_code != nullptr) {
      c.mark = glued_code;
    } else if (auto sm = suffix_mark(t, s); sm) {
      const bool sign = c.mark != nullptr && (c.mark->flags & (kDollarSign | kYenSign));
      if (c.mark == nullptr || sign || c.mark->code == sm->currency->code) {
        // "$20 USD", "$20 SGD": the code says which dollar.
        if (c.mark == nullptr || !(sm->currency->flags & (kDollarSign | kYenSign))) {
          c.mark = sm->currency;
        }
        c.last = sm->token;
      }
    }
    if (c.mark == nullptr) {
      c.cue = has_price_cue_before(t, c.first);
    }
    skip_until = c.last + 1;
    candidates.push_back(std::move(c));
  }

  // Ranges: two amounts joined by a dash or "to", at least one of them priced.
  for (size_t k = 0; k + 1 < candidates.size(); ++k) {
    Candidate& a = candidates[k];
    Candidate& b = candidates[k + 1];
    if (a.linked || t[a.last].line != t[b.first].line || b.first <= a.last + 1 ||
        !is_range_connector(t, a.last + 1, b.first)) {
      continue;
    }
    if (!a.priced() && !b.priced()) {
      continue;
    }
    if (a.mark != nullptr && b.mark != nullptr && a.mark->code != b.mark->code) {
      continue;
    }
    const Candidate a_before = a;
    const Candidate b_before = b;
    // "99-150k": the multiplier written once applies to both ends.
    if (a.exponent == 0 && b.exponent != 0 && scale_amount(a.decimal, 0) < scale_amount(b.decimal, 0)) {
      a.exponent = b.exponent;
      a.bare_k = b.bare_k;
      a.implied = b.implied;
      a.implied_confidence = b.implied_confidence;
    } else if (b.exponent == 0 && a.exponent != 0 && b.mark == nullptr &&
               scale_amount(b.decimal, 0) > scale_amount(a.decimal, 0) && scale_amount(b.decimal, 0) < 1000) {
      b.exponent = a.exponent;
      b.bare_k = a.bare_k;
      b.implied = a.implied;
      b.implied_confidence = a.implied_confidence;
    }
    if (a.value() >= b.value()) {
      a = a_before;
      b = b_before;
      continue;
    }
    if (a.mark == nullptr) {
      a.mark = b.mark;
    }
    if (b.mark == nullptr) {
      b.mark = a.mark;
    }
    a.kind = PriceKind::RangeLow;
    b.kind = PriceKind::RangeHigh;
    a.linked = b.linked = true;
  }

  // The currency most explicit prices use lends itself to shorthand ones.
  std::map<std::string_view, int> explicit_codes;
  for (const Candidate& c : candidates) {
    if (c.mark != nullptr && !(c.mark->flags & (kDollarSign | kYenSign | kNeedsHint))) {
      ++explicit_codes[c.mark->code];
    }
  }
  std::string_view dominant;
  int most = 0;
  for (const auto& [code, n] : explicit_codes) {
    if (n > most) {
      dominant = code;
      most = n;
    }
  }
  const std::string_view hint = context.default_currency;
  const std::string_view lang = context.language;

  std::vector<Price> prices;
  for (const Candidate& c : candidates) {
    std::string_view code;
    double confidence = 0;
    if (c.mark != nullptr) {
      code = c.mark->code;
      confidence = c.mark->confidence;
      if (c.mark->flags & kDollarSign) {
        if (uses_dollar_sign(hint)) {
          code = hint;
          confidence = 0.85;
        } else if (lang == "es" || lang == "pt") {
          confidence = 0.7;  // Latin American pesos are written with "$" too
        }
      } else if (c.mark->flags & kYenSign) {
        if (hint == "CNY" || lang == "zh") {
          code = "CNY";
        } else if (lang == "ja") {
          confidence = 0.9;
        }
      } else if (c.mark->flags & kNeedsHint) {
        if (!uses_krona_sign(hint)) {
          continue;
        }
        code = hint;
        confidence = 0.85;
      }
      if (c.exponent != 0) {
        confidence -= 0.05;  // shorthand is read right almost always, not always
      }
    } else if (!c.implied.empty()) {
      code = c.implied;
      confidence = c.implied_confidence + (hint == c.implied ? 0.05 : 0);
    } else if ((c.bare_k && !c.counts) || c.cue) {
      double base = c.bare_k ? 0.6 : 0.5;
      if (c.bare_k && c.cue) {
        base += 0.1;
      }
      if (!hint.empty()) {
        code = hint;
      } else if (!dominant.empty() && (c.cue || dominant == "VND" || dominant == "IDR")) {
        // Outside Vietnam and Indonesia a bare "4K" is rarely money.
        code = dominant;
      } else if (lang == "vi") {
        code = "VND";
        base -= 0.05;
      } else if (lang == "id") {
        code = "IDR";
        base -= 0.05;
      } else if (lang == "th") {
        code = "THB";
        base -= 0.1;
      } else {
        continue;
      }
      confidence = base;
    } else {
      continue;
    }
    const double amount = c.value();
    if (!std::isfinite(amount) || amount < 0 || amount > 1e12) {
      continue;
    }
    Price p;
    p.amount = amount;
    p.currency = std::string(code);
    p.text = std::string(t.text().substr(t[c.first].begin, t[c.last].end - t[c.first].begin));
    p.kind = c.kind;
    if (p.kind == PriceKind::Exact) {
      p.kind = bound_before(t, c.first).value_or(PriceKind::Exact);
    }
    p.confidence = std::round(std::clamp(confidence, 0.0, 1.0) * 100) / 100;
    p.first_token = c.first;
    p.last_token = c.last;
    prices.push_back(std::move(p));
  }
  return prices;
}

}  // namespace linkhub::ai
