#include "utf8.hpp"

namespace linkhub::ai::utf8 {
namespace {

struct Range {
  char32_t lo;
  char32_t hi;
};

template <size_t N>
bool in(const Range (&ranges)[N], char32_t cp) noexcept {
  for (const Range& r : ranges) {
    if (cp < r.lo) {
      return false;  // ranges are sorted
    }
    if (cp <= r.hi) {
      return true;
    }
  }
  return false;
}

// Letters (and digits of other scripts, which behave like letters inside
// words) by block. Coarse on purpose: a caption never needs the full UCD, it
// needs to know what may sit inside a hashtag or a word. Sorted.
constexpr Range kLetters[] = {
    {0x00AA, 0x00AA},   {0x00B5, 0x00B5}, {0x00BA, 0x00BA}, {0x00C0, 0x00D6}, {0x00D8, 0x00F6}, {0x00F8, 0x02FF},
    {0x0300, 0x036F},   {0x0370, 0x037D}, {0x037F, 0x0386}, {0x0388, 0x03FF}, {0x0400, 0x0481}, {0x0483, 0x052F},
    {0x0531, 0x0587},   {0x0591, 0x05C7}, {0x05D0, 0x05F2}, {0x0610, 0x061A}, {0x0620, 0x0669}, {0x066E, 0x06D3},
    {0x06D5, 0x06FF},   {0x0750, 0x077F}, {0x0900, 0x0963}, {0x0966, 0x0DFF}, {0x0E01, 0x0E3A}, {0x0E40, 0x0E4E},
    {0x0E50, 0x0E59},   {0x0E80, 0x0EFF}, {0x0F00, 0x0FFF}, {0x1000, 0x109F}, {0x10A0, 0x10FF}, {0x1100, 0x11FF},
    {0x1200, 0x139F},   {0x1780, 0x17D3}, {0x17E0, 0x17E9}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1FFF}, {0x2C00, 0x2DFF},
    {0x3005, 0x3007},   {0x3031, 0x3035}, {0x303B, 0x303C}, {0x3041, 0x3096}, {0x3099, 0x309F}, {0x30A1, 0x30FA},
    {0x30FC, 0x30FF},   {0x3100, 0x318F}, {0x31A0, 0x31BF}, {0x31F0, 0x31FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF},
    {0xA000, 0xA4CF},   {0xA640, 0xA69F}, {0xA720, 0xA7FF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFB00, 0xFB06},
    {0xFB1D, 0xFDFB},   {0xFE70, 0xFEFC}, {0xFF10, 0xFF19}, {0xFF21, 0xFF3A}, {0xFF41, 0xFF5A}, {0xFF66, 0xFFDC},
    {0x20000, 0x3134F},
};

constexpr Range kMarks[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A}, {0x064B, 0x065F}, {0x0670, 0x0670},
    {0x06D6, 0x06ED}, {0x0900, 0x0903}, {0x093A, 0x094F}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E},
    {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x20D0, 0x20FF}, {0x3099, 0x309A}, {0xFE20, 0xFE2F},
};

constexpr Range kEmoji[] = {
    {0x203C, 0x203C}, {0x2049, 0x2049}, {0x20E3, 0x20E3}, {0x2139, 0x2139}, {0x2190, 0x21FF},   {0x2300, 0x23FF},
    {0x24C2, 0x24C2}, {0x25A0, 0x25FF}, {0x2600, 0x27BF}, {0x2934, 0x2935}, {0x2B00, 0x2BFF},   {0x3030, 0x3030},
    {0x303D, 0x303D}, {0x3297, 0x3297}, {0x3299, 0x3299}, {0xFE0E, 0xFE0F}, {0x1F000, 0x1FAFF}, {0xE0020, 0xE007F},
};

// Base letters of U+0100..U+017F (Latin Extended-A); œ and ĳ are handled apart.
constexpr std::string_view kLatinExtA =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuu"
    "uuuuuuwwyyyzzzzzzs";
static_assert(kLatinExtA.size() == 0x80);

// Base letters of U+1EA0..U+1EF9, the Vietnamese letters with two diacritics.
constexpr std::string_view kVietnamese =
    "aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy";
static_assert(kVietnamese.size() == 0x1EFA - 0x1EA0);

}  // namespace

size_t find_invalid(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    char32_t min = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + len > n) {
      return i;
    }
    char32_t cp = c & (0xFF >> (len + 1));
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) {
        return i;
      }
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

Decoded decode(std::string_view s, size_t pos) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char c = p[pos];
  if (c < 0x80) {
    return {c, 1};
  }
  const uint32_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (len == 0 || pos + len > s.size()) {
    return {0xFFFD, 1};
  }
  char32_t cp = c & (0xFF >> (len + 1));
  for (uint32_t k = 1; k < len; ++k) {
    if ((p[pos + k] & 0xC0) != 0x80) {
      return {0xFFFD, 1};
    }
    cp = (cp << 6) | (p[pos + k] & 0x3F);
  }
  return {cp, len};
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

bool is_letter_or_mark(char32_t cp) noexcept {
  if (cp < 0x80) {
    return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  }
  return in(kLetters, cp);
}

bool is_mark(char32_t cp) noexcept {
  return cp >= 0x300 && in(kMarks, cp);
}

bool is_emoji(char32_t cp) noexcept {
  return cp >= 0x200D && (cp == 0x200D || in(kEmoji, cp));
}

Script script_of(char32_t cp) noexcept {
  if (cp < 0x80) {
    return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') ? Script::Latin : Script::Other;
  }
  if ((cp >= 0xC0 && cp <= 0x24F) || (cp >= 0x1E00 && cp <= 0x1EFF)) {
    return cp == 0xD7 || cp == 0xF7 ? Script::Other : Script::Latin;
  }
  if (cp >= 0x370 && cp <= 0x3FF) {
    return Script::Greek;
  }
  if (cp >= 0x400 && cp <= 0x52F) {
    return Script::Cyrillic;
  }
  if (cp >= 0x590 && cp <= 0x5FF) {
    return Script::Hebrew;
  }
  if ((cp >= 0x620 && cp <= 0x6FF && cp != 0x640) || (cp >= 0x750 && cp <= 0x77F) || (cp >= 0xFB50 && cp <= 0xFDFF) ||
      (cp >= 0xFE70 && cp <= 0xFEFC)) {
    return Script::Arabic;
  }
  if (cp >= 0x900 && cp <= 0x97F) {
    return Script::Devanagari;
  }
  if (cp >= 0xE01 && cp <= 0xE5B && cp != 0xE3F) {
    return Script::Thai;
  }
  if ((cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F) || (cp >= 0xAC00 && cp <= 0xD7A3)) {
    return Script::Hangul;
  }
  if ((cp >= 0x3041 && cp <= 0x30FF && cp != 0x30FB) || (cp >= 0x31F0 && cp <= 0x31FF) ||
      (cp >= 0xFF66 && cp <= 0xFF9F)) {
    return Script::Kana;
  }
  if ((cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
      (cp >= 0x20000 && cp <= 0x3134F)) {
    return Script::Han;
  }
  if ((cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A)) {
    return Script::Latin;
  }
  return Script::Other;
}

char32_t to_lower(char32_t cp) noexcept {
  if (cp < 0x80) {
    return cp >= 'A' && cp <= 'Z' ? cp + 0x20 : cp;
  }
  if (cp < 0xC0) {
    return cp;
  }
  if (cp <= 0xDE) {
    return cp == 0xD7 ? cp : cp + 0x20;
  }
  if (cp >= 0x100 && cp <= 0x17F) {
    if (cp == 0x130) {
      return 'i';
    }
    if (cp == 0x178) {
      return 0xFF;
    }
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) {
      return (cp & 1) ? cp + 1 : cp;
    }
    if (cp == 0x131 || cp == 0x138 || cp == 0x149 || cp == 0x17F) {
      return cp;
    }
    return (cp & 1) ? cp : cp + 1;
  }
  if (cp == 0x1A0 || cp == 0x1AF || (cp >= 0x218 && cp <= 0x21B && (cp & 1) == 0)) {
    return cp + 1;
  }
  if (cp >= 0x386 && cp <= 0x3AB) {
    if (cp == 0x386) {
      return 0x3AC;
    }
    if (cp >= 0x388 && cp <= 0x38A) {
      return cp + 0x25;
    }
    if (cp == 0x38C) {
      return 0x3CC;
    }
    if (cp == 0x38E || cp == 0x38F) {
      return cp + 0x3F;
    }
    if (cp >= 0x391 && cp != 0x3A2) {
      return cp + 0x20;
    }
    return cp;
  }
  if (cp >= 0x400 && cp <= 0x40F) {
    return cp + 0x50;
  }
  if (cp >= 0x410 && cp <= 0x42F) {
    return cp + 0x20;
  }
  if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF) || (cp >= 0x4D0 && cp <= 0x52F)) {
    return (cp & 1) ? cp : cp + 1;
  }
  if (cp >= 0x531 && cp <= 0x556) {
    return cp + 0x30;
  }
  if (cp >= 0x1E00 && cp <= 0x1EFF) {
    if (cp == 0x1E9E) {
      return 0xDF;
    }
    if (cp >= 0x1E96 && cp <= 0x1E9F) {
      return cp;
    }
    return (cp & 1) ? cp : cp + 1;
  }
  if (cp >= 0xFF21 && cp <= 0xFF3A) {
    return cp + 0x20;
  }
  return cp;
}

bool is_upper(char32_t cp) noexcept {
  return to_lower(cp) != cp;
}

bool is_lower(char32_t cp) noexcept {
  if (cp < 0x80) {
    return cp >= 'a' && cp <= 'z';
  }
  // A lowercase letter is one some uppercase letter maps to; checking the
  // neighbours covers the paired blocks, the offsets cover the rest.
  return (cp >= 0xDF && cp <= 0xFF && cp != 0xF7) || to_lower(cp - 1) == cp || to_lower(cp - 0x20) == cp ||
         to_lower(cp - 0x50) == cp || to_lower(cp - 0x30) == cp;
}

namespace {

void fold_one(std::string& out, char32_t cp, char32_t previous) {
  cp = to_lower(cp);
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
    return;
  }
  if (cp >= 0xDF && cp <= 0xFF) {
    static constexpr std::string_view kLatin1 = "saaaaaaaceeeeiiiidnooooo/ouuuuyty";
    if (cp == 0xDF) {
      out += "ss";
    } else if (cp == 0xE6) {
      out += "ae";
    } else if (cp == 0xFE) {
      out += "th";
    } else if (cp == 0xF7) {
      append(out, cp);
    } else {
      out.push_back(kLatin1[cp - 0xDF]);
    }
    return;
  }
  if (cp >= 0x100 && cp <= 0x17F) {
    if (cp == 0x153) {
      out += "oe";
    } else if (cp == 0x133) {
      out += "ij";
    } else {
      out.push_back(kLatinExtA[cp - 0x100]);
    }
    return;
  }
  if (cp == 0x1A1) {
    out.push_back('o');
    return;
  }
  if (cp == 0x1B0) {
    out.push_back('u');
    return;
  }
  if (cp == 0x219 || cp == 0x21B) {
    out.push_back(cp == 0x219 ? 's' : 't');
    return;
  }
  if (cp >= 0x1EA0 && cp <= 0x1EF9) {
    out.push_back(kVietnamese[cp - 0x1EA0]);
    return;
  }
  if (cp >= 0xFF41 && cp <= 0xFF5A) {
    out.push_back(static_cast<char>('a' + (cp - 0xFF41)));
    return;
  }
  // Combining marks on a Latin base are diacritics: "e\u0301" folds to "e".
  if (cp >= 0x300 && cp <= 0x36F && script_of(previous) == Script::Latin) {
    return;
  }
  append(out, cp);
}

}  // namespace

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

void append_folded(std::string& out, std::string_view text) {
  char32_t previous = 0;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 0x20 : c));
      previous = c;
      ++i;
      continue;
    }
    const Decoded d = decode(text, i);
    fold_one(out, d.cp, previous);
    if (!is_mark(d.cp)) {
      previous = d.cp;
    }
    i += d.len;
  }
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

}  // namespace linkhub::ai::utf8
