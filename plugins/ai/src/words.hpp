#pragma once
// Function words of the Latin-script languages the language guesser knows,
// and the commerce filler words ("sale", "free", "link") that say nothing
// about a product. Lookups take lowercase words with their diacritics.

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace linkhub::ai::words {

enum Latin : uint8_t { kEn, kEs, kPt, kId, kVi, kFr, kDe, kIt, kLatinCount };
inline constexpr std::array<std::string_view, kLatinCount> kLatinCodes = {"en", "es", "pt", "id",
                                                                          "vi", "fr", "de", "it"};

// Bit (1 << Latin) set for each language that has `lower` as a function word.
uint16_t stopword_languages(std::string_view lower);
inline bool is_stopword(std::string_view lower) {
  return stopword_languages(lower) != 0;
}

// Words that appear around every product and name none: "sale", "free",
// "shipping", "link", "bio", "price", "new", "today", "giá", "harga", ...
bool is_filler(std::string_view lower);

// Whether `word` is one of `list`.
inline bool any_of(std::string_view word, std::initializer_list<std::string_view> list) {
  for (std::string_view w : list) {
    if (w == word) {
      return true;
    }
  }
  return false;
}

}  // namespace linkhub::ai::words
