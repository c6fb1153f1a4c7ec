#include "caption.hpp"

#include "hashtags.hpp"
#include "title.hpp"
#include "tokenizer.hpp"
#include "utf8.hpp"

#include <algorithm>
#include <cstdio>

namespace linkhub::ai {

void check_text(std::string_view text, std::string_view what, size_t max_bytes) {
  if (text.size() > max_bytes) {
    throw InvalidText(std::string(what) + " is " + std::to_string(text.size()) + " bytes; at most " +
                      std::to_string(max_bytes) + " are analysed");
  }
  if (const size_t bad = utf8::find_invalid(text); bad != std::string_view::npos) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[bad]));
    throw InvalidText(std::string(what) + " is not valid UTF-8: byte " + byte + " at offset " + std::to_string(bad) +
                      " does not start a well-formed sequence");
  }
}

CaptionAnalysis analyse_caption(std::string_view caption, const CaptionOptions& options) {
  check_text(caption, "the caption");
  const Tokens tokens(caption);
  CaptionAnalysis a;
  a.hashtags = find_hashtags(tokens);
  a.mentions = find_mentions(tokens);
  // The language first: shorthand prices ("59k") take their currency from it.
  a.language = guess_language(tokens);
  a.prices = find_prices(tokens, {options.default_currency, a.language.code});
  a.discount_codes = find_discount_codes(tokens);
  const std::vector<CallToAction> all_ctas = find_calls_to_action(tokens);
  // The title ends where a call to action or a discount code offer starts.
  std::vector<TokenSpan> trailing;
  for (const CallToAction& c : all_ctas) {
    trailing.push_back({c.first_token, c.last_token});
  }
  for (const DiscountCode& c : a.discount_codes) {
    trailing.push_back({c.first_token, c.last_token});
  }
  std::sort(trailing.begin(), trailing.end(), [](const TokenSpan& x, const TokenSpan& y) { return x.first < y.first; });
  a.title = clean_title(tokens, trailing);
  a.products = find_products(tokens, a.prices, a.discount_codes, all_ctas);
  a.calls_to_action = distinct_calls_to_action(all_ctas);
  return a;
}

}  // namespace linkhub::ai
