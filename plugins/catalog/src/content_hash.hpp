#pragma once
// Content hashes as the artifact store gives them out: "sha256:" and 64 hex digits.

#include <optional>
#include <string>
#include <string_view>

namespace linkhub::catalog {

// The hash in canonical form (hex digits lower case), or nullopt when `text`
// is not "sha256:" followed by exactly 64 hex digits.
std::optional<std::string> canonical_content_hash(std::string_view text);

}  // namespace linkhub::catalog
