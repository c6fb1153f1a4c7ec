#pragma once
// The one table from a failure's code (engine/include/linkhub/engine/error_codes.hpp,
// or a plugin's own) to the HTTP status the API answers with. Handlers look
// the code up here and never read a failure's message.

#include <string_view>

namespace linkhub::http {

// 404 not_found, 409 conflict, 400 invalid_input, 403 forbidden, 429
// rate_limited, 503 unavailable, 504 timeout, 502 bad_output and
// unauthorized, 500 for every other code (a plugin's unknown code is a
// failure of the server's side until someone gives it a status here).
int http_status_for(std::string_view code);

}  // namespace linkhub::http
