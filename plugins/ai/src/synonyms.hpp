#pragma once
// Shop words that Google's category names do not use ("tee", "sneakers",
// "serum", "phone case") and a few common product words of other languages
// ("áo thun", "kaos", "sepatu", "vestido"), mapped to the taxonomy's words.
// The table is in synonyms.cpp and the README.

#include <string>
#include <string_view>
#include <vector>

namespace linkhub::ai {

// Normalised replacement words for a normalised word or two-word phrase
// ("phone case" -> {"mobile", "phone", "case"}), or nullptr.
const std::vector<std::string>* synonym(std::string_view key);

}  // namespace linkhub::ai
