#pragma once
// The rules for names people give things. A name becomes a file name, a URL
// segment, a log field, a metrics label and a cell in a terminal table, so
// it is checked where it enters (the workflow loader, the registry route, the
// key and user commands) against the one rule here, and text shown on a
// terminal goes through terminal_safe.
//
//   workflow names     [a-z0-9][a-z0-9_.-]{0,63}   (no '/', no "..", no markup)
//   step ids, inputs   [A-Za-z_][A-Za-z0-9_-]{0,63} (expressions name them: steps.<id>.output)
//   user names         1 to 64 of A-Z a-z 0-9 . _ - @  (valid_user_name in server/src/auth/auth_store.hpp)
//   API key names      free text up to 200 bytes, no control characters

#include <string>
#include <string_view>

namespace linkhub {

inline constexpr std::string_view kNameRule =
    "1 to 64 characters from a-z, 0-9, '_', '.' and '-', starting with a letter or digit";
inline constexpr std::string_view kIdRule =
    "1 to 64 characters from letters, digits, '_' and '-', starting with a letter or '_'";

// A workflow name: kNameRule.
bool valid_name(std::string_view name);
// A step id or input name: kIdRule.
bool valid_id(std::string_view id);
// Free text (an API key's name): valid UTF-8, at most max_bytes, and no
// control characters (C0, DEL, C1) or bidirectional overrides.
bool valid_label(std::string_view text, size_t max_bytes = 200);

// Text for a terminal: control characters, bidirectional overrides and bytes
// that are not UTF-8 are shown escaped (ESC as \e, others as \xNN or \u{NNNN}),
// so stored text can never move the cursor, clear the screen or retitle it.
std::string terminal_safe(std::string_view text);

}  // namespace linkhub
