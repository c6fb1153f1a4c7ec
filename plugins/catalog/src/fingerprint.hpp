#pragma once
// A short, stable fingerprint of a JSON value (FNV-1a 64 over its canonical
// text; nlohmann sorts object keys). Stable across processes and versions,
// unlike std::hash; it tells requests apart, it is not a security measure.

#include <linkhub/plugin.hpp>

#include <string>

namespace linkhub::catalog {

std::string json_fingerprint(const sdk::Json& value);  // 16 hex digits

}  // namespace linkhub::catalog
