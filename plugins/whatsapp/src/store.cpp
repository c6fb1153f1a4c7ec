#include "store.hpp"

#include "error_reasons.hpp"
#include "opt_out.hpp"

#include <algorithm>
#include <chrono>

namespace linkhub::whatsapp {

using sdk::Json;

namespace {

constexpr long long kSecondMs = 1000;

long long changed_rows(soci::statement& st) {
  st.execute(true);
  return st.get_affected_rows();
}

int status_rank(const std::string& status) {
  if (status == "failed") {
    return 4;
  }
  if (status == "read" || status == "played") {
    return 3;
  }
  if (status == "delivered") {
    return 2;
  }
  if (status == "sent") {
    return 1;
  }
  return 0;  // accepted, received, anything new
}

void set_opt(soci::session& sql, const std::string& wa_id, bool out, long long now) {
  const int in_flag = out ? 0 : 1;
  const int out_flag = out ? 1 : 0;
  sql << "INSERT INTO whatsapp_contacts (wa_id, opted_in, opted_in_ms, opted_out, opted_out_ms, created_ms, "
         "updated_ms) VALUES (:w, :i, :t, :o, :t2, :c, :u) ON CONFLICT (wa_id) DO UPDATE SET "
         "opted_in = excluded.opted_in, opted_out = excluded.opted_out, updated_ms = excluded.updated_ms, "
      << (out ? "opted_out_ms = excluded.opted_out_ms" : "opted_in_ms = excluded.opted_in_ms"),
      soci::use(wa_id), soci::use(in_flag), soci::use(now), soci::use(out_flag), soci::use(now), soci::use(now),
      soci::use(now);
}

}  // namespace

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<RecordedSend> find_send(soci::session& sql, const std::string& key) {
  if (key.empty()) {
    return std::nullopt;
  }
  RecordedSend out;
  sql << "SELECT fingerprint, wamid, wa_id, kind FROM whatsapp_sends WHERE idempotency_key = :k",
      soci::into(out.fingerprint), soci::into(out.wamid), soci::into(out.wa_id), soci::into(out.kind), soci::use(key);
  if (!sql.got_data()) {
    return std::nullopt;
  }
  return out;
}

void admit_send(soci::session& sql, const Settings& settings, const std::string& wa_id, const std::string& kind,
                long long now) {
  const bool postgres = sql.get_backend_name() == "postgresql";
  // The contact's row (made when missing) holds its pace; locked on PostgreSQL
  // so two nodes sending to one contact take turns.
  sql << "INSERT INTO whatsapp_contacts (wa_id, created_ms, updated_ms) VALUES (:w, :c, :u) "
         "ON CONFLICT (wa_id) DO NOTHING",
      soci::use(wa_id), soci::use(now), soci::use(now);
  int opted_out = 0;
  long long last_inbound = 0;
  long long last_outbound = 0;
  soci::indicator inbound_ind = soci::i_null;
  soci::indicator outbound_ind = soci::i_null;
  sql << "SELECT opted_out, last_inbound_ms, last_outbound_ms FROM whatsapp_contacts WHERE wa_id = :w"
      << (postgres ? " FOR UPDATE" : ""),
      soci::into(opted_out), soci::into(last_inbound, inbound_ind), soci::into(last_outbound, outbound_ind),
      soci::use(wa_id);
  if (opted_out != 0) {
    throw sdk::StepError(kOptedOut,
                         "whatsapp.send: +" + wa_id +
                             " opted out (they sent an opt-out word such as STOP): nothing "
                             "is sent to them until they opt in again",
                         false, {{"reason", reasons::kOptedOut}, {"to", wa_id}});
  }
  const int64_t window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::hours(24)).count();
  if (kind != "template" && (inbound_ind == soci::i_null || now - last_inbound > window_ms)) {
    throw sdk::StepError(
        sdk::errors::forbidden,
        "whatsapp.send: +" + wa_id +
            (inbound_ind == soci::i_null ? " has never written to this number" : " last wrote more than 24 hours ago") +
            ": outside the customer-service window only an approved template may be sent (send `template`); "
            "nothing was sent",
        false, {{"reason", reasons::kOutsideWindow}, {"to", wa_id}, {"hint", "send an approved template"}});
  }
  const int64_t interval = settings.recipient_interval.count();
  if (interval > 0 && outbound_ind == soci::i_ok && now - last_outbound < interval) {
    const int64_t wait = last_outbound + interval - now;
    throw sdk::StepError(sdk::errors::rate_limited,
                         "whatsapp.send: the last message to +" + wa_id + " left less than " +
                             std::to_string(interval) +
                             " ms ago (plugins.whatsapp.recipient_interval_ms); retry "
                             "after " +
                             std::to_string(wait) + " ms",
                         true, {{"reason", reasons::kRecipientPace}, {"to", wa_id}, {"retry_after_ms", wait}});
  }
  const std::string scope = "number:" + settings.phone_number_id;
  const long long zero = 0;
  sql << "INSERT INTO whatsapp_rate (scope, window_ms, used) VALUES (:s, :w, :u) ON CONFLICT (scope) DO NOTHING",
      soci::use(scope), soci::use(zero), soci::use(zero);
  long long window = 0;
  long long used = 0;
  sql << "SELECT window_ms, used FROM whatsapp_rate WHERE scope = :s" << (postgres ? " FOR UPDATE" : ""),
      soci::into(window), soci::into(used), soci::use(scope);
  const long long current = now - now % kSecondMs;
  if (window == current && used >= settings.number_rate_per_second) {
    const int64_t wait = current + kSecondMs - now;
    throw sdk::StepError(sdk::errors::rate_limited,
                         "whatsapp.send: the number already sent " + std::to_string(used) +
                             " messages this second (plugins.whatsapp.number_rate_per_second); retry after " +
                             std::to_string(wait) + " ms",
                         true, {{"reason", reasons::kNumberRate}, {"retry_after_ms", wait}});
  }
  const long long next_used = window == current ? used + 1 : 1;
  sql << "UPDATE whatsapp_rate SET window_ms = :w, used = :u WHERE scope = :s", soci::use(current),
      soci::use(next_used), soci::use(scope);
  sql << "UPDATE whatsapp_contacts SET last_outbound_ms = :t, updated_ms = :u WHERE wa_id = :w", soci::use(now),
      soci::use(now), soci::use(wa_id);
}

void record_send(soci::session& sql, const std::string& key, const std::string& fingerprint, const std::string& wamid,
                 const std::string& wa_id, const std::string& kind, const Json& body, long long now) {
  if (!key.empty()) {
    sql << "INSERT INTO whatsapp_sends (idempotency_key, fingerprint, wamid, wa_id, kind, sent_ms) "
           "VALUES (:k, :f, :m, :w, :t, :s)",
        soci::use(key), soci::use(fingerprint), soci::use(wamid), soci::use(wa_id), soci::use(kind), soci::use(now);
  }
  const std::string text = body.dump();
  sql << "INSERT INTO whatsapp_messages (wamid, direction, wa_id, type, body, status, sent_ms, created_ms, updated_ms) "
         "VALUES (:m, 'out', :w, :t, :b, 'accepted', :s, :c, :u) ON CONFLICT (wamid) DO NOTHING",
      soci::use(wamid), soci::use(wa_id), soci::use(kind), soci::use(text), soci::use(now), soci::use(now),
      soci::use(now);
  sql << "UPDATE whatsapp_contacts SET last_message_ms = CASE WHEN last_message_ms IS NULL OR last_message_ms < :t "
         "THEN :t2 ELSE last_message_ms END WHERE wa_id = :w",
      soci::use(now), soci::use(now), soci::use(wa_id);
  // Meta may report a status before the record is written (the webhook
  // raced the send): those statuses are stored already, so the message
  // starts at the furthest of them.
  std::string status;
  std::string best;
  soci::statement st = (sql.prepare << "SELECT status FROM whatsapp_message_statuses WHERE wamid = :m",
                        soci::into(status), soci::use(wamid));
  st.execute();
  while (st.fetch()) {
    if (status_rank(status) > status_rank(best)) {
      best = status;
    }
  }
  if (!best.empty() && status_rank(best) > 0) {
    sql << "UPDATE whatsapp_messages SET status = :s, updated_ms = :u WHERE wamid = :m AND status = 'accepted'",
        soci::use(best), soci::use(now), soci::use(wamid);
  }
}

StoredDelivery store_delivery(soci::session& sql, const WebhookDelivery& delivery, long long now) {
  StoredDelivery out;
  for (const InboundMessage& m : delivery.messages) {
    // The customer's own time, unless it is missing or ahead of ours.
    const long long at = m.timestamp_s > 0 ? std::min<long long>(m.timestamp_s * kSecondMs, now) : now;
    const std::string body = m.record.dump();
    soci::statement insert =
        (sql.prepare << "INSERT INTO whatsapp_messages (wamid, direction, wa_id, type, body, status, sent_ms, "
                        "created_ms, updated_ms) VALUES (:m, 'in', :w, :t, :b, 'received', :s, :c, :u) "
                        "ON CONFLICT (wamid) DO NOTHING",
         soci::use(m.id), soci::use(m.from), soci::use(m.type), soci::use(body), soci::use(at), soci::use(now),
         soci::use(now));
    const bool is_new = changed_rows(insert) == 1;
    out.is_new.push_back(is_new);
    if (is_new) {
      if (is_opt_out(m.words)) {
        set_opt(sql, m.from, true, now);
      } else if (is_opt_in(m.words)) {
        set_opt(sql, m.from, false, now);
      }
      const std::string& name = m.profile_name;
      soci::indicator name_ind = name.empty() ? soci::i_null : soci::i_ok;
      sql << "INSERT INTO whatsapp_contacts (wa_id, profile_name, last_inbound_ms, created_ms, updated_ms) "
             "VALUES (:w, :n, :l, :c, :u) ON CONFLICT (wa_id) DO UPDATE SET "
             "profile_name = COALESCE(excluded.profile_name, whatsapp_contacts.profile_name), "
             "last_inbound_ms = CASE WHEN whatsapp_contacts.last_inbound_ms IS NULL OR "
             "whatsapp_contacts.last_inbound_ms < excluded.last_inbound_ms THEN excluded.last_inbound_ms "
             "ELSE whatsapp_contacts.last_inbound_ms END, updated_ms = excluded.updated_ms",
          soci::use(m.from), soci::use(name, name_ind), soci::use(at), soci::use(now), soci::use(now);
      sql << "UPDATE whatsapp_contacts SET last_message_ms = CASE WHEN last_message_ms IS NULL OR "
             "last_message_ms < :t THEN :t2 ELSE last_message_ms END WHERE wa_id = :w",
          soci::use(at), soci::use(at), soci::use(m.from);
    }
    int opted_out = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT opted_out FROM whatsapp_contacts WHERE wa_id = :w", soci::into(opted_out, ind), soci::use(m.from);
    out.opted_out.push_back(sql.got_data() && ind == soci::i_ok && opted_out != 0);
  }
  for (const StatusUpdate& s : delivery.statuses) {
    const long long at = s.timestamp_s > 0 ? s.timestamp_s * kSecondMs : now;
    const std::string errors = s.errors.dump();
    soci::statement insert =
        (sql.prepare << "INSERT INTO whatsapp_message_statuses (wamid, status, at_ms, errors, received_ms) "
                        "VALUES (:m, :s, :a, :e, :r) ON CONFLICT (wamid, status) DO NOTHING",
         soci::use(s.id), soci::use(s.status), soci::use(at), soci::use(errors), soci::use(now));
    const bool is_new = changed_rows(insert) == 1;
    out.status_is_new.push_back(is_new);
    if (!is_new) {
      continue;
    }
    std::string current;
    sql << "SELECT status FROM whatsapp_messages WHERE wamid = :m", soci::into(current), soci::use(s.id);
    if (sql.got_data() && status_rank(s.status) > status_rank(current)) {
      sql << "UPDATE whatsapp_messages SET status = :s, updated_ms = :u WHERE wamid = :m", soci::use(s.status),
          soci::use(now), soci::use(s.id);
    }
  }
  return out;
}

}  // namespace linkhub::whatsapp
