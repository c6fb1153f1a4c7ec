#pragma once
// /api/v1/conversations over the whatsapp plugin's steps
// (whatsapp.conversations, whatsapp.conversation): the request into a step
// input, the step's failure into an answer, its output checked before it is
// sent. Plain functions, no HTTP library, tested without a server.

#include "http/api_error.hpp"
#include "http/query.hpp"
#include "http/step_failure.hpp"

#include <optional>
#include <string>

namespace linkhub::http {

// GET /api/v1/conversations?q=&limit=&cursor= into whatsapp.conversations'
// input: 400 bad_parameter naming the parameter for a limit outside 1..100 or a q over 200 bytes.
ApiResult<Json> conversations_input(const Target& target);

// GET /api/v1/conversations/{wa_id}?limit=&before= into whatsapp.conversation's
// input: 400 bad_parameter naming wa_id (digits only, 1 to 20 of them) or limit.
ApiResult<Json> conversation_input(const std::string& wa_id, const Target& target);

// A whatsapp plugin failure as an answer: 400 bad_cursor naming cursor or
// before, 400 bad_parameter naming the field for other bad input, 404
// unknown_contact. nullopt: the code's own status applies.
std::optional<ApiError> conversation_failure(const StepFailure& failure);

// What is wrong with a step's output for these routes; empty when usable.
std::string conversations_output_problem(const Json& output);
std::string conversation_output_problem(const Json& output);

}  // namespace linkhub::http
