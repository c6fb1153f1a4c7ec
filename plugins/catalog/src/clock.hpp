#pragma once
// Times as the catalog stores them (milliseconds since the epoch, UTC) and shows them (ISO 8601).

#include <cstdint>
#include <string>

namespace linkhub::catalog {

int64_t now_ms();

// 1714564800123 -> "2024-05-01T12:00:00.123Z"
std::string iso8601_ms(int64_t ms);

}  // namespace linkhub::catalog
