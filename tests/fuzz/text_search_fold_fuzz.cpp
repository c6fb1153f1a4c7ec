// libFuzzer: whatever bytes a product's title or a search holds, the shared
// search fold (plugins/text) gives words, never a crash: each word non-empty,
// valid UTF-8, without a space (the index joins them with spaces), and
// search_text is exactly those words joined; folding the folded text again
// changes nothing.
#include <linkhub/text/search_fold.hpp>

#include <unicode/utf8.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c = 0;
    U8_NEXT(p, i, n, c);
    if (c < 0) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkhub::text;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string joined;
  for (const std::string& word : search_words(text)) {
    if (word.empty() || word.find(' ') != std::string::npos || !valid_utf8(word)) {
      __builtin_trap();
    }
    joined += (joined.empty() ? "" : " ") + word;
  }
  if (search_text(text) != joined) {
    __builtin_trap();
  }
  const std::string once = fold(text);
  if (!valid_utf8(once) || fold(once) != once) {
    __builtin_trap();
  }
  return 0;
}
