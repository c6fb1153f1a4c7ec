#include "http/error_status.hpp"

#include <linkhub/engine/error_codes.hpp>

#include <utility>

namespace linkhub::http {

int http_status_for(std::string_view code) {
  namespace ec = error_codes;
  // invalid_input is 400, not 422: the API already answers 400 for every
  // request whose input breaks a schema or a type (bad_parameter, wrong_type,
  // invalid_step_input), and a client treats both as "fix the request"; 422
  // stays for a route's own domain checks (invalid_product).
  // unauthorized is 502, not 401: the remote service refused the plugin's
  // credentials; a 401 would tell the API's caller its own token is bad.
  static constexpr std::pair<const char*, int> kTable[] = {
      {ec::invalid_input, 400}, {ec::not_found, 404},   {ec::conflict, 409}, {ec::forbidden, 403},
      {ec::rate_limited, 429},  {ec::unavailable, 503}, {ec::timeout, 504},  {ec::bad_output, 502},
      {ec::unauthorized, 502},  {ec::step_failed, 500}, {ec::internal, 500},
  };
  for (const auto& [name, status] : kTable) {
    if (code == name) {
      return status;
    }
  }
  return 500;
}

}  // namespace linkhub::http
