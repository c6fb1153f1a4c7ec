#pragma once
// The whatsapp plugin's own schema track ("whatsapp", versions recorded in
// whatsapp_schema_migrations), run by the SDK's migration runner.

#include "database.hpp"

namespace linkhub::whatsapp {

int latest_schema_version();

// Brings the database up to date (declared in database.hpp, which its
// plugin state needs); throws sdk::StepError.

}  // namespace linkhub::whatsapp
