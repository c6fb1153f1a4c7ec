#pragma once
// The plugin's database: its own tables (migrations.cpp, track "whatsapp")
// in the database plugins.whatsapp.database names, else the run database,
// so every node of a cluster shares contacts, rate counters and send records.
// The SDK's plugin database, a few sessions per database: writes are short
// (a few rows per message) and queue on SQLite's write lock; reads (the
// conversations API) never wait for them.

#include <linkhub/plugin.hpp>
#include <linkhub/plugin_database.hpp>

#include <string>

namespace linkhub::whatsapp {

using Database = sdk::PluginDatabase;

void migrate(Database& database);  // migrations.hpp

// The plugin's state: every database its steps used, opened and migrated on first use.
class Databases : public sdk::PluginDatabases {
 public:
  explicit Databases(const sdk::PluginInit&) : PluginDatabases("whatsapp", &migrate) {}
};

// The database for a step: `configured` (plugins.whatsapp.database) when set,
// else the run database. Throws sdk::StepError.
inline Database& database_for(const sdk::Context& ctx, const std::string& configured, const std::string& step) {
  const std::string url = configured.empty() ? ctx.database_url() : configured;
  if (url.empty()) {
    throw sdk::StepError(sdk::errors::invalid_input,
                         step +
                             ": no database: the host gives no run database and plugins.whatsapp.database is not "
                             "set (LINKHUB_PLUGIN_WHATSAPP_DATABASE)");
  }
  return ctx.plugin_state<Databases>().at(url, 4);
}

}  // namespace linkhub::whatsapp
