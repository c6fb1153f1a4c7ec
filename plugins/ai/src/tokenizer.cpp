#include "tokenizer.hpp"

#include "utf8.hpp"

#include <unicode/brkiter.h>
#include <unicode/utext.h>

#include <array>
#include <memory>

namespace linkhub::ai {
namespace {

using utf8::decode;

bool ascii_alnum(char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

bool starts_with_ci(std::string_view s, size_t pos, std::string_view prefix) {
  if (s.size() - pos < prefix.size()) {
    return false;
  }
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[pos + i];
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c + 0x20);
    }
    if (c != prefix[i]) {
      return false;
    }
  }
  return true;
}

// Top-level domains that make "shop.example/x" a link without a scheme. Kept
// short: a false "domain" would eat a word, a missed one only stays a word.
constexpr std::array<std::string_view, 37> kTlds = {
    "com", "net", "org", "co",   "io",    "me",   "ly",  "gl",  "gg",   "ee",     "to", "vn", "id",
    "ph",  "my",  "sg",  "th",   "br",    "mx",   "es",  "fr",  "de",   "it",     "uk", "us", "in",
    "jp",  "cn",  "kr",  "shop", "store", "link", "bio", "app", "page", "online", "tv"};

// Length of trailing punctuation that belongs to the sentence, not the URL.
size_t trailing_punctuation(std::string_view run) {
  size_t n = 0;
  while (n < run.size()) {
    const char c = run[run.size() - 1 - n];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')' || c == ']' || c == '}' ||
        c == '"' || c == '\'') {
      ++n;
    } else {
      break;
    }
  }
  return n;
}

// Bytes of a URL starting at pos, or 0. A bare domain is only looked for at
// the start of a whitespace-separated run (`run_start`), so a long run is
// scanned once, not once per token inside it. Links are capped at 4 KiB,
// bare domains with their path at 256 bytes.
size_t url_length(std::string_view s, size_t pos, bool run_start) {
  const bool scheme = starts_with_ci(s, pos, "http://") || starts_with_ci(s, pos, "https://");
  const bool www = starts_with_ci(s, pos, "www.");
  if (!scheme && !www && !run_start) {
    return 0;
  }
  const size_t max_len = scheme || www ? 4096 : 256;
  size_t end = pos;
  while (end < s.size() && end - pos < max_len) {
    const unsigned char c = static_cast<unsigned char>(s[end]);
    if (c <= 0x20 || c == 0x7F) {
      break;
    }
    if (c >= 0x80) {
      const char32_t cp = decode(s, end).cp;
      if (utf8::is_space(cp) || utf8::is_emoji(cp)) {
        break;
      }
    }
    ++end;
  }
  const std::string_view run = s.substr(pos, end - pos);
  const size_t len = run.size() - trailing_punctuation(run);
  if (scheme) {
    return len > 8 ? len : 0;
  }
  if (www) {
    return len > 5 ? len : 0;
  }
  // A bare domain: ASCII labels separated by dots, the last a known TLD,
  // optionally followed by a path.
  size_t host_end = 0;
  while (host_end < len && (ascii_alnum(run[host_end]) || run[host_end] == '.' || run[host_end] == '-')) {
    ++host_end;
  }
  if (host_end < len && run[host_end] != '/') {
    return 0;
  }
  const std::string_view host = run.substr(0, host_end);
  const size_t dot = host.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || host.find("..") != std::string_view::npos) {
    return 0;
  }
  std::string tld(host.substr(dot + 1));
  for (char& c : tld) {
    c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 0x20 : c);
  }
  for (std::string_view known : kTlds) {
    if (tld == known) {
      return len;
    }
  }
  return 0;
}

bool is_hashtag_char(char32_t cp) {
  return cp == '_' || utf8::is_digit(cp) || utf8::is_letter_or_mark(cp);
}

bool is_word_char(char32_t cp) {
  return utf8::is_digit(cp) || utf8::is_letter_or_mark(cp) || cp == '_';
}

// Separators inside an amount when a digit follows: ASCII and full-width
// '.' ',', and the Arabic decimal and thousands separators (٫ ٬).
bool is_number_separator(char32_t cp) {
  return cp == '.' || cp == ',' || cp == 0x066B || cp == 0x066C || cp == 0xFF0C || cp == 0xFF0E;
}

// ICU's word break iterator for the root locale, which segments Thai, Lao,
// Khmer, Myanmar, Chinese and Japanese with its dictionaries. Creating one
// loads those rules and dictionaries: each thread clones a prototype once.
// Null when ICU cannot make one (the run then stays one word).
icu::BreakIterator* word_breaks() {
  static const std::unique_ptr<icu::BreakIterator> prototype = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> b(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    return U_SUCCESS(status) ? std::move(b) : nullptr;
  }();
  thread_local const std::unique_ptr<icu::BreakIterator> mine(prototype ? prototype->clone() : nullptr);
  return mine.get();
}

// Byte offsets (relative to `run`) where ICU ends the words of a run of
// letters; {run.size()} when it cannot segment it.
std::vector<size_t> word_ends(std::string_view run) {
  icu::BreakIterator* words = word_breaks();
  UErrorCode status = U_ZERO_ERROR;
  UText* text =
      words == nullptr ? nullptr : utext_openUTF8(nullptr, run.data(), static_cast<int64_t>(run.size()), &status);
  std::vector<size_t> ends;
  if (text != nullptr && U_SUCCESS(status)) {
    words->setText(text, status);
    if (U_SUCCESS(status)) {
      words->first();
      for (int32_t e = words->next(); e != icu::BreakIterator::DONE; e = words->next()) {
        ends.push_back(static_cast<size_t>(e));
      }
    }
  }
  if (text != nullptr) {
    utext_close(text);
  }
  if (ends.empty() || ends.back() != run.size()) {
    return {run.size()};
  }
  return ends;
}

}  // namespace

void Tokens::add_normalised(Token& t, std::string_view body) {
  t.lower_at = static_cast<uint32_t>(lower_.size());
  utf8::append_lower(lower_, body);
  t.lower_len = static_cast<uint32_t>(lower_.size() - t.lower_at);
  t.fold_at = static_cast<uint32_t>(fold_.size());
  utf8::append_folded(fold_, body);
  t.fold_len = static_cast<uint32_t>(fold_.size() - t.fold_at);
}

Tokens::Tokens(std::string_view text) : text_(text) {
  const std::string_view s = text;
  list_.reserve(s.size() / 4 + 4);
  lower_.reserve(s.size());
  fold_.reserve(s.size());
  bool space = true;
  uint32_t line = 0;
  char32_t previous = ' ';  // the code point before pos, for word-boundary checks
  size_t pos = 0;
  auto push = [&](TokenKind kind, size_t begin, size_t end, char32_t cp) -> Token& {
    Token t;
    t.kind = kind;
    t.begin = static_cast<uint32_t>(begin);
    t.end = static_cast<uint32_t>(end);
    t.cp = cp;
    t.space_before = space;
    t.line = line;
    list_.push_back(t);
    space = false;
    return list_.back();
  };
  while (pos < s.size()) {
    const utf8::Decoded d = decode(s, pos);
    const char32_t cp = d.cp;
    if (utf8::is_space(cp)) {
      // \r\n is one line break.
      if (utf8::is_line_break(cp) && !(cp == '\n' && pos > 0 && s[pos - 1] == '\r')) {
        ++line;
      }
      space = true;
      previous = cp;
      pos += d.len;
      continue;
    }
    const bool at_boundary = space || !is_word_char(previous);
    // URLs first: they contain everything else.
    if (at_boundary && cp < 0x80 && ascii_alnum(static_cast<char>(cp))) {
      const bool run_start = space || previous == '(' || previous == '[' || previous == '<' || previous == '"' ||
                             previous == '\'' || previous == 0x201C;
      if (const size_t n = url_length(s, pos, run_start); n > 0) {
        push(TokenKind::Url, pos, pos + n, cp);
        previous = static_cast<unsigned char>(s[pos + n - 1]);
        pos += n;
        continue;
      }
    }
    if (cp == '#' || cp == 0xFF03) {
      const bool after_hashtag = !list_.empty() && list_.back().kind == TokenKind::Hashtag && !space;
      if (at_boundary || after_hashtag) {
        size_t end = pos + d.len;
        bool has_letter = false;
        while (end < s.size()) {
          const utf8::Decoded n = decode(s, end);
          if (!is_hashtag_char(n.cp)) {
            break;
          }
          has_letter = has_letter || n.cp == '_' || utf8::is_letter_or_mark(n.cp);
          end += n.len;
        }
        if (has_letter) {
          Token& t = push(TokenKind::Hashtag, pos, end, cp);
          add_normalised(t, s.substr(pos + d.len, end - pos - d.len));
          previous = 'a';
          pos = end;
          continue;
        }
      }
    }
    if ((cp == '@' || cp == 0xFF20) && at_boundary && previous != '.') {
      size_t end = pos + d.len;
      while (end < s.size() && (ascii_alnum(s[end]) || s[end] == '_' || s[end] == '.')) {
        ++end;
      }
      while (end > pos + d.len && s[end - 1] == '.') {
        --end;
      }
      if (end > pos + d.len) {
        Token& t = push(TokenKind::Mention, pos, end, cp);
        add_normalised(t, s.substr(pos + d.len, end - pos - d.len));
        previous = 'a';
        pos = end;
        continue;
      }
    }
    if (utf8::is_ascii_digit(cp) || cp == '#' || cp == '*') {
      // Keycap emoji: a digit, # or * followed by VS16 (optional) and U+20E3.
      size_t k = pos + 1;
      if (k + 3 <= s.size() && s.compare(k, 3, "\xEF\xB8\x8F") == 0) {
        k += 3;
      }
      if (k + 3 <= s.size() && s.compare(k, 3, "\xE2\x83\xA3") == 0) {
        push(TokenKind::Emoji, pos, k + 3, 0x20E3);
        previous = 0x20E3;
        pos = k + 3;
        continue;
      }
    }
    if (utf8::is_digit(cp)) {
      // Digits of any script: "299", "๒๙๙", "٩٩", "४९९", "１９８０".
      auto digit_at = [&](size_t at) -> uint32_t {
        if (at >= s.size()) {
          return 0;
        }
        const utf8::Decoded n = decode(s, at);
        return utf8::is_digit(n.cp) ? n.len : 0;
      };
      size_t end = pos + d.len;
      while (end < s.size()) {
        if (const uint32_t len = digit_at(end); len > 0) {
          end += len;
          continue;
        }
        const utf8::Decoded n = decode(s, end);
        if (is_number_separator(n.cp) && digit_at(end + n.len) > 0) {
          end += n.len;
          continue;
        }
        // No-break and thin spaces group thousands ("1 299,00"): only when
        // exactly three digits follow.
        if (n.cp == 0xA0 || n.cp == 0x202F || n.cp == 0x2009) {
          size_t g = end + n.len;
          int digits = 0;
          while (digits < 4) {
            const uint32_t len = digit_at(g);
            if (len == 0) {
              break;
            }
            g += len;
            ++digits;
          }
          if (digits == 3) {
            end = g;
            continue;
          }
        }
        break;
      }
      push(TokenKind::Number, pos, end, cp);
      previous = '0';
      pos = end;
      continue;
    }
    if (utf8::is_letter_or_mark(cp)) {
      size_t end = pos + d.len;
      bool dictionary = utf8::needs_dictionary_breaks(cp);
      char32_t last = cp;
      while (end < s.size()) {
        const utf8::Decoded n = decode(s, end);
        if (utf8::is_letter_or_mark(n.cp)) {
          dictionary = dictionary || utf8::needs_dictionary_breaks(n.cp);
          last = n.cp;
          end += n.len;
          continue;
        }
        // Apostrophes and hyphens stay inside a word when letters surround them.
        // So does the full stop of a one-letter Arabic abbreviation ("ر.س").
        const bool abbreviation = n.cp == '.' && end - pos == 2 && utf8::script_of(last) == utf8::Script::Arabic;
        const bool joiner =
            n.cp == '\'' || n.cp == 0x2019 || n.cp == '-' || n.cp == 0x2010 || n.cp == 0x2011 || abbreviation;
        if (joiner && end + n.len < s.size() && utf8::is_letter_or_mark(last)) {
          const utf8::Decoded after = decode(s, end + n.len);
          if (utf8::is_letter_or_mark(after.cp) &&
              (!abbreviation || utf8::script_of(after.cp) == utf8::Script::Arabic)) {
            end += n.len;
            last = n.cp;
            continue;
          }
        }
        break;
      }
      // Thai, Chinese and Japanese do not put spaces between words: ICU's
      // dictionaries find them ("สั่งเลย" -> "สั่ง" "เลย").
      const std::vector<size_t> ends =
          dictionary ? word_ends(s.substr(pos, end - pos)) : std::vector<size_t>{end - pos};
      size_t begin = pos;
      for (const size_t e : ends) {
        const std::string_view word = s.substr(begin, pos + e - begin);
        bool upper = false;
        bool lower = false;
        for (size_t i = 0; i < word.size();) {
          const utf8::Decoded n = decode(word, i);
          upper = upper || utf8::is_upper(n.cp);
          lower = lower || utf8::is_lower(n.cp);
          i += n.len;
        }
        Token& t = push(TokenKind::Word, begin, pos + e, decode(word, 0).cp);
        t.all_upper = upper && !lower;
        t.capitalised = utf8::is_upper(t.cp);
        add_normalised(t, word);
        begin = pos + e;
      }
      previous = 'a';
      pos = end;
      continue;
    }
    push(utf8::is_emoji(cp) ? TokenKind::Emoji : TokenKind::Symbol, pos, pos + d.len, cp);
    previous = cp;
    pos += d.len;
  }
}

}  // namespace linkhub::ai
