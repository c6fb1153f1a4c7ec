#include "utf8.hpp"

#include <linkhub/text/search_fold.hpp>

#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

namespace linkhub::ai::utf8 {

size_t find_invalid(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(p, i, n, c);
    if (c < 0) {
      return static_cast<size_t>(start);
    }
  }
  return s.size() > static_cast<size_t>(INT32_MAX) ? static_cast<size_t>(INT32_MAX) : std::string_view::npos;
}

Decoded decode(std::string_view s, size_t pos) noexcept {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data()) + pos;
  const int32_t n = static_cast<int32_t>(std::min<size_t>(s.size() - pos, 4));
  int32_t i = 0;
  UChar32 c = 0;
  U8_NEXT(p, i, n, c);
  if (c < 0) {
    return {0xFFFD, 1};
  }
  return {static_cast<char32_t>(c), static_cast<uint32_t>(i)};
}

size_t previous_start(std::string_view s, size_t pos) noexcept {
  size_t i = pos;
  do {
    --i;
  } while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80 && pos - i < 4);
  return i;
}

void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

size_t count(std::string_view s) noexcept {
  size_t n = 0;
  for (char c : s) {
    n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }
  return n;
}

bool is_space(char32_t cp) noexcept {
  if (cp <= 0x20) {
    return true;  // controls count as spaces: they separate words and never print
  }
  return cp == 0x7F || cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

bool is_line_break(char32_t cp) noexcept {
  return cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
}

bool is_ascii(std::string_view text) noexcept {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return false;
    }
  }
  return true;
}

std::string_view truncate(std::string_view text, size_t max_code_points) noexcept {
  size_t i = 0;
  size_t n = 0;
  while (i < text.size() && n < max_code_points) {
    i += decode(text, i).len;
    ++n;
  }
  if (i >= text.size()) {
    return text;
  }
  // Keep a base letter together with its combining marks: if the next code
  // point is a mark, drop the cluster it belongs to.
  while (i > 0 && is_mark(decode(text, i).cp)) {
    i = previous_start(text, i);
  }
  return text.substr(0, i);
}

bool is_digit(char32_t cp) noexcept {
  return cp < 0x80 ? is_ascii_digit(cp) : u_charType(static_cast<UChar32>(cp)) == U_DECIMAL_DIGIT_NUMBER;
}

int digit_value(char32_t cp) noexcept {
  if (cp < 0x80) {
    return is_ascii_digit(cp) ? static_cast<int>(cp - '0') : -1;
  }
  return u_charType(static_cast<UChar32>(cp)) == U_DECIMAL_DIGIT_NUMBER ? u_charDigitValue(static_cast<UChar32>(cp))
                                                                        : -1;
}

bool is_letter_or_mark(char32_t cp) noexcept {
  if (cp < 0x80) {
    return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  }
  if (is_emoji(cp)) {
    return false;  // variation selectors and the keycap are marks that belong to emoji
  }
  const auto c = static_cast<UChar32>(cp);
  return u_isalpha(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0;
}

bool is_mark(char32_t cp) noexcept {
  return cp >= 0x300 && (U_GET_GC_MASK(static_cast<UChar32>(cp)) & U_GC_M_MASK) != 0;
}

bool is_emoji(char32_t cp) noexcept {
  if (cp < 0x2000) {
    return false;  // © ® and the keycap digits are emoji only in sequences
  }
  const auto c = static_cast<UChar32>(cp);
  if (u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) || u_hasBinaryProperty(c, UCHAR_EMOJI_COMPONENT) ||
      u_hasBinaryProperty(c, UCHAR_EMOJI) || u_hasBinaryProperty(c, UCHAR_VARIATION_SELECTOR)) {
    return true;
  }
  // Arrows, technical and geometric symbols and dingbats decorate captions
  // the way emoji do ("👉 ➡ ▶ ✔"), whatever their emoji properties.
  const int8_t type = u_charType(c);
  return cp >= 0x2190 && cp <= 0x2BFF && (type == U_OTHER_SYMBOL || type == U_MATH_SYMBOL);
}

Script script_of(char32_t cp) noexcept {
  if (cp < 0x80) {
    return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') ? Script::Latin : Script::Other;
  }
  const auto c = static_cast<UChar32>(cp);
  UErrorCode status = U_ZERO_ERROR;
  UScriptCode code = uscript_getScript(c, &status);
  if (U_FAILURE(status)) {
    return Script::Other;
  }
  if (code == USCRIPT_COMMON || code == USCRIPT_INHERITED) {
    // The prolonged sound mark ー and the iteration marks are kana or Han by
    // their script extensions.
    if (uscript_hasScript(c, USCRIPT_KATAKANA) || uscript_hasScript(c, USCRIPT_HIRAGANA)) {
      return u_isalpha(c) ? Script::Kana : Script::Other;
    }
    if (uscript_hasScript(c, USCRIPT_HAN)) {
      return u_isalpha(c) ? Script::Han : Script::Other;
    }
    return Script::Other;
  }
  if (!u_isalpha(c) && (U_GET_GC_MASK(c) & U_GC_M_MASK) == 0) {
    return Script::Other;  // digits and signs of a script are no evidence of its language
  }
  switch (code) {
    case USCRIPT_LATIN:
      return Script::Latin;
    case USCRIPT_GREEK:
      return Script::Greek;
    case USCRIPT_CYRILLIC:
      return Script::Cyrillic;
    case USCRIPT_ARABIC:
      return Script::Arabic;
    case USCRIPT_HEBREW:
      return Script::Hebrew;
    case USCRIPT_DEVANAGARI:
      return Script::Devanagari;
    case USCRIPT_THAI:
      return Script::Thai;
    case USCRIPT_HANGUL:
      return Script::Hangul;
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_KATAKANA_OR_HIRAGANA:
      return Script::Kana;
    case USCRIPT_HAN:
      return Script::Han;
    default:
      return Script::Other;
  }
}

bool needs_dictionary_breaks(char32_t cp) noexcept {
  if (cp < 0x0E00) {
    return false;
  }
  UErrorCode status = U_ZERO_ERROR;
  switch (uscript_getScript(static_cast<UChar32>(cp), &status)) {
    case USCRIPT_THAI:
    case USCRIPT_LAO:
    case USCRIPT_KHMER:
    case USCRIPT_MYANMAR:
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
      return true;
    default:
      return false;
  }
}

char32_t to_lower(char32_t cp) noexcept {
  return cp < 0x80 ? (cp >= 'A' && cp <= 'Z' ? cp + 0x20 : cp)
                   : static_cast<char32_t>(u_tolower(static_cast<UChar32>(cp)));
}

bool is_upper(char32_t cp) noexcept {
  return cp < 0x80 ? (cp >= 'A' && cp <= 'Z') : u_isUUppercase(static_cast<UChar32>(cp));
}

bool is_lower(char32_t cp) noexcept {
  return cp < 0x80 ? (cp >= 'a' && cp <= 'z') : u_isULowercase(static_cast<UChar32>(cp));
}

void append_lower(std::string& out, std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 0x20 : c));
      ++i;
      continue;
    }
    const Decoded d = decode(text, i);
    append(out, to_lower(d.cp));
    i += d.len;
  }
}

// The folding rules are the catalog's too: one place, linkhub/text.
void append_folded(std::string& out, std::string_view text) {
  text::append_fold(out, text);
}

std::string lower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_lower(out, text);
  return out;
}

std::string folded(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_folded(out, text);
  return out;
}

}  // namespace linkhub::ai::utf8
