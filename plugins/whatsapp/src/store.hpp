#pragma once
// What the plugin keeps, one function per question, each run inside a
// Database::write transaction: send records (exactly-once), the rules checked
// before a send (opt-out, the 24-hour window, pace and rate, held in the
// database so every node of a cluster sees the same), contacts, messages and
// statuses from webhooks.

#include "settings.hpp"
#include "webhook_payload.hpp"

#include <linkhub/plugin.hpp>

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>

namespace linkhub::whatsapp {

long long now_ms();

struct RecordedSend {
  std::string fingerprint;
  std::string wamid;
  std::string wa_id;
  std::string kind;
};

// The send recorded under `key`, if any.
std::optional<RecordedSend> find_send(soci::session& sql, const std::string& key);

// The rules, in order: an opted-out contact gets nothing (permanent
// opted_out); outside the 24-hour window only a template goes (permanent
// forbidden, with the template hint); then the contact's pace and the
// number's rate (retryable rate_limited with retry_after_ms). When all pass,
// the send is counted against both.
void admit_send(soci::session& sql, const Settings& settings, const std::string& wa_id, const std::string& kind,
                long long now);

// Records an accepted send: under the idempotency key (when there is one)
// and as an outbound message with status "accepted".
void record_send(soci::session& sql, const std::string& key, const std::string& fingerprint, const std::string& wamid,
                 const std::string& wa_id, const std::string& kind, const sdk::Json& body, long long now);

struct StoredDelivery {
  // Per parsed message, in order: false when its wamid was already stored (a repeated delivery).
  std::vector<bool> is_new;
  std::vector<bool> opted_out;  // the contact is opted out after this message
  std::vector<bool> status_is_new;
};

// Stores a delivery: opt-out and opt-in words first, then contacts (profile
// name, last inbound time), messages (dropping wamids already seen) and
// statuses (one per message and status; the message's status moves forward only).
StoredDelivery store_delivery(soci::session& sql, const WebhookDelivery& delivery, long long now);

}  // namespace linkhub::whatsapp
