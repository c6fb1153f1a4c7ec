#pragma once
// The OpenAPI 3 document of the API, built from the route table, so it
// cannot drift from what the router serves (a test checks both ways).

#include "http/router.hpp"

#include <vector>

namespace linkhub::http {

Json openapi_document(const std::vector<Route>& routes);

}  // namespace linkhub::http
