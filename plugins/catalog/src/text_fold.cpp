#include "text_fold.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace linkhub::catalog {
namespace {

struct Fold {
  char32_t code_point;
  const char* folded;
};

constexpr Fold kFolds[] = {
#include "fold_table.inc"
};

// One decoded character; `valid` is false for a byte that starts no UTF-8 sequence.
struct Decoded {
  char32_t code_point = 0;
  size_t bytes = 1;
  bool valid = false;
};

Decoded decode(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) {
    return {lead, 1, true};
  }
  size_t length = 0;
  char32_t cp = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    cp = lead & 0x07;
  } else {
    return {};
  }
  if (i + length > s.size()) {
    return {};
  }
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      return {};
    }
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  return {cp, length, true};
}

enum class Kind { kWord, kSeparator, kIgnored };

// Coarse classes, enough to find words in captions: exact Unicode categories
// would need tables this plugin does not carry.
Kind classify(char32_t cp) {
  if (cp < 0x80) {
    const bool alnum = (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    return alnum ? Kind::kWord : Kind::kSeparator;
  }
  if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0000 && cp <= 0xE007F)) {
    return Kind::kIgnored;  // combining marks, variation selectors, tag characters
  }
  if (cp <= 0xBF || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
      (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
      (cp >= 0xFF5B && cp <= 0xFF65) || (cp >= 0x1F000 && cp <= 0x1FAFF)) {
    return Kind::kSeparator;  // Latin-1 punctuation, general punctuation, symbols, CJK punctuation, emoji
  }
  return Kind::kWord;
}

const char* folded(char32_t cp) {
  const auto it = std::lower_bound(std::begin(kFolds), std::end(kFolds), cp,
                                   [](const Fold& f, char32_t c) { return f.code_point < c; });
  return it != std::end(kFolds) && it->code_point == cp ? it->folded : nullptr;
}

}  // namespace

std::vector<std::string> search_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  const auto flush = [&] {
    if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  };
  for (size_t i = 0; i < text.size();) {
    const Decoded d = decode(text, i);
    const std::string_view raw = text.substr(i, d.bytes);
    i += d.bytes;
    if (!d.valid) {
      flush();
      continue;
    }
    switch (classify(d.code_point)) {
      case Kind::kSeparator:
        flush();
        break;
      case Kind::kIgnored:
        break;
      case Kind::kWord:
        if (d.code_point >= 'A' && d.code_point <= 'Z') {
          word += static_cast<char>(d.code_point - 'A' + 'a');
        } else if (const char* f = folded(d.code_point)) {
          word += f;
        } else {
          word += raw;
        }
        break;
    }
  }
  flush();
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

size_t utf8_length(std::string_view text) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); i += decode(text, i).bytes) {
    ++count;
  }
  return count;
}

std::string trim_space(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && space(text[begin])) {
    ++begin;
  }
  while (end > begin && space(text[end - 1])) {
    --end;
  }
  return std::string(text.substr(begin, end - begin));
}

}  // namespace linkhub::catalog
