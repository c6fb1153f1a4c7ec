#include "title.hpp"

#include "utf8.hpp"
#include "words.hpp"

#include <initializer_list>

namespace linkhub::ai {
namespace {

bool removed_kind(TokenKind k) {
  return k == TokenKind::Hashtag || k == TokenKind::Mention || k == TokenKind::Url || k == TokenKind::Emoji;
}

// Separators left dangling at either end once emoji and CTAs are gone.
constexpr std::string_view kSeparators[] = {" ", "-", "|", ":", ";", ",", "/",  "~",  "*",  "+",  "=", ">",
                                            "<", "_", "–", "—", "•", "·", "・", "｜", "：", "、", "，"};

bool is_separator(std::string_view symbol) {
  for (std::string_view sep : kSeparators) {
    if (symbol == sep) {
      return true;
    }
  }
  return symbol == "." || symbol == "!" || symbol == "?" || symbol == "(" || symbol == "[";
}

bool strip_suffix(std::string& s) {
  for (std::string_view sep : kSeparators) {
    if (s.size() >= sep.size() && s.compare(s.size() - sep.size(), sep.size(), sep) == 0) {
      s.resize(s.size() - sep.size());
      return true;
    }
  }
  // An opening bracket with nothing after it.
  if (!s.empty() && (s.back() == '(' || s.back() == '[' || s.back() == '{')) {
    s.pop_back();
    return true;
  }
  return false;
}

size_t leading_separator(std::string_view s) {
  for (std::string_view sep : kSeparators) {
    if (s.substr(0, sep.size()) == sep) {
      return sep.size();
    }
  }
  if (!s.empty() && (s[0] == ')' || s[0] == ']' || s[0] == '}' || s[0] == '!' || s[0] == '?' || s[0] == '.')) {
    return 1;
  }
  return 0;
}

void trim(std::string& s) {
  while (strip_suffix(s)) {
  }
  size_t start = 0;
  while (size_t n = leading_separator(std::string_view(s).substr(start))) {
    start += n;
  }
  s.erase(0, start);
}

bool any_of(std::string_view word, std::initializer_list<std::string_view> list) {
  for (std::string_view w : list) {
    if (w == word) {
      return true;
    }
  }
  return false;
}

// Words that only lead into the call to action that was cut after them:
// "available now, check link in bio" keeps "available now".
bool leads_into_cta(std::string_view lower) {
  return any_of(lower,
                {"check", "via",   "at",      "in",    "on",       "tap",     "click", "see",  "the",  "and",   "or",
                 "di",    "ở",     "en",      "na",    "no",       "dans",    "im",    "yuk",  "cek",  "klik",  "bấm",
                 "xem",   "to",    "for",     "with",  "here",     "now",     "just",  "go",   "ngay", "tại",   "và",
                 "e",     "y",     "et",      "und",   "ou",       "o",       "atau",  "hoặc", "use",  "enter", "apply",
                 "nhập",  "pakai", "gunakan", "usa",   "utilisez", "utilise", "mit",   "dem",  "avec", "le",    "el",
                 "com",   "con",   "plus",    "extra", "get",      "ganhe"});
}

struct Line {
  std::vector<size_t> kept;  // token indexes
  size_t words = 0;
  size_t content_words = 0;  // neither function words nor shop filler ("BACK IN STOCK" has none)
  size_t letters = 0;
};

// Where a clause ends: punctuation, a dash, or something taken out (emoji).
bool is_clause_break(const Tokens& t, size_t i) {
  if (removed_kind(t[i].kind)) {
    return true;
  }
  if (!t.is(i, TokenKind::Symbol)) {
    return false;
  }
  const std::string_view s = t.raw(i);
  return s == "." || s == "!" || s == "?" || s == "|" || s == "-" || s == ";" || s == ":" || s == "–" || s == "—" ||
         s == "•" || s == "。" || s == "！" || s == "？" || s == ",";
}

// A CTA often closes a clause that leads into it ("... love 🎁 Shop them in
// my storefront"): when the clause before the cut holds four words or fewer
// and no number (a price stays), the whole clause goes.
size_t clause_start(const Tokens& t, size_t from, size_t cut) {
  size_t words = 0;
  bool content_before = false;
  size_t i = cut;
  while (i > from) {
    --i;
    if (t.is(i, TokenKind::Number) && !(t.glued(i + 1) && t.is_symbol(i + 1, '%'))) {
      return cut;
    }
    if (is_clause_break(t, i)) {
      for (size_t k = from; k < i; ++k) {
        content_before = content_before || t.is(k, TokenKind::Word) || t.is(k, TokenKind::Number);
      }
      if (!content_before || words > 4) {
        return cut;
      }
      // The sentence's own "!" or "?" stays with it.
      const std::string_view s = t.raw(i);
      const bool ends_sentence = s == "!" || s == "?" || s == "！" || s == "？";
      return ends_sentence ? i + 1 : i;
    }
    if (t.is(i, TokenKind::Word)) {
      ++words;
    }
  }
  return cut;
}

Line build_line(const Tokens& t, size_t from, size_t to, const std::vector<TokenSpan>& ctas) {
  Line line;
  size_t cut = to;
  std::vector<char> dropped(to - from, 0);
  bool content_seen = false;
  size_t next_cta = 0;
  for (size_t i = from; i < to; ++i) {
    while (next_cta < ctas.size() && ctas[next_cta].first < i) {
      ++next_cta;
    }
    if (next_cta < ctas.size() && ctas[next_cta].first == i) {
      const TokenSpan& c = ctas[next_cta];
      if (content_seen) {
        cut = clause_start(t, from, i);  // the CTA ends the title
        break;
      }
      for (size_t k = i; k <= c.last && k < to; ++k) {
        dropped[k - from] = 1;  // a CTA that opens the line goes alone
      }
      i = c.last;
      continue;
    }
    if (t.is(i, TokenKind::Word) || t.is(i, TokenKind::Number)) {
      content_seen = true;
    }
  }
  for (size_t i = from; i < cut; ++i) {
    if (dropped[i - from] || removed_kind(t[i].kind)) {
      continue;
    }
    // Punctuation glued to something taken out goes with it: "Replying to @sam: yes".
    if (t.is(i, TokenKind::Symbol) && i > from && t.glued(i) && removed_kind(t[i - 1].kind) && is_clause_break(t, i)) {
      continue;
    }
    line.kept.push_back(i);
  }
  if (cut < to) {
    while (!line.kept.empty()) {
      const size_t last = line.kept.back();
      if (t.is(last, TokenKind::Word) && leads_into_cta(t.lower(last))) {
        line.kept.pop_back();
      } else if (t.is(last, TokenKind::Symbol) && is_separator(t.raw(last)) && t.raw(last) != "!" &&
                 t.raw(last) != "?") {
        line.kept.pop_back();  // "- tap the basket": the dash went with the CTA
      } else {
        break;
      }
    }
  }
  for (size_t i : line.kept) {
    if (t.is(i, TokenKind::Word)) {
      ++line.words;
      line.letters += utf8::count(t.raw(i));
      const std::string_view lower = t.lower(i);
      if (!words::is_stopword(lower) && !words::is_filler(lower)) {
        ++line.content_words;
      }
    }
  }
  return line;
}

std::string render(const Tokens& t, const Line& line) {
  std::string out;
  size_t previous = 0;
  for (size_t n = 0; n < line.kept.size(); ++n) {
    const size_t i = line.kept[n];
    if (n > 0) {
      // A space where the caption had one, or where something was taken out.
      if (t[i].space_before || i != previous + 1) {
        out += ' ';
      }
    }
    out += t.raw(i);
    previous = i;
  }
  return out;
}

}  // namespace

std::string clean_title(const Tokens& t, const std::vector<TokenSpan>& ctas, size_t max_chars) {
  // The first line with at least two words (or six letters of a script
  // written without spaces), one of them not filler, is the headline; else
  // the first line with anything left.
  std::string fallback;
  std::string title;
  size_t start = 0;
  while (start < t.size()) {
    size_t end = start;
    while (end < t.size() && t[end].line == t[start].line) {
      ++end;
    }
    const Line line = build_line(t, start, end, ctas);
    if (line.content_words > 0 && (line.words >= 2 || line.letters >= 6)) {
      title = render(t, line);
      trim(title);
      if (!title.empty()) {
        break;
      }
    }
    if (fallback.empty() && !line.kept.empty()) {
      fallback = render(t, line);
      trim(fallback);
    }
    start = end;
  }
  if (title.empty()) {
    title = std::move(fallback);
  }
  if (utf8::count(title) <= max_chars) {
    return title;
  }
  std::string_view cut = utf8::truncate(title, max_chars);
  // Cut on a word boundary unless the last space is far back (scripts
  // without spaces, one very long word).
  if (cut.size() < title.size() && title[cut.size()] != ' ') {
    const size_t space = cut.rfind(' ');
    if (space != std::string_view::npos && utf8::count(cut.substr(0, space)) >= max_chars / 2) {
      cut = cut.substr(0, space);
    }
  }
  std::string out(cut);
  trim(out);
  return out;
}

}  // namespace linkhub::ai
