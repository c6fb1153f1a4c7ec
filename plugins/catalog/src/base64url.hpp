#pragma once
// Base64 with the URL-safe alphabet and no padding (RFC 4648 section 5), for
// search cursors that travel in query strings.

#include <optional>
#include <string>
#include <string_view>

namespace linkhub::catalog {

std::string base64url_encode(std::string_view bytes);

// nullopt when `text` has a character outside the alphabet, padding, or a length no encoding has.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace linkhub::catalog
