#pragma once
// Every route linkhub serve answers, in one table (routes.cpp).

#include "http/router.hpp"

#include <vector>

namespace linkhub::http {

std::vector<Route> api_routes();

}  // namespace linkhub::http
