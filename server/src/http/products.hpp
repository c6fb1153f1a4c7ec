#pragma once
// /api/v1/products over the catalog plugin's steps (plugins/catalog): the
// request into a step input, the step's failure into an answer, and its
// output checked before it is sent. Plain functions, no HTTP library, so
// they are tested (and fuzzed) without a server.

#include "http/api_error.hpp"
#include "http/query.hpp"
#include "http/step_failure.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkhub::http {

// The query parameters of GET /api/v1/products, in the API's names.
const std::vector<std::string>& product_search_parameters();

// GET /api/v1/products?q=&category=&min_price=... into catalog.search's input.
// 400 bad_parameter naming the parameter for a malformed value (a negative or
// non-numeric price, min_price above max_price, limit outside 1..100, a
// boolean that is not true/false), 400 unknown_parameter for a name the route
// does not take. What only the catalog can judge (sort, currency, cursor) it judges.
ApiResult<Json> product_search_input(const Target& target);

// The {id} of /api/v1/products/{id}: a whole number from 1.
ApiResult<int64_t> product_id_param(const std::string& text);

// PATCH /api/v1/products/{id}: a JSON object of editable fields, each
// replacing the stored one whole (null removes it), into catalog.update's
// input. 400 wrong_type / unknown_field / empty_patch naming the field.
ApiResult<Json> product_patch_input(int64_t product_id, const Json& patch);

// A catalog failure, by its code and details (never its message), as an
// answer: 400 bad_parameter / bad_cursor for a bad search parameter or cursor
// (named in details.parameter), 400 invalid_input for bad step input, 422
// invalid_product when an edit would make the product invalid (details.field),
// 409 idempotency_key_reused. nullopt: the code's own status applies
// (error_status.hpp; 404 for not_found, 409 for conflict, 500 without a code).
std::optional<ApiError> catalog_failure(const StepFailure& failure);

// What is wrong with a step's output for this route; empty when it is usable.
std::string search_output_problem(const Json& output);
std::string get_output_problem(const Json& output, int64_t product_id);
std::string update_output_problem(const Json& output, int64_t product_id);
std::string delete_output_problem(const Json& output, int64_t product_id);

}  // namespace linkhub::http
