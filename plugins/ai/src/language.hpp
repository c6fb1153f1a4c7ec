#pragma once
// A language guess: the script of the caption's letters (by ICU), then for
// Latin letters CLD2 (libcld2) weighed against function words and telltale
// letters (ơ, ñ, ß, ã, ...). The rule is in language.cpp and the README.

#include "tokenizer.hpp"

#include <string>

namespace linkhub::ai {

struct LanguageGuess {
  std::string code = "und";  // ISO 639-1, or "und" when the evidence is too thin
  double confidence = 0;     // 0..1
};

// Looks at words only: hashtags, mentions and URLs are mostly English-ish
// slang whatever the caption's language.
LanguageGuess guess_language(const Tokens& tokens);

}  // namespace linkhub::ai
