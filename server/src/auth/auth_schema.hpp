#pragma once
// The server's own tables beside the runs (API keys, users, refresh tokens,
// settings) on their own migration track, "auth", recorded in
// lh_auth_schema_migrations. Releases before this track made the same tables
// as the engine's schema versions 3 and 5: the track adopts them as found.

#include <linkhub/engine/database.hpp>
#include <linkhub/engine/result.hpp>

namespace linkhub {

// The auth schema version this binary writes.
int latest_auth_schema_version();

// Brings the auth tables up to date; the version reached, or an Error naming
// the database and the migration that failed. Safe with several processes
// starting at once.
Result<int> migrate_auth_schema(store::Database& db);

}  // namespace linkhub
