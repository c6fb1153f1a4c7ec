#pragma once
// The engine's schema: the "engine" migration track (sdk/include/linkhub/migrations.hpp),
// its versions recorded in lh_schema_migrations.

#include <linkhub/engine/database.hpp>

namespace linkhub::store {

// The newest schema version this binary knows.
int latest_schema_version();

// Applies the missing migrations, each in its own transaction. Refuses a
// database whose engine schema is newer than this binary.
Result<int> migrate(Database& db);

}  // namespace linkhub::store
