#include "screen_text.hpp"

#include "tokenizer.hpp"

#include <algorithm>
#include <cmath>

namespace linkhub::ai {
namespace {

bool same_amount(double a, double b) {
  return std::fabs(a - b) < 0.005;
}

bool same_price(const Price& a, const Price& b) {
  return a.kind == b.kind && a.currency == b.currency && same_amount(a.amount, b.amount);
}

// The prices of one run of confident words of a line.
void read_segment(const std::vector<const ScreenWord*>& segment, const PriceContext& context, ScreenReading& out) {
  if (segment.empty()) {
    return;
  }
  std::string line;
  double least_sure = 100;
  for (const ScreenWord* w : segment) {
    line += (line.empty() ? "" : " ") + w->text;
    least_sure = std::min(least_sure, w->confidence);
  }
  const Tokens tokens(line);
  for (Price& p : find_prices(tokens, context)) {
    const bool seen =
        std::any_of(out.prices.begin(), out.prices.end(), [&](const ScreenPrice& s) { return same_price(s.price, p); });
    if (!seen) {
      out.prices.push_back({std::move(p), segment.front()->frame, least_sure, line});
    }
  }
}

const Price* first_exact(const std::vector<Price>& prices) {
  for (const Price& p : prices) {
    if (p.kind == PriceKind::Exact) {
      return &p;
    }
  }
  return nullptr;
}

}  // namespace

ScreenReading read_screen_prices(const std::vector<ScreenWord>& words, const PriceContext& context,
                                 double min_confidence) {
  ScreenReading out;
  std::vector<const ScreenWord*> segment;
  for (size_t i = 0; i < words.size(); ++i) {
    const ScreenWord& w = words[i];
    if (i == 0 || w.frame != words[i - 1].frame || w.line != words[i - 1].line) {
      read_segment(segment, context, out);
      segment.clear();
      ++out.lines;
    }
    if (w.confidence < min_confidence) {
      // An unsure word ends the run: "$ ?? 9" must not become "$9".
      ++out.words_dropped;
      read_segment(segment, context, out);
      segment.clear();
      continue;
    }
    ++out.words;
    segment.push_back(&w);
  }
  read_segment(segment, context, out);
  return out;
}

PriceComparison compare_prices(const std::vector<Price>& caption, const ScreenReading& screen) {
  PriceComparison out;
  if (caption.empty()) {
    for (const ScreenPrice& s : screen.prices) {
      out.screen_only.push_back(s.price);
    }
    return out;
  }
  std::vector<Price> shown;
  for (const ScreenPrice& s : screen.prices) {
    shown.push_back(s.price);
  }
  const Price* caption_exact = first_exact(caption);
  const Price* screen_exact = first_exact(shown);
  if (caption_exact == nullptr || screen_exact == nullptr) {
    return out;
  }
  for (const Price& c : caption) {
    for (const Price& s : shown) {
      if (c.kind == PriceKind::Exact && s.kind == PriceKind::Exact && same_amount(c.amount, s.amount)) {
        out.confirmed = true;
        return out;
      }
    }
  }
  out.conflict = std::make_pair(*caption_exact, *screen_exact);
  return out;
}

}  // namespace linkhub::ai
