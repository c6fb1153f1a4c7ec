#pragma once
// Candidate product mentions: the noun phrase right before a price or a call
// to action ("Linen shirt only $19.99"), after a buying verb ("grab this
// linen dress"), and runs of capitalised words ("Glow Recipe Watermelon
// Serum"). A heuristic without a part-of-speech tagger; see the README.

#include "calls_to_action.hpp"
#include "discounts.hpp"
#include "prices.hpp"
#include "tokenizer.hpp"

#include <string>
#include <vector>

namespace linkhub::ai {

struct ProductMention {
  std::string text;
  std::string source;  // near_price, near_cta, after_verb, capitalised
  double score = 0;    // 0..1, higher when several heuristics agree
};

std::vector<ProductMention> find_products(const Tokens& tokens, const std::vector<Price>& prices,
                                          const std::vector<DiscountCode>& codes, const std::vector<CallToAction>& ctas,
                                          size_t max_results = 5);

}  // namespace linkhub::ai
