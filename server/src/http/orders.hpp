#pragma once
// /api/v1/orders over the catalog plugin's order steps (plugins/catalog:
// catalog.order_list, .order_get, .order_update): the request into a step
// input, the step's failure into an answer, its output checked. Plain
// functions, no HTTP library, so they are tested without a server.

#include "http/api_error.hpp"
#include "http/query.hpp"
#include "http/step_failure.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linkhub::http {

// The query parameters of GET /api/v1/orders.
const std::vector<std::string>& order_list_parameters();

// GET /api/v1/orders?status=&customer=&product=&limit=&cursor= into
// catalog.order_list's input; 400 bad_parameter naming a malformed one.
ApiResult<Json> order_list_input(const Target& target);

// The {id} of /api/v1/orders/{id}: a whole number from 1, or an order number ("LH-000042").
ApiResult<Json> order_id_param(const std::string& text);

// PATCH /api/v1/orders/{id}: {status, note?} into catalog.order_update's
// input, `by` naming who asked. 400 wrong_type / unknown_field / missing_field.
ApiResult<Json> order_patch_input(const Json& id, const Json& body, const std::string& by);

// An order step's failure as an answer: 404 unknown_order, 409
// invalid_transition (details.from, details.to), 400 bad_cursor /
// bad_parameter / invalid_input. nullopt: the code's own status applies.
std::optional<ApiError> order_failure(const StepFailure& failure);

// What is wrong with a step's output for these routes; empty when usable.
std::string order_output_problem(const Json& output);
std::string order_list_output_problem(const Json& output);

}  // namespace linkhub::http
