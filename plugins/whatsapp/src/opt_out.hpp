#pragma once
// Opt-out and opt-in words: a message that is nothing but one of them (in
// English, Portuguese, Spanish, Indonesian or Vietnamese; any case, with or
// without diacritics, around spaces and final punctuation) changes what the
// contact may be sent. "stop the delivery" is not an opt-out; "Stop!" is.

#include <string>
#include <string_view>

namespace linkhub::whatsapp {

// `text` case-folded, without diacritics (ICU: NFD, marks removed, full case
// folding, đ as d), trimmed, inner spaces collapsed, final .!? removed.
std::string fold_words(std::string_view text);

bool is_opt_out(std::string_view text);
bool is_opt_in(std::string_view text);

}  // namespace linkhub::whatsapp
