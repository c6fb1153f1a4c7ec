#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace linkhub {

// Parses "250ms", "30s", "5m", "1h30m", "2h", "1h5m10s500ms". Units must
// appear in decreasing order, each at most once; a bare number is not a
// duration. Returns nullopt when the text does not parse.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

std::string format_duration(std::chrono::milliseconds d);

}  // namespace linkhub
