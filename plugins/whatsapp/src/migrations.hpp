#pragma once
// The whatsapp plugin's own schema track ("whatsapp", versions recorded in
// whatsapp_schema_migrations), run by the SDK's migration runner.

namespace linkhub::whatsapp {

class Database;

int latest_schema_version();

// Brings the database up to date; throws sdk::StepError.
void migrate(Database& database);

}  // namespace linkhub::whatsapp
