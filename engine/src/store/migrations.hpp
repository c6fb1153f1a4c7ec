#pragma once
// The schema, as forward-only migrations recorded in lh_schema_migrations.

#include "database.hpp"

namespace linkhub::store {

// The newest schema version this binary knows.
int latest_schema_version();

// Applies the missing migrations, each in its own transaction. Refuses a
// database whose schema is newer than this binary.
Result<int> migrate(Database& db);

}  // namespace linkhub::store
