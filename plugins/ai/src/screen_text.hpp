#pragma once
// The text on screen as a second source of prices for ai.caption: sellers often
// show the price in the video and not in the caption. The words come from OCR
// (media.ocr) with Tesseract's confidences; the same price extractor as the
// caption's reads them, so a screen price means what a caption price means.
//
// OCR reads textures as letters now and then. Two guards keep that noise from
// becoming a price: a word below the confidence floor splits its line (a price
// is never assembled across an unsure word), and the extractor needs a currency
// mark or the caption's context, as for captions.

#include "prices.hpp"

#include <optional>
#include <string>
#include <vector>

namespace linkhub::ai {

struct ScreenWord {
  std::string text;         // UTF-8, checked by the caller
  double confidence = 100;  // 0-100 (Tesseract's); text given as a string counts as sure
  int frame = 0;            // which frame it was read on (0 = the best)
  int line = 0;             // which line of that frame
};

struct ScreenPrice {
  Price price;                // first_token/last_token refer to `line`
  int frame = 0;              // the frame it was first read on
  double ocr_confidence = 0;  // the least sure of the line's words it was read from
  std::string line;           // the confident words it was read from
};

struct ScreenReading {
  std::vector<ScreenPrice> prices;  // distinct (amount, currency, kind), first read first
  size_t lines = 0;                 // frame lines looked at
  size_t words = 0;                 // words at or above the floor
  size_t words_dropped = 0;         // words below it
};

inline constexpr double kScreenMinConfidence = 80;

// `context` is the caption's: its currency hint and language, so that "299k"
// on a Vietnamese video is dong. Words must be grouped by frame and line, in
// reading order.
ScreenReading read_screen_prices(const std::vector<ScreenWord>& words, const PriceContext& context,
                                 double min_confidence = kScreenMinConfidence);

struct PriceComparison {
  // When the caption has no price: what the screen shows, to use instead.
  std::vector<Price> screen_only;
  // When both show an exact price and no exact amount of one is an exact
  // amount of the other: the caption's and the screen's (their first exact ones).
  std::optional<std::pair<Price, Price>> conflict;
  bool confirmed = false;  // an exact caption amount is on screen too
};

// Amounts are compared, not currencies: OCR confuses currency marks more
// often than sellers show two currencies.
PriceComparison compare_prices(const std::vector<Price>& caption, const ScreenReading& screen);

}  // namespace linkhub::ai
