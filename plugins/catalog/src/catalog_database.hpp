#pragma once
// The catalog's database: the SDK's plugin database (pooled SOCI sessions,
// transactions alike on SQLite and PostgreSQL, failures as step errors) with
// the catalog's migrations (migrations.cpp, track "catalog").

#include "database_url.hpp"

#include <linkhub/plugin.hpp>
#include <linkhub/plugin_database.hpp>

namespace linkhub::catalog {

using CatalogDatabase = sdk::PluginDatabase;

void migrate(CatalogDatabase& database);  // migrations.hpp

// The plugin's state: every database its steps used.
class CatalogDatabases : public sdk::PluginDatabases {
 public:
  explicit CatalogDatabases(const sdk::PluginInit&) : PluginDatabases("catalog", &migrate) {}
};

}  // namespace linkhub::catalog
