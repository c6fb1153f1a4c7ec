#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace linkhub {

// The candidate closest to `word` by edit distance, when it is close enough to
// be a likely typo (at most a third of the word's length, at least 1); else "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'needs'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace linkhub
