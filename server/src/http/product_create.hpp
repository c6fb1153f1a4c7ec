#pragma once
// POST /api/v1/products: a product made by hand (not from a video), into
// catalog.upsert's input. Plain functions, no HTTP library, so they are
// tested (and fuzzed) without a server.

#include "http/api_error.hpp"

#include <string>
#include <vector>

namespace linkhub::http {

// The source of products made by hand when the body names none.
inline constexpr const char* kManualSource = "manual";

// The body (a product as catalog.upsert takes it) with `source` defaulting
// to "manual" and `video_id`, when absent, derived from the Idempotency-Key
// (so a replay is the same input) or fresh. 400 wrong_type when the body is
// not an object. The catalog judges every field.
ApiResult<Json> product_create_input(const Json& body, const std::string& idempotency_key);

// The artifacts a product input refers to, with the field naming each:
// {"thumbnails[0].hash", "sha256:..."}, cover.hash, video.hash.
std::vector<std::pair<std::string, std::string>> referenced_artifacts(const Json& input);

// What is wrong with catalog.upsert's output for this route; empty when usable.
std::string upsert_output_problem(const Json& output);

}  // namespace linkhub::http
