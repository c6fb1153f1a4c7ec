#pragma once
// Hashtags and mentions, lowercase and without their sign, each once in the
// order they first appear.

#include "tokenizer.hpp"

#include <string>
#include <vector>

namespace linkhub::ai {

std::vector<std::string> find_hashtags(const Tokens& tokens);
std::vector<std::string> find_mentions(const Tokens& tokens);

}  // namespace linkhub::ai
