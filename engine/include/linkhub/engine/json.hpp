#pragma once

#include <nlohmann/json.hpp>

namespace linkhub {

// Every value a workflow moves between steps is JSON.
using Json = nlohmann::json;

}  // namespace linkhub
