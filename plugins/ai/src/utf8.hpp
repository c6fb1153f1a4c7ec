#pragma once
// UTF-8 decoding and the slice of Unicode character data the extractors
// need (word characters, digits of every script, emoji, scripts, lowercase,
// folding), answered by ICU (libicu): its UTF-8 macros, character
// properties, NFKC case folding and Latin-ASCII transliteration.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace linkhub::ai::utf8 {

struct Decoded {
  char32_t cp;
  uint32_t len;
};

// Offset of the first byte that does not start a well-formed UTF-8 sequence
// (overlong forms, surrogates and values above U+10FFFF are ill-formed), or
// std::string_view::npos when the whole text is valid.
size_t find_invalid(std::string_view text) noexcept;

// Decodes the code point at `pos`. The text must have passed find_invalid();
// on ill-formed input it returns U+FFFD with length 1 rather than reading past
// the end.
Decoded decode(std::string_view text, size_t pos) noexcept;

// Start of the code point that ends right before `pos` (pos > 0).
size_t previous_start(std::string_view text, size_t pos) noexcept;

void append(std::string& out, char32_t cp);

// Number of code points in valid UTF-8 text.
size_t count(std::string_view text) noexcept;

bool is_space(char32_t cp) noexcept;
bool is_line_break(char32_t cp) noexcept;
// Letters and combining marks of any script. Digits are not included, of any
// script: the tokenizer reads them as numbers ("๒๙๙", "४९९", "１９８０").
bool is_letter_or_mark(char32_t cp) noexcept;
// Decimal digits of any script (Unicode Nd), and their value (-1 for others).
bool is_digit(char32_t cp) noexcept;
int digit_value(char32_t cp) noexcept;
// Letters of the scripts written without spaces between words (Thai, Lao,
// Khmer, Myanmar, Han, kana): the tokenizer splits their runs into words with
// ICU's dictionary word breaks.
bool needs_dictionary_breaks(char32_t cp) noexcept;
bool is_mark(char32_t cp) noexcept;
inline bool is_ascii_digit(char32_t cp) noexcept {
  return cp >= '0' && cp <= '9';
}
// Pictographs, dingbats, arrows, variation selectors, ZWJ, keycaps, tags:
// everything that makes up an emoji sequence.
bool is_emoji(char32_t cp) noexcept;

enum class Script : uint8_t { Other, Latin, Greek, Cyrillic, Arabic, Hebrew, Devanagari, Thai, Hangul, Kana, Han };
Script script_of(char32_t cp) noexcept;

// Simple (one to one) lowercase mapping (ICU's u_tolower).
char32_t to_lower(char32_t cp) noexcept;
bool is_upper(char32_t cp) noexcept;
bool is_lower(char32_t cp) noexcept;

// Lowercase text.
void append_lower(std::string& out, std::string_view text);
// NFKC case folded text with Latin diacritics removed ("Áo Thun" -> "ao thun",
// "Straße" -> "strasse", "ＳＡＬＥ" -> "sale", "đ" -> "d"); combining marks
// after Latin letters are dropped; other scripts are NFKC case folded only.
void append_folded(std::string& out, std::string_view text);
std::string lower(std::string_view text);
std::string folded(std::string_view text);

// True when every byte is ASCII.
bool is_ascii(std::string_view text) noexcept;

// The longest prefix of `text` holding at most `max_code_points` code points,
// never ending inside a code point nor between a base and its combining marks.
std::string_view truncate(std::string_view text, size_t max_code_points) noexcept;

}  // namespace linkhub::ai::utf8
