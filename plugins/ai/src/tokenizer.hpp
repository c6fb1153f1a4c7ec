#pragma once
// One pass over a caption that splits it into words, numbers, hashtags,
// mentions, URLs, emoji and other symbols. Every extractor works on these
// tokens instead of re-scanning bytes, so the caption is decoded once.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace linkhub::ai {

enum class TokenKind : uint8_t {
  Word,     // letters and combining marks of any script; inner ' and - kept ("t-shirt", "don't")
  Number,   // ASCII digits with inner . , and no-break-space groupings ("1.234,56")
  Symbol,   // one other code point: punctuation, currency signs, ...
  Emoji,    // one code point of an emoji sequence, or a whole keycap ("1️⃣")
  Hashtag,  // "#word"; lower()/fold() hold the body without '#'
  Mention,  // "@user"; lower()/fold() hold the body without '@'
  Url,      // http(s)://..., www...., or a bare domain with a known TLD
};

struct Token {
  uint32_t begin = 0;  // bytes in the text
  uint32_t end = 0;
  uint32_t lower_at = 0;  // Word/Hashtag/Mention: lowercase form in Tokens' buffer
  uint32_t lower_len = 0;
  uint32_t fold_at = 0;  // ... and the lowercase form without Latin diacritics
  uint32_t fold_len = 0;
  uint32_t line = 0;  // 0-based line of the text
  char32_t cp = 0;    // Symbol/Emoji: the (first) code point
  TokenKind kind = TokenKind::Symbol;
  bool space_before = false;  // whitespace (or the start of the text) precedes it
  bool all_upper = false;     // Word: has uppercase letters and no lowercase one
  bool capitalised = false;   // Word: starts with an uppercase letter
};

class Tokens {
 public:
  // `text` must be valid UTF-8 (see utf8::find_invalid) and must outlive this.
  explicit Tokens(std::string_view text);

  std::string_view text() const { return text_; }
  const std::vector<Token>& list() const { return list_; }
  size_t size() const { return list_.size(); }
  const Token& operator[](size_t i) const { return list_[i]; }

  std::string_view raw(const Token& t) const { return text_.substr(t.begin, t.end - t.begin); }
  std::string_view lower(const Token& t) const { return std::string_view(lower_).substr(t.lower_at, t.lower_len); }
  std::string_view fold(const Token& t) const { return std::string_view(fold_).substr(t.fold_at, t.fold_len); }
  std::string_view raw(size_t i) const { return raw(list_[i]); }
  std::string_view lower(size_t i) const { return lower(list_[i]); }
  std::string_view fold(size_t i) const { return fold(list_[i]); }

  // True when token i directly follows token i-1 with no whitespace between.
  bool glued(size_t i) const { return i > 0 && i < list_.size() && !list_[i].space_before; }
  bool is(size_t i, TokenKind kind) const { return i < list_.size() && list_[i].kind == kind; }
  bool is_symbol(size_t i, char32_t cp) const {
    return i < list_.size() && list_[i].kind == TokenKind::Symbol && list_[i].cp == cp;
  }
  // Word i, lowercased, equals `word`.
  bool is_word(size_t i, std::string_view word) const { return is(i, TokenKind::Word) && lower(i) == word; }

 private:
  void add_normalised(Token& t, std::string_view body);

  std::string_view text_;
  std::vector<Token> list_;
  std::string lower_;
  std::string fold_;
};

}  // namespace linkhub::ai
