#pragma once
// A clean product title from a caption: its first substantial line without
// hashtags, mentions, emoji, URLs or the call to action (or discount code
// offer) that ends it, whitespace collapsed, at most `max_chars` code points
// cut on a word boundary.

#include "tokenizer.hpp"

#include <string>
#include <vector>

namespace linkhub::ai {

// Tokens [first, last] of a call to action or a discount code phrase.
struct TokenSpan {
  size_t first = 0;
  size_t last = 0;
};

// `trailing` must be sorted by first token.
std::string clean_title(const Tokens& tokens, const std::vector<TokenSpan>& trailing, size_t max_chars = 80);

}  // namespace linkhub::ai
