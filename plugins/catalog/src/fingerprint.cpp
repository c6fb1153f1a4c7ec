#include "fingerprint.hpp"

#include <cstdint>
#include <cstdio>

namespace linkhub::catalog {

std::string json_fingerprint(const sdk::Json& value) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : value.dump()) {
    hash = (hash ^ c) * 1099511628211ull;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

}  // namespace linkhub::catalog
