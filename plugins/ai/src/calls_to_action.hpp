#pragma once
// Calls to action, normalised to ids whatever the language: "link in bio",
// "link di bio", "lien en bio" are all link_in_bio. The phrase list is in
// calls_to_action.cpp and the README.

#include "tokenizer.hpp"

#include <string>
#include <vector>

namespace linkhub::ai {

struct CallToAction {
  std::string id;       // link_in_bio, shop_now, order_now, comment_keyword, dm, yellow_basket, ...
  std::string text;     // the matched words as written
  std::string keyword;  // comment_keyword: the word to comment ("BUY"); else empty
  size_t first_token = 0;
  size_t last_token = 0;
};

// Every occurrence, in caption order.
std::vector<CallToAction> find_calls_to_action(const Tokens& tokens);
// The first occurrence of each (id, keyword).
std::vector<CallToAction> distinct_calls_to_action(const std::vector<CallToAction>& all);

}  // namespace linkhub::ai
