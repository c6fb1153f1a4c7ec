#pragma once
// The target of a request (path and query) and its parameters into values,
// with no HTTP library involved (fuzzed with the bodies). Errors are 400s
// that name the parameter.

#include "http/api_error.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkhub::http {

struct Target {
  std::vector<std::string> segments;         // the path split on '/', each percent-decoded
  std::map<std::string, std::string> query;  // decoded; a repeated name keeps its last value here...
  std::vector<std::string> repeated;         // ...and is listed here, for check_query to refuse
};
// "/api/v1/runs/abc?limit=5" -> {api, v1, runs, abc}, {limit: 5}. nullopt for a
// malformed target (not starting with '/', a bad %-escape, a NUL byte).
std::optional<Target> parse_target(std::string_view target);

struct Route;
// The query parameters of a request against those its route declares
// (Route::query, the same list the OpenAPI document shows): a name the route
// does not take, or one given twice, is a 400 (unknown_parameter,
// repeated_parameter) naming it, rather than silently ignored or
// silently resolved. Runs once for every route, before authentication; the
// code is the one GET /products already answered (unknown_parameter).
std::optional<ApiError> check_query(const Route& route, const Target& target);

// `text` as an integer within [min, max]; the error names `what` ("header Last-Event-ID").
ApiResult<int64_t> int_value(const std::string& what, std::string_view text, int64_t min, int64_t max);
// An integer query parameter within [min, max]; `fallback` when absent.
ApiResult<int64_t> int_param(const Target& target, const std::string& name, int64_t fallback, int64_t min, int64_t max);
// A duration query parameter ("30s", "500ms", or a bare number of seconds) up to `max`.
ApiResult<std::chrono::milliseconds> duration_param(const Target& target, const std::string& name,
                                                    std::chrono::milliseconds max);

// Opaque paging cursors: the position (created_ms, id) of the last run of a
// page, versioned and base64url-encoded. decode_cursor refuses anything it did not make.
struct Cursor {
  int64_t created_ms = 0;
  std::string id;
};
std::string encode_cursor(const Cursor& cursor);
std::optional<Cursor> decode_cursor(std::string_view text);

}  // namespace linkhub::http
