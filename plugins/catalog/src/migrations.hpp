#pragma once
// The catalog's schema: versioned, forward-only migrations recorded in
// catalog_schema_migrations, separate from the engine's own schema.

#include "database_url.hpp"

#include <soci/soci.h>

#include <string>

namespace linkhub::catalog {

// The schema version this plugin writes.
int latest_schema_version();

// Brings the schema up to latest_schema_version(); call inside a write
// transaction. Safe when several processes open the same database at once
// (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE). Throws a permanent
// sdk::StepError for a database whose catalog schema is newer than this plugin.
void migrate(soci::session& sql, Dialect dialect, const std::string& display);

}  // namespace linkhub::catalog
