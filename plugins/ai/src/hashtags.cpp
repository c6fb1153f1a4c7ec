#include "hashtags.hpp"

#include <unordered_set>

namespace linkhub::ai {
namespace {

std::vector<std::string> distinct_bodies(const Tokens& t, TokenKind kind) {
  std::vector<std::string> out;
  std::unordered_set<std::string_view> seen;
  for (const Token& tok : t.list()) {
    if (tok.kind != kind) {
      continue;
    }
    // Lowercase keeps every script's letters ("#ÁoThun" -> "áothun"); the
    // diacritics stay because they change the word in Vietnamese.
    const std::string_view body = t.lower(tok);
    if (seen.insert(body).second) {
      out.emplace_back(body);
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> find_hashtags(const Tokens& t) {
  return distinct_bodies(t, TokenKind::Hashtag);
}

std::vector<std::string> find_mentions(const Tokens& t) {
  return distinct_bodies(t, TokenKind::Mention);
}

}  // namespace linkhub::ai
