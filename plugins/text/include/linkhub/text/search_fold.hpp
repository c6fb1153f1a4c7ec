#pragma once
// Folding text for matching and search, shared by the ai plugin (keywords,
// calls to action) and the catalog (its full-text index and the words it is
// asked for), so both fold alike: ICU's NFKC case folding ("ＳＡＬＥ" -> "sale",
// "Straße" -> "strasse"), Latin letters spelled in ASCII without diacritics
// ("Tiếng Việt" -> "tieng viet", "ŁÓDŹ" -> "lodz"), Greek without accents
// ("Άλφα" -> "αλφα"); other scripts keep their marks (Thai vowels, й, Hindi
// matras are letters there, not accents).

#include <string>
#include <string_view>
#include <vector>

namespace linkhub::text {

// Appends the folded `text` (UTF-8; a byte that starts no UTF-8 sequence becomes U+FFFD).
void append_fold(std::string& out, std::string_view text);
std::string fold(std::string_view text);

// The folded words of `text`, split by ICU's word breaks: at spaces,
// punctuation, symbols and emoji, and by dictionary inside the scripts written
// without spaces (Thai, Lao, Khmer, Myanmar, Chinese, Japanese):
// "เสื้อยืดสีขาว" -> {"เสื้อ", "ยืด", "สี", "ขาว"}. A word of Han or kana of three
// characters or more becomes its overlapping pairs ("東京タワー" -> {"東京",
// "京タ", "タワ", "ワー"}), so a part of a compound the dictionary keeps whole
// finds it, on both sides of a search alike. A folded word is split again
// where folding left a character that is no letter, mark or digit ("don't" ->
// {"don", "t"}), so what an index's own tokenizer sees is exactly these words.
std::vector<std::string> search_words(std::string_view text);

// search_words joined by single spaces: what goes into a search index.
std::string search_text(std::string_view text);

}  // namespace linkhub::text
