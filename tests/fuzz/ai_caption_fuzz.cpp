// libFuzzer: any bytes as a caption must be analysed, or refused as
// ill-formed UTF-8, never crash or hang; the results keep their promises
// (a short, well-formed title; finite prices; confidences in 0..1). The same
// text also goes through the tagger against a small taxonomy.
#include "caption.hpp"
#include "tags.hpp"
#include "taxonomy.hpp"
#include "utf8.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

const linkhub::ai::Taxonomy& taxonomy() {
  static const auto t = linkhub::ai::Taxonomy::parse(
      "1 - Apparel & Accessories\n2 - Apparel & Accessories > Clothing > Shirts & Tops\n"
      "3 - Apparel & Accessories > Shoes\n4 - Home & Garden > Decor > Candles\n"
      "5 - Electronics > Mobile Phone Cases\n",
      "fuzz taxonomy");
  return *t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkhub::ai;
  // The first byte picks a currency hint, the rest is the caption.
  static const char* const kHints[] = {"", "USD", "VND", "IDR", "EUR", "SEK", "CNY", "XYZ"};
  const std::string hint = size > 0 ? kHints[data[0] % 8] : "";
  const std::string text(reinterpret_cast<const char*>(data) + (size > 0 ? 1 : 0), size > 0 ? size - 1 : 0);
  const bool valid = utf8::find_invalid(text) == std::string::npos;
  CaptionAnalysis a;
  try {
    a = analyse_caption(text, {hint});
  } catch (const InvalidText&) {
    check(!valid);
    return 0;
  }
  check(valid);
  check(utf8::count(a.title) <= 80 && utf8::find_invalid(a.title) == std::string::npos);
  for (const Price& p : a.prices) {
    check(std::isfinite(p.amount) && p.amount >= 0 && p.confidence >= 0 && p.confidence <= 1);
    check(p.currency.size() == 3 && !p.text.empty());
  }
  check(a.language.confidence >= 0 && a.language.confidence <= 1);
  for (const std::string& h : a.hashtags) {
    check(!h.empty() && utf8::find_invalid(h) == std::string::npos);
  }
  TagsRequest request;
  request.text = text;
  request.hashtags = a.hashtags;
  const TagsResult tags = suggest_tags(request, &taxonomy());
  check(tags.tags.size() <= request.max_tags && tags.categories.size() <= 1 + request.alternatives);
  return 0;
}
