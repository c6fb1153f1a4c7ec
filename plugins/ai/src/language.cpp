#include "language.hpp"

#include "utf8.hpp"
#include "words.hpp"

// compact_lang_det.h uses FILE without including <cstdio>.
#include <cstdio>

#include <cld2/public/compact_lang_det.h>

#include <array>
#include <bit>
#include <cmath>

namespace linkhub::ai {
namespace {

using words::Latin;

// The function-word confidence above which the caption's own evidence is
// kept when CLD2 names another language.
constexpr double kFunctionWordsOutvoteCld2 = 0.5;

struct Evidence {
  std::array<double, words::kLatinCount> latin{};
  std::array<size_t, 11> script{};  // letters per utf8::Script
  size_t letters = 0;
};

void add(Evidence& e, Latin lang, double weight) {
  e.latin[lang] += weight;
}

// Letters that only some languages use. Counted once per word so a long word
// full of accents does not outvote the function words.
void letter_evidence(Evidence& e, std::string_view lower) {
  bool vi = false, es = false, pt = false, de = false, fr = false, it = false, fr_pt = false, es_pt = false;
  for (size_t i = 0; i < lower.size();) {
    const utf8::Decoded d = utf8::decode(lower, i);
    i += d.len;
    const char32_t c = d.cp;
    if (c < 0x80) {
      continue;
    }
    if (c == 0x103 || c == 0x111 || c == 0x1A1 || c == 0x1B0 || (c >= 0x1EA0 && c <= 0x1EF9)) {
      vi = true;
    } else if (c == 0xF1) {
      es = true;
    } else if (c == 0xE3 || c == 0xF5) {
      pt = true;
    } else if (c == 0xDF || c == 0xE4 || c == 0xF6 || c == 0xFC) {
      de = true;
    } else if (c == 0x153 || c == 0xEE || c == 0xEF || c == 0xEB || c == 0xE8) {
      fr = true;
    } else if (c == 0xEC || c == 0xF2 || c == 0xF9) {
      it = true;
    } else if (c == 0xE7 || c == 0xEA || c == 0xE2) {
      fr_pt = true;
    } else if (c == 0xE1 || c == 0xED || c == 0xF3 || c == 0xFA) {
      es_pt = true;
    }
  }
  if (vi) {
    add(e, words::kVi, 1.5);
    return;  // Vietnamese letters also carry ê, â, ô: nothing else to learn
  }
  if (es) {
    add(e, words::kEs, 1);
  }
  if (pt) {
    add(e, words::kPt, 1);
  }
  if (de) {
    add(e, words::kDe, 1);
  }
  if (fr) {
    add(e, words::kFr, 0.7);
  }
  if (it) {
    add(e, words::kIt, 0.7);
  }
  if (fr_pt) {
    add(e, words::kFr, 0.4);
    add(e, words::kPt, 0.4);
  }
  if (es_pt) {
    add(e, words::kEs, 0.3);
    add(e, words::kPt, 0.3);
  }
}

// Kanji whose form differs in Chinese (価/价, 円/元, 売/卖, ...): seen in
// Japanese shop captions written without kana.
bool is_japanese_kanji(char32_t c) {
  switch (c) {
    case 0x4FA1:  // 価
    case 0x5186:  // 円
    case 0x58F2:  // 売
    case 0x8FBC:  // 込
    case 0x5B9F:  // 実
    case 0x697D:  // 楽
    case 0x6C17:  // 気
    case 0x7D9A:  // 続
    case 0x6E08:  // 済
    case 0x5909:  // 変
    case 0x6255:  // 払
    case 0x4E21:  // 両
    case 0x5024:  // 値
      return true;
    default:
      return false;
  }
}

struct Guess {
  LanguageGuess language;
  bool by_script = false;  // the letters' script named the language outright
};

Guess guess_from_evidence(const Tokens& tokens) {
  Evidence e;
  for (const Token& t : tokens.list()) {
    if (t.kind == TokenKind::Symbol && (t.cp == 0xBF || t.cp == 0xA1)) {
      add(e, words::kEs, 1);  // ¿ ¡
      continue;
    }
    // Hashtags count for their script only ("#コスメ" is Japanese evidence),
    // never for function words.
    if (t.kind != TokenKind::Word && t.kind != TokenKind::Hashtag) {
      continue;
    }
    const std::string_view raw = tokens.raw(t);
    utf8::Script first = utf8::Script::Other;
    for (size_t i = 0; i < raw.size();) {
      const utf8::Decoded d = utf8::decode(raw, i);
      i += d.len;
      utf8::Script s = utf8::script_of(d.cp);
      if (s == utf8::Script::Han && is_japanese_kanji(d.cp)) {
        s = utf8::Script::Kana;  // a Japanese-only form counts like kana
      }
      if (s != utf8::Script::Other) {
        ++e.script[static_cast<size_t>(s)];
        ++e.letters;
        if (first == utf8::Script::Other) {
          first = s;
        }
      }
    }
    if (first != utf8::Script::Latin || t.kind != TokenKind::Word) {
      continue;
    }
    const std::string_view lower = tokens.lower(t);
    if (const uint16_t mask = words::stopword_languages(lower); mask != 0) {
      const double weight = 1.0 / std::popcount(mask);
      for (size_t lang = 0; lang < words::kLatinCount; ++lang) {
        if (mask & (1u << lang)) {
          e.latin[lang] += weight;
        }
      }
    }
    letter_evidence(e, lower);
  }
  if (e.letters == 0) {
    return {};
  }

  // Scripts that name their language outright.
  auto count = [&](utf8::Script s) { return e.script[static_cast<size_t>(s)]; };
  const size_t kana = count(utf8::Script::Kana);
  const size_t han = count(utf8::Script::Han);
  // Chinese shops like a decorative の; Japanese text has kana throughout.
  const bool japanese = kana >= 3 || (kana > 0 && kana * 10 >= kana + han);
  const std::pair<const char*, size_t> scripts[] = {
      {japanese ? "ja" : "zh", japanese ? kana + han : han},
      {"ko", count(utf8::Script::Hangul)},
      {"th", count(utf8::Script::Thai)},
      {"ar", count(utf8::Script::Arabic)},
      {"ru", count(utf8::Script::Cyrillic)},
      {"hi", count(utf8::Script::Devanagari)},
      {"el", count(utf8::Script::Greek)},
      {"he", count(utf8::Script::Hebrew)},
  };
  const auto* best_script = &scripts[0];
  for (const auto& s : scripts) {
    if (s.second > best_script->second) {
      best_script = &s;
    }
  }
  const double share = static_cast<double>(best_script->second) / static_cast<double>(e.letters);
  if (share >= 0.4) {
    const double size = best_script->second >= 4 ? 1.0 : 0.7;
    return {{best_script->first, std::round(std::min(0.99, 0.5 + 0.5 * share) * size * 100) / 100}, true};
  }

  size_t best = 0;
  double sum = 0;
  for (size_t lang = 0; lang < words::kLatinCount; ++lang) {
    sum += e.latin[lang];
    if (e.latin[lang] > e.latin[best]) {
      best = lang;
    }
  }
  const double top = e.latin[best];
  if (top < 1.0) {
    return {};
  }
  // Share of the evidence times how much evidence there is.
  const double confidence = (top / sum) * (1.0 - std::exp(-top / 1.5));
  if (confidence < 0.3) {
    return {};
  }
  return {{std::string(words::kLatinCodes[best]), std::round(std::min(0.99, confidence) * 100) / 100}, false};
}

// CLD2 on the caption's words (hashtags, mentions, links, numbers and emoji
// left out). "und" unless CLD2 calls its answer reliable.
LanguageGuess cld2_guess(const Tokens& tokens) {
  std::string text;
  text.reserve(tokens.text().size());
  uint32_t line = 0;
  for (const Token& t : tokens.list()) {
    if (t.kind == TokenKind::Word || (t.kind == TokenKind::Symbol && t.cp < 0x80)) {
      text += t.line != line ? '\n' : ' ';
      text += tokens.raw(t);
      line = t.line;
    }
  }
  if (text.empty()) {
    return {};
  }
  CLD2::Language top3[3];
  int percent3[3];
  int text_bytes = 0;
  bool reliable = false;
  const CLD2::Language found = CLD2::DetectLanguageSummary(text.data(), static_cast<int>(text.size()), true, top3,
                                                           percent3, &text_bytes, &reliable);
  if (!reliable || found == CLD2::UNKNOWN_LANGUAGE) {
    return {};
  }
  std::string code = CLD2::LanguageCode(found);
  code = code.substr(0, code.find('-'));  // "zh-Hant" -> "zh"
  if (code.size() != 2) {
    return {};  // not an ISO 639-1 code
  }
  return {code, std::round(std::min(0.99, percent3[0] / 100.0) * 100) / 100};
}

}  // namespace

// Scripts that name a language outright (kana, Hangul, Thai, ...) decide,
// and so does strong function-word evidence for Latin letters: CLD2 mistakes
// short shop captions (Spanish for Galician, English with "tudung" for
// Malay) and costs a few microseconds of scoring and a large allocation per
// call. CLD2 answers where the function words are thin or know no language
// (Polish, Dutch, Turkish, ...), when it calls its answer reliable.
LanguageGuess guess_language(const Tokens& tokens) {
  const Guess own = guess_from_evidence(tokens);
  if (own.by_script || own.language.confidence >= kFunctionWordsOutvoteCld2) {
    return own.language;
  }
  const LanguageGuess cld2 = cld2_guess(tokens);
  return cld2.code == "und" ? own.language : cld2;
}

}  // namespace linkhub::ai
