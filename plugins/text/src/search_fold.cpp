#include <linkhub/text/search_fold.hpp>

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

#include <memory>
#include <stdexcept>
#include <unordered_map>

namespace linkhub::text {
namespace {

const icu::Normalizer2& normalizer(UNormalization2Mode mode, const char* name) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getInstance(nullptr, name, mode, status);
  if (U_FAILURE(status) || n == nullptr) {
    throw std::runtime_error(std::string("text: ICU has no ") + name + " normaliser: " + u_errorName(status));
  }
  return *n;
}

// ICU's normalisers are process-wide singletons: looked up once.
const icu::Normalizer2& nfkc_casefold() {
  static const icu::Normalizer2& n = normalizer(UNORM2_COMPOSE, "nfkc_cf");
  return n;
}
const icu::Normalizer2& nfd() {
  static const icu::Normalizer2& n = normalizer(UNORM2_DECOMPOSE, "nfc");
  return n;
}
const icu::Normalizer2& nfc() {
  static const icu::Normalizer2& n = normalizer(UNORM2_COMPOSE, "nfc");
  return n;
}

// Latin letters that keep no diacritic to drop (đ, ł, ø, æ ...) spelled in
// ASCII by ICU's Latin-ASCII transliterator. A transliterator is costly to
// create and not thread-safe: each thread clones the prototype once and
// remembers the letters it has spelled.
const icu::UnicodeString& latin_ascii(UChar32 c) {
  static const std::unique_ptr<icu::Transliterator> prototype = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance("Latin-ASCII", UTRANS_FORWARD, status));
    if (U_FAILURE(status) || t == nullptr) {
      throw std::runtime_error(std::string("text: ICU has no Latin-ASCII transliterator: ") + u_errorName(status));
    }
    return t;
  }();
  thread_local const std::unique_ptr<icu::Transliterator> mine(prototype->clone());
  thread_local std::unordered_map<UChar32, icu::UnicodeString> spelled;
  auto it = spelled.find(c);
  if (it == spelled.end()) {
    icu::UnicodeString s(c);
    mine->transliterate(s);
    s.toLower(icu::Locale::getRoot());  // it spells some small capitals in capitals (ɶ -> OE)
    it = spelled.emplace(c, std::move(s)).first;
  }
  return it->second;
}

// One word break iterator per thread (not thread-safe), cloned from one
// prototype (costly to build: it loads the dictionaries).
icu::BreakIterator& word_breaks() {
  static const std::unique_ptr<icu::BreakIterator> prototype = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> b(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status) || b == nullptr) {
      throw std::runtime_error(std::string("text: ICU has no word break iterator: ") + u_errorName(status));
    }
    return b;
  }();
  thread_local const std::unique_ptr<icu::BreakIterator> mine(prototype->clone());
  return *mine;
}

bool is_mark(UChar32 c) {
  return (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0;
}

icu::UnicodeString from_utf8(std::string_view text) {
  return icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
}

// NFKC with case folding, then the canonical decomposition without the marks
// of Latin and Greek letters, Latin letters spelled in ASCII, composed again.
icu::UnicodeString folded(const icu::UnicodeString& source) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString decomposed = nfd().normalize(nfkc_casefold().normalize(source, status), status);
  if (U_FAILURE(status)) {
    icu::UnicodeString lower(source);
    return lower.toLower(icu::Locale::getRoot());
  }
  icu::UnicodeString kept;
  bool strips_marks = false;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (is_mark(c)) {
      if (!strips_marks) {
        kept.append(c);
      }
      continue;
    }
    UErrorCode script_status = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(c, &script_status);
    strips_marks = script == USCRIPT_LATIN || script == USCRIPT_GREEK;
    if (c >= 0x80 && script == USCRIPT_LATIN) {
      kept.append(latin_ascii(c));
    } else {
      kept.append(c);
    }
  }
  status = U_ZERO_ERROR;
  icu::UnicodeString composed = nfc().normalize(kept, status);
  return U_FAILURE(status) ? kept : composed;
}

bool ascii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return false;
    }
  }
  return true;
}

// Splits a folded word where it holds a character that is no letter, mark or digit.
void append_parts(std::vector<std::string>& words, const icu::UnicodeString& word) {
  int32_t start = 0;
  const auto flush = [&](int32_t end) {
    if (end > start) {
      std::string part;
      word.tempSubStringBetween(start, end).toUTF8String(part);
      words.push_back(std::move(part));
    }
  };
  for (int32_t i = 0; i < word.length();) {
    const UChar32 c = word.char32At(i);
    const int32_t next = i + U16_LENGTH(c);
    if (!u_isalnum(c) && !is_mark(c)) {
      flush(i);
      start = next;
    }
    i = next;
  }
  flush(word.length());
}

// Han and kana: ICU's dictionary keeps compounds whole ("東京タワー"), so a
// search for a part of one ("東京") would miss it.
bool cjk(const icu::UnicodeString& word) {
  for (int32_t i = 0; i < word.length();) {
    const UChar32 c = word.char32At(i);
    i += U16_LENGTH(c);
    if (!uscript_hasScript(c, USCRIPT_HAN) && !uscript_hasScript(c, USCRIPT_HIRAGANA) &&
        !uscript_hasScript(c, USCRIPT_KATAKANA)) {
      return false;
    }
  }
  return true;
}

// Overlapping pairs of characters, as CJK search indexes do: "マグカップ" ->
// マグ グカ カッ ップ; any run of two or more characters of the text is then
// found, and a word of one character stays itself.
void append_bigrams(std::vector<std::string>& words, const icu::UnicodeString& word) {
  int32_t first = 0;
  int32_t second = word.moveIndex32(first, 1);
  while (second < word.length()) {
    const int32_t end = word.moveIndex32(second, 1);
    std::string pair;
    word.tempSubStringBetween(first, end).toUTF8String(pair);
    words.push_back(std::move(pair));
    first = second;
    second = end;
  }
}

}  // namespace

void append_fold(std::string& out, std::string_view text) {
  if (ascii(text)) {
    for (char c : text) {
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 0x20) : c);
    }
    return;
  }
  folded(from_utf8(text)).toUTF8String(out);
}

std::string fold(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_fold(out, text);
  return out;
}

std::vector<std::string> search_words(std::string_view text) {
  std::vector<std::string> words;
  const icu::UnicodeString source = from_utf8(text);
  icu::BreakIterator& breaks = word_breaks();
  breaks.setText(source);
  int32_t start = breaks.first();
  for (int32_t end = breaks.next(); end != icu::BreakIterator::DONE; start = end, end = breaks.next()) {
    if (breaks.getRuleStatus() >= UBRK_WORD_NONE_LIMIT) {  // a word, number, kana or ideographs
      const icu::UnicodeString word = folded(source.tempSubStringBetween(start, end));
      if (word.countChar32() >= 3 && cjk(word)) {
        append_bigrams(words, word);
      } else {
        append_parts(words, word);
      }
    }
  }
  return words;
}

std::string search_text(std::string_view text) {
  std::string out;
  for (const std::string& word : search_words(text)) {
    if (!out.empty()) {
      out += ' ';
    }
    out += word;
  }
  return out;
}

}  // namespace linkhub::text
