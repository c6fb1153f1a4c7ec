#pragma once
// The catalog reads its database URL the way the engine reads its own (the
// SDK's parser), with the complaint as a permanent step error.

#include <linkhub/database_url.hpp>
#include <linkhub/plugin.hpp>

#include <stdexcept>
#include <string>

namespace linkhub::catalog {

using Dialect = sdk::SqlDialect;
using DatabaseUrl = sdk::DatabaseUrl;

inline DatabaseUrl parse_database_url(const std::string& url) {
  try {
    return sdk::parse_database_url(url);
  } catch (const std::invalid_argument& e) {
    throw sdk::StepError(std::string("catalog: ") + e.what());
  }
}

}  // namespace linkhub::catalog
