#pragma once
// Folding text for full-text search. The plugin folds both what it indexes and
// what it is asked for, in C++ (linkhub/text: ICU, the ai plugin's rules too),
// so SQLite (FTS5) and PostgreSQL (tsvector, 'simple' configuration) see the
// same words: "Café Crème" and "cafe creme" meet, "ÇOK" and "çok" (as "cok"),
// and Thai, Chinese and Japanese titles are indexed word by word.

#include <string>
#include <string_view>
#include <vector>

namespace linkhub::catalog {

// The words of `text`, folded (linkhub::text::search_words): lower case,
// Latin and Greek without diacritics, split at spaces, punctuation, symbols
// and emoji, and by dictionary in Thai, Lao, Khmer, Myanmar, Chinese and
// Japanese; bytes that are not UTF-8 split words too.
std::vector<std::string> search_words(std::string_view text);

// search_words joined by single spaces: what goes into the index.
std::string search_text(std::string_view text);

// The number of characters (code points) of UTF-8 text; a broken byte counts as one.
size_t utf8_length(std::string_view text);

// `text` without the ASCII white space (space, \t \n \r \f \v) at its ends.
std::string trim_space(std::string_view text);

}  // namespace linkhub::catalog
