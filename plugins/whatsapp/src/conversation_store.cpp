#include "conversation_store.hpp"

#include "message_summary.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <vector>

namespace linkhub::whatsapp {

using sdk::Json;

namespace {

constexpr size_t kMaxCursorChars = 600;

long long window_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::hours(24)).count();
}

[[noreturn]] void bad_cursor(const std::string& step, const std::string& field) {
  const std::string problem = "`" + field + "` is not a cursor this step gave out; pass the " +
                              (field == "before" ? std::string("next_before") : std::string("next_cursor")) +
                              " of the previous page unchanged, or leave it out to start again";
  throw sdk::StepError(sdk::errors::invalid_input, step + ": " + problem, false,
                       {{"reason", "bad_cursor"}, {"field", field}, {"problem", problem}});
}

bool all_digits(std::string_view text) {
  return !text.empty() && text.size() <= 20 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<long long> to_number(std::string_view text) {
  long long out = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return out;
}

std::string to_hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xF];
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.empty() || hex.size() % 2 != 0) {
    return std::nullopt;
  }
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
    if (ec != std::errc() || end != hex.data() + i + 2) {
      return std::nullopt;
    }
    out += static_cast<char>(value);
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t at = text.find(sep); at != std::string_view::npos; at = text.find(sep, start)) {
    parts.push_back(text.substr(start, at - start));
    start = at + 1;
  }
  parts.push_back(text.substr(start));
  return parts;
}

Json nullable(long long value, soci::indicator ind) {
  return ind == soci::i_ok ? Json(value) : Json(nullptr);
}

// The `%` and `_` of a LIKE pattern taken literally (ESCAPE '\').
std::string like_pattern(const std::string& q) {
  std::string out = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') {
      out += '\\';
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out + "%";
}

struct StoredMessage {
  std::string wamid;
  std::string direction;
  std::string type;
  std::string body;
  std::string status;
  long long sent_ms = 0;
  long long created_ms = 0;
};

Json message_json(const StoredMessage& m) {
  const Json body = Json::parse(m.body, nullptr, false);
  return {
      {"id", m.wamid},      {"direction", m.direction},
      {"type", m.type},     {"text", message_summary(m.direction, m.type, body.is_discarded() ? Json::object() : body)},
      {"at_ms", m.sent_ms}, {"status", m.status}};
}

std::optional<StoredMessage> last_message(soci::session& sql, const std::string& wa_id) {
  StoredMessage m;
  soci::indicator sent_ind = soci::i_null;
  sql << "SELECT wamid, direction, type, body, status, sent_ms, created_ms FROM whatsapp_messages WHERE wa_id = :w "
         "ORDER BY sent_ms DESC, created_ms DESC, wamid DESC LIMIT 1",
      soci::into(m.wamid), soci::into(m.direction), soci::into(m.type), soci::into(m.body), soci::into(m.status),
      soci::into(m.sent_ms, sent_ind), soci::into(m.created_ms), soci::use(wa_id);
  if (!sql.got_data()) {
    return std::nullopt;
  }
  if (sent_ind != soci::i_ok) {
    m.sent_ms = m.created_ms;
  }
  return m;
}

// Each status of a message once, oldest first, with the first of its errors.
Json statuses_of(soci::session& sql, const std::string& wamid) {
  Json out = Json::array();
  std::string status;
  long long at = 0;
  std::string errors;
  soci::indicator errors_ind = soci::i_null;
  soci::statement st = (sql.prepare << "SELECT status, at_ms, errors FROM whatsapp_message_statuses WHERE wamid = :m "
                                       "ORDER BY at_ms, received_ms, status",
                        soci::into(status), soci::into(at), soci::into(errors, errors_ind), soci::use(wamid));
  st.execute();
  while (st.fetch()) {
    Json item{{"status", status}, {"at_ms", at}};
    if (errors_ind == soci::i_ok) {
      const Json list = Json::parse(errors, nullptr, false);
      if (list.is_array() && !list.empty()) {
        item["error"] = list[0];
      }
    }
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace

Json list_conversations(soci::session& sql, int limit, const std::string& cursor, const std::string& q, long long now) {
  constexpr const char* kStep = "whatsapp.conversations";
  int has_cursor = 0;
  long long after_ms = 0;
  std::string after_wa_id;
  if (!cursor.empty()) {
    // "<last_message_ms>.<wa_id>" of the previous page's last row.
    const auto parts = split(cursor, '.');
    const auto ms = parts.size() == 2 ? to_number(parts[0]) : std::nullopt;
    if (cursor.size() > kMaxCursorChars || !ms || !all_digits(parts[1])) {
      bad_cursor(kStep, "cursor");
    }
    has_cursor = 1;
    after_ms = *ms;
    after_wa_id = std::string(parts[1]);
  }
  const std::string pattern = q.empty() ? std::string() : like_pattern(q);
  const int has_q = q.empty() ? 0 : 1;

  struct Row {
    std::string wa_id;
    std::string name;
    bool has_name = false;
    int opted_out = 0;
    long long last_inbound = 0;
    bool has_inbound = false;
    long long last_message = 0;
  };
  std::vector<Row> rows;
  {
    Row r;
    soci::indicator name_ind = soci::i_null;
    soci::indicator inbound_ind = soci::i_null;
    soci::statement st = (sql.prepare << "SELECT wa_id, profile_name, opted_out, last_inbound_ms, last_message_ms FROM "
                                         "whatsapp_contacts WHERE last_message_ms IS NOT NULL "
                                         "AND (:has_cursor = 0 OR last_message_ms < :after_ms "
                                         "OR (last_message_ms = :after_ms2 AND wa_id < :after_wa)) "
                                         "AND (:has_q = 0 OR wa_id LIKE :pattern ESCAPE '\\' "
                                         "OR LOWER(COALESCE(profile_name, '')) LIKE :pattern2 ESCAPE '\\') "
                                         "ORDER BY last_message_ms DESC, wa_id DESC LIMIT "
                                      << (limit + 1),
                          soci::into(r.wa_id), soci::into(r.name, name_ind), soci::into(r.opted_out),
                          soci::into(r.last_inbound, inbound_ind), soci::into(r.last_message), soci::use(has_cursor),
                          soci::use(after_ms), soci::use(after_ms), soci::use(after_wa_id), soci::use(has_q),
                          soci::use(pattern), soci::use(pattern));
    st.execute();
    while (st.fetch()) {
      Row copy = r;
      copy.has_name = name_ind == soci::i_ok;
      copy.has_inbound = inbound_ind == soci::i_ok;
      rows.push_back(std::move(copy));
    }
  }
  Json out{{"conversations", Json::array()}, {"next_cursor", nullptr}};
  const bool more = rows.size() > static_cast<size_t>(limit);
  if (more) {
    rows.resize(static_cast<size_t>(limit));
    out["next_cursor"] = std::to_string(rows.back().last_message) + "." + rows.back().wa_id;
  }
  for (const Row& r : rows) {
    Json item{{"wa_id", r.wa_id},
              {"to", "+" + r.wa_id},
              {"name", r.has_name ? Json(r.name) : Json(nullptr)},
              {"opted_out", r.opted_out != 0},
              {"last_inbound_ms", r.has_inbound ? Json(r.last_inbound) : Json(nullptr)},
              {"window_open", r.has_inbound && now - r.last_inbound < window_ms()},
              {"last_message", nullptr},
              {"messages_in", 0},
              {"messages_out", 0}};
    if (const auto m = last_message(sql, r.wa_id)) {
      Json last = message_json(*m);
      last.erase("id");
      item["last_message"] = std::move(last);
    }
    std::string direction;
    long long count = 0;
    soci::statement counts =
        (sql.prepare << "SELECT direction, COUNT(*) FROM whatsapp_messages WHERE wa_id = :w GROUP BY direction",
         soci::into(direction), soci::into(count), soci::use(r.wa_id));
    counts.execute();
    while (counts.fetch()) {
      item[direction == "in" ? "messages_in" : "messages_out"] = count;
    }
    out["conversations"].push_back(std::move(item));
  }
  return out;
}

std::optional<Json> read_conversation(soci::session& sql, const std::string& wa_id, int limit,
                                      const std::string& before, long long now) {
  int has_before = 0;
  long long before_sent = 0;
  long long before_created = 0;
  std::string before_wamid;
  if (!before.empty()) {
    // "<sent_ms>.<created_ms>.<hex wamid>" of the previous page's oldest message.
    const auto parts = split(before, '.');
    const auto sent = parts.size() == 3 ? to_number(parts[0]) : std::nullopt;
    const auto created = parts.size() == 3 ? to_number(parts[1]) : std::nullopt;
    const auto wamid = parts.size() == 3 ? from_hex(parts[2]) : std::nullopt;
    if (before.size() > kMaxCursorChars || !sent || !created || !wamid) {
      bad_cursor("whatsapp.conversation", "before");
    }
    has_before = 1;
    before_sent = *sent;
    before_created = *created;
    before_wamid = *wamid;
  }

  std::string name;
  soci::indicator name_ind = soci::i_null;
  int opted_in = 0;
  int opted_out = 0;
  long long opted_in_ms = 0;
  long long opted_out_ms = 0;
  long long last_inbound = 0;
  long long last_outbound = 0;
  long long created = 0;
  soci::indicator in_ms_ind = soci::i_null;
  soci::indicator out_ms_ind = soci::i_null;
  soci::indicator inbound_ind = soci::i_null;
  soci::indicator outbound_ind = soci::i_null;
  sql << "SELECT profile_name, opted_in, opted_in_ms, opted_out, opted_out_ms, last_inbound_ms, last_outbound_ms, "
         "created_ms FROM whatsapp_contacts WHERE wa_id = :w",
      soci::into(name, name_ind), soci::into(opted_in), soci::into(opted_in_ms, in_ms_ind), soci::into(opted_out),
      soci::into(opted_out_ms, out_ms_ind), soci::into(last_inbound, inbound_ind),
      soci::into(last_outbound, outbound_ind), soci::into(created), soci::use(wa_id);
  if (!sql.got_data()) {
    return std::nullopt;
  }
  const bool window_open = inbound_ind == soci::i_ok && now - last_inbound < window_ms();
  Json contact{{"wa_id", wa_id},
               {"to", "+" + wa_id},
               {"name", name_ind == soci::i_ok ? Json(name) : Json(nullptr)},
               {"opted_in", opted_in != 0},
               {"opted_in_ms", nullable(opted_in_ms, in_ms_ind)},
               {"opted_out", opted_out != 0},
               {"opted_out_ms", nullable(opted_out_ms, out_ms_ind)},
               {"last_inbound_ms", nullable(last_inbound, inbound_ind)},
               {"last_outbound_ms", nullable(last_outbound, outbound_ind)},
               {"window_open", window_open},
               {"window_closes_ms", window_open ? Json(last_inbound + window_ms()) : Json(nullptr)},
               {"created_ms", created}};

  std::vector<StoredMessage> messages;
  {
    StoredMessage m;
    soci::statement st =
        (sql.prepare << "SELECT wamid, direction, type, body, status, sent_ms, created_ms FROM whatsapp_messages "
                        "WHERE wa_id = :w AND (:has_before = 0 OR sent_ms < :s OR (sent_ms = :s2 AND "
                        "(created_ms < :c OR (created_ms = :c2 AND wamid < :m)))) "
                        "ORDER BY sent_ms DESC, created_ms DESC, wamid DESC LIMIT "
                     << (limit + 1),
         soci::into(m.wamid), soci::into(m.direction), soci::into(m.type), soci::into(m.body), soci::into(m.status),
         soci::into(m.sent_ms), soci::into(m.created_ms), soci::use(wa_id), soci::use(has_before),
         soci::use(before_sent), soci::use(before_sent), soci::use(before_created), soci::use(before_created),
         soci::use(before_wamid));
    st.execute();
    while (st.fetch()) {
      messages.push_back(m);
    }
  }
  Json out{{"contact", std::move(contact)}, {"messages", Json::array()}, {"next_before", nullptr}};
  if (messages.size() > static_cast<size_t>(limit)) {
    messages.resize(static_cast<size_t>(limit));
    const StoredMessage& oldest = messages.back();
    out["next_before"] =
        std::to_string(oldest.sent_ms) + "." + std::to_string(oldest.created_ms) + "." + to_hex(oldest.wamid);
  }
  for (const StoredMessage& m : messages) {
    Json item = message_json(m);
    item["statuses"] = statuses_of(sql, m.wamid);
    out["messages"].push_back(std::move(item));
  }
  return out;
}

Json list_subscribers(soci::session& sql, int limit, const std::string& cursor, bool opted_in_only) {
  if (!cursor.empty() && !all_digits(cursor)) {
    bad_cursor("whatsapp.subscribers", "cursor");
  }
  const int only = opted_in_only ? 1 : 0;
  std::string wa_id;
  std::string name;
  soci::indicator name_ind = soci::i_null;
  int opted_in = 0;
  long long last_inbound = 0;
  soci::indicator inbound_ind = soci::i_null;
  soci::statement st =
      (sql.prepare << "SELECT wa_id, profile_name, opted_in, last_inbound_ms FROM whatsapp_contacts "
                      "WHERE opted_out = 0 AND (opted_in = 1 OR (:only = 0 AND last_inbound_ms IS NOT NULL)) "
                      "AND wa_id > :after ORDER BY wa_id LIMIT "
                   << (limit + 1),
       soci::into(wa_id), soci::into(name, name_ind), soci::into(opted_in), soci::into(last_inbound, inbound_ind),
       soci::use(only), soci::use(cursor));
  st.execute();
  Json out{{"subscribers", Json::array()}, {"next_cursor", nullptr}};
  while (st.fetch()) {
    if (out["subscribers"].size() == static_cast<size_t>(limit)) {
      out["next_cursor"] = out["subscribers"].back()["wa_id"];
      break;
    }
    out["subscribers"].push_back({{"wa_id", wa_id},
                                  {"to", "+" + wa_id},
                                  {"name", name_ind == soci::i_ok ? Json(name) : Json(nullptr)},
                                  {"opted_in", opted_in != 0},
                                  {"last_inbound_ms", nullable(last_inbound, inbound_ind)}});
  }
  return out;
}

}  // namespace linkhub::whatsapp
