#pragma once
// The catalog's schema: the "catalog" migration track, recorded in
// catalog_schema_migrations, separate from the engine's own schema.

#include "catalog_database.hpp"

namespace linkhub::catalog {

// The schema version this plugin writes.
int latest_schema_version();

// Brings the schema up to latest_schema_version() with the SDK's runner
// (linkhub/migrations.hpp), one write transaction per migration. Safe when
// several processes open the same database at once (PostgreSQL: an advisory
// lock; SQLite: BEGIN IMMEDIATE). Throws sdk::StepError naming the migration
// that failed (retryable when the database said waiting may help), or for a
// database whose catalog schema is newer than this plugin.
void migrate(CatalogDatabase& database);

// Folds every product's search words again when a migration asked for it
// (catalog_reindex); migrate() calls it.
void reindex_if_asked(CatalogDatabase& database);

}  // namespace linkhub::catalog
