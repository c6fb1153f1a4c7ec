#pragma once
// Reading conversations back out of the plugin's tables (store.hpp writes
// them): the contact list by latest activity, one contact's messages with
// their statuses, and the contacts an announcement may go to. Each function
// runs inside a Database::read transaction and returns the step's output.
// Cursors are opaque text made of digits, '.' and hex, safe in a URL as is.

#include <linkhub/plugin.hpp>

#include <soci/soci.h>

#include <optional>
#include <string>

namespace linkhub::whatsapp {

// Contacts that have at least one message, newest activity first (ties by
// wa_id), `limit` per page after `cursor`; `q` (may be empty) matches part of
// the wa_id or the profile name, case-insensitively.
// {conversations: [...], next_cursor: string | null}. Throws StepError
// invalid_input (details.reason bad_cursor) for a cursor it did not give out.
sdk::Json list_conversations(soci::session& sql, int limit, const std::string& cursor, const std::string& q,
                             long long now);

// One contact and its messages, newest first, `limit` per page before
// `before`: {contact, messages, next_before}. nullopt when the wa_id is no contact.
std::optional<sdk::Json> read_conversation(soci::session& sql, const std::string& wa_id, int limit,
                                           const std::string& before, long long now);

// Contacts an announcement may go to, by wa_id: never one who opted out;
// one who opted in (START ...) or wrote to the number (a conversation they
// began), or with `opted_in_only` only those who opted in.
// {subscribers: [{wa_id, to, name, opted_in, last_inbound_ms}], next_cursor}.
sdk::Json list_subscribers(soci::session& sql, int limit, const std::string& cursor, bool opted_in_only);

}  // namespace linkhub::whatsapp
