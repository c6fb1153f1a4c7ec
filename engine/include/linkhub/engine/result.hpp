#pragma once
// linkhub::Result and linkhub::Error, shared with the Lua sandbox (engine/base).

#include <linkhub/engine/json.hpp>
#include <linkhub/result.hpp>
