#pragma once
// Small text helpers shared by the providers.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkhub::tiktok {

// Text from a server, fit for an error message: valid UTF-8 kept, control
// characters and broken bytes replaced by ' ', whitespace runs collapsed,
// cut to about max_bytes on a character boundary ("..." appended when cut).
std::string excerpt(std::string_view text, size_t max_bytes = 200);

// "#tag" words of a caption, in order, without '#', each once. A tag ends at
// whitespace, another '#' or ASCII punctuation other than '_'.
std::vector<std::string> hashtags_from_text(std::string_view text);

// 1626121503 -> "2021-07-12T20:25:03Z"; nullopt when out of range.
std::optional<std::string> iso8601_from_unix(int64_t seconds);

// "20210712" -> "2021-07-12"; nullopt unless 8 digits of a plausible date.
std::optional<std::string> iso_date_from_yyyymmdd(std::string_view text);

// "2021-07-12T20:25:03Z", "2021-07-12T20:25:03.000Z", "2021-07-12T22:25:03+02:00"
// or "2021-07-12" (midnight UTC) -> seconds since 1970; nullopt otherwise.
std::optional<int64_t> unix_from_iso8601(std::string_view text);

}  // namespace linkhub::tiktok
