#pragma once
// The built-in (offline) caption analysis behind ai.caption: every extractor
// over one tokenisation of the caption.

#include "calls_to_action.hpp"
#include "discounts.hpp"
#include "language.hpp"
#include "prices.hpp"
#include "products.hpp"

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace linkhub::ai {

// Text the extractors refuse: ill-formed UTF-8 (with the byte offset) or a
// caption over max_caption_bytes.
class InvalidText : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

inline constexpr size_t kMaxCaptionBytes = 16u << 20;

struct CaptionOptions {
  std::string default_currency;  // ISO 4217 hint, uppercase; "" for none
};

struct CaptionAnalysis {
  std::vector<std::string> hashtags;
  std::vector<std::string> mentions;
  std::vector<Price> prices;
  std::vector<DiscountCode> discount_codes;
  std::vector<CallToAction> calls_to_action;  // distinct, in caption order
  std::vector<ProductMention> products;
  std::string title;
  LanguageGuess language;
};

// Throws InvalidText. `what` names the offending byte offset for bad UTF-8.
void check_text(std::string_view text, std::string_view what, size_t max_bytes = kMaxCaptionBytes);

CaptionAnalysis analyse_caption(std::string_view caption, const CaptionOptions& options = {});

}  // namespace linkhub::ai
