#pragma once
// Search cursors: where the previous page ended (its last item's sort key and
// id), for keyset paging that neither skips nor repeats items. Opaque to
// callers: base64url of a small JSON document that also names the sort and a
// fingerprint of the search, so a cursor cannot be used with another search.

#include <cstdint>
#include <string>

namespace linkhub::catalog {

struct CursorPosition {
  int64_t sort_key = 0;
  int64_t id = 0;
};

std::string encode_cursor(const CursorPosition& after, const std::string& sort, const std::string& search_fingerprint);

// Throws a permanent sdk::StepError of `step` saying what is wrong with `cursor`.
CursorPosition decode_cursor(const std::string& cursor, const std::string& sort, const std::string& search_fingerprint,
                             const std::string& step = "catalog.search");

}  // namespace linkhub::catalog
