// RFC 3986 percent-encoding, written once for every URL the SDK builds:
// query values and paths for the HTTP client, canonical requests for SigV4.
#pragma once

#include <string>
#include <string_view>

namespace linkhub::sdk::http {

// Everything but the unreserved characters (A-Z a-z 0-9 - . _ ~), and '/'
// too unless `keep_slash` (a path keeps its separators), becomes %XX with
// upper-case hex, as SigV4 requires of a canonical request.
inline std::string percent_encode(std::string_view text, bool keep_slash = false) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    // ASCII ranges, not std::isalnum: the result must not depend on the process's locale.
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~' || (keep_slash && c == '/');
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    }
  }
  return out;
}

}  // namespace linkhub::sdk::http
