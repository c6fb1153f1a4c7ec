#include "migrations.hpp"

#include "database.hpp"

#include <linkhub/migrations_soci.hpp>

namespace linkhub::whatsapp {

namespace {

// Append only: a released migration never changes; a change is a new version.
// One text for both dialects: TEXT, BIGINT and INTEGER mean the same to both,
// and flags are 0/1 integers.
sdk::MigrationTrack track() {
  return {"whatsapp",
          {{1,
            "contacts, messages and their statuses, send records, rate counters",
            {
                "CREATE TABLE whatsapp_contacts ("
                " wa_id TEXT PRIMARY KEY, profile_name TEXT,"
                " opted_in INTEGER NOT NULL DEFAULT 0, opted_in_ms BIGINT,"
                " opted_out INTEGER NOT NULL DEFAULT 0, opted_out_ms BIGINT,"
                " last_inbound_ms BIGINT, last_outbound_ms BIGINT,"
                " created_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL)",
                // In and out; an inbound wamid seen twice is a delivery Meta repeated.
                "CREATE TABLE whatsapp_messages ("
                " wamid TEXT PRIMARY KEY, direction TEXT NOT NULL, wa_id TEXT NOT NULL, type TEXT NOT NULL,"
                " body TEXT NOT NULL, status TEXT NOT NULL, sent_ms BIGINT,"
                " created_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL)",
                "CREATE INDEX whatsapp_messages_by_contact ON whatsapp_messages (wa_id, created_ms)",
                "CREATE TABLE whatsapp_message_statuses ("
                " wamid TEXT NOT NULL, status TEXT NOT NULL, at_ms BIGINT NOT NULL, errors TEXT,"
                " received_ms BIGINT NOT NULL, PRIMARY KEY (wamid, status))",
                // whatsapp.send's exactly-once record: the wamid under the step's idempotency key.
                "CREATE TABLE whatsapp_sends ("
                " idempotency_key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, wamid TEXT NOT NULL,"
                " wa_id TEXT NOT NULL, kind TEXT NOT NULL, sent_ms BIGINT NOT NULL)",
                // Fixed one-second windows per sending number.
                "CREATE TABLE whatsapp_rate ("
                " scope TEXT PRIMARY KEY, window_ms BIGINT NOT NULL, used BIGINT NOT NULL)",
            }},
           {2,
            "conversations: each contact's last message time, messages by their own time",
            {
                // The conversation list's order (newest activity first) without scanning every message.
                "ALTER TABLE whatsapp_contacts ADD COLUMN last_message_ms BIGINT",
                "UPDATE whatsapp_contacts SET last_message_ms = (SELECT MAX(m.sent_ms) FROM whatsapp_messages m"
                " WHERE m.wa_id = whatsapp_contacts.wa_id)",
                "CREATE INDEX whatsapp_contacts_by_activity ON whatsapp_contacts (last_message_ms, wa_id)",
                "CREATE INDEX whatsapp_messages_by_time ON whatsapp_messages (wa_id, sent_ms, created_ms, wamid)",
            }},
           {3,
            "messages by their own time across contacts (whatsapp.stats counts them per day)",
            {
                "CREATE INDEX whatsapp_messages_by_sent ON whatsapp_messages (sent_ms)",
            }}}};
}

constexpr long long kPostgresMigrationLock = 7812734665395251560;  // "lhwamig"-ish, beside the catalog's

}  // namespace

int latest_schema_version() {
  return track().latest();
}

void migrate(Database& database) {
  const auto hooks = sdk::soci_migration_database(
      [&](const std::function<void(soci::session&)>& body) {
        database.write([&](soci::session& sql) {
          if (database.postgres()) {
            sdk::lock_postgres_migrations(sql, kPostgresMigrationLock);
          }
          body(sql);
        });
      },
      {"whatsapp_schema_migrations", "description"});
  try {
    sdk::run_migrations(track(), hooks);
  } catch (const sdk::MigrationError& e) {
    throw sdk::StepError(sdk::errors::internal, "whatsapp: the database " + database.display() + ": " + e.what());
  }
}

}  // namespace linkhub::whatsapp
