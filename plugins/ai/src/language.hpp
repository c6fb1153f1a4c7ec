#pragma once
// A language guess from the caption's own evidence: the script of its
// letters, then function words and telltale letters (ơ, ñ, ß, ã, ...).

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
