#include "text_fold.hpp"

#include <linkhub/text/search_fold.hpp>

#include <cstdint>

namespace linkhub::catalog {
namespace {

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

}  // namespace

std::vector<std::string> search_words(std::string_view text) {
  return text::search_words(text);
}

std::string search_text(std::string_view text) {
  return text::search_text(text);
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
