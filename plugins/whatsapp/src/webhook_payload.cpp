#include "webhook_payload.hpp"

#include <charconv>

namespace linkhub::whatsapp {

namespace {

constexpr size_t kMaxItems = 1000;  // per array: Meta sends a handful; a bigger one is not Meta's

std::string str(const Json& object, const char* key) {
  if (!object.is_object()) {
    return {};
  }
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const Json& array(const Json& object, const char* key) {
  static const Json empty = Json::array();
  if (!object.is_object()) {
    return empty;
  }
  const auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : empty;
}

// object[key] when object is an object that has it, else null (a const
// json's operator[] must not be asked for a missing key).
const Json& child(const Json& object, const char* key) {
  static const Json null;
  if (!object.is_object()) {
    return null;
  }
  const auto it = object.find(key);
  return it != object.end() ? *it : null;
}

int64_t seconds(const Json& object, const char* key) {
  const std::string text = str(object, key);
  int64_t out = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out > 0 ? out : 0;
}

// Keeps only the listed keys of `object` that are present.
Json pick(const Json& object, std::initializer_list<const char*> keys) {
  Json out = Json::object();
  if (!object.is_object()) {
    return out;
  }
  for (const char* key : keys) {
    if (const auto it = object.find(key); it != object.end() && !it->is_null()) {
      out[key] = *it;
    }
  }
  return out;
}

Json errors_of(const Json& holder) {
  Json out = Json::array();
  for (const Json& e : array(holder, "errors")) {
    if (out.size() >= kMaxItems || !e.is_object()) {
      continue;
    }
    Json item = pick(e, {"code", "title", "message", "href"});
    if (const auto data = e.find("error_data"); data != e.end() && data->is_object()) {
      if (const std::string details = str(*data, "details"); !details.empty()) {
        item["details"] = details;
      }
    }
    out.push_back(std::move(item));
  }
  return out;
}

void read_message(const Json& m, const std::map<std::string, std::string>& profiles, WebhookDelivery& out) {
  InboundMessage msg;
  msg.id = str(m, "id");
  msg.from = str(m, "from");
  msg.type = str(m, "type");
  if (msg.id.empty() || msg.from.empty()) {
    return;  // not a message anyone can answer or deduplicate
  }
  if (msg.type.empty()) {
    msg.type = "unknown";
  }
  msg.timestamp_s = seconds(m, "timestamp");
  if (const auto it = profiles.find(msg.from); it != profiles.end()) {
    msg.profile_name = it->second;
  }
  Json r{{"id", msg.id}, {"from", msg.from}, {"type", msg.type}, {"timestamp", msg.timestamp_s}};
  if (!msg.profile_name.empty()) {
    r["profile_name"] = msg.profile_name;
  }
  if (const auto ctx = m.find("context"); ctx != m.end() && ctx->is_object()) {
    r["context"] = pick(*ctx, {"from", "id", "forwarded", "frequently_forwarded"});
  }
  const Json& payload = child(m, msg.type.c_str());
  if (msg.type == "text") {
    msg.words = str(payload, "body");
    r["text"] = msg.words;
  } else if (msg.type == "interactive") {
    const std::string kind = str(payload, "type");
    if (kind == "button_reply") {
      r["button"] = pick(child(payload, "button_reply"), {"id", "title"});
      msg.words = str(child(payload, "button_reply"), "title");
    } else if (kind == "list_reply") {
      r["list"] = pick(child(payload, "list_reply"), {"id", "title", "description"});
      msg.words = str(child(payload, "list_reply"), "title");
    } else if (!kind.empty()) {
      r["interactive"] = Json{{"type", kind}};
    }
  } else if (msg.type == "button") {
    // A template's quick-reply button: its payload and its text.
    r["button"] = pick(payload, {"payload", "text"});
    msg.words = str(payload, "text");
  } else if (msg.type == "image" || msg.type == "video" || msg.type == "document" || msg.type == "audio" ||
             msg.type == "sticker") {
    r[msg.type] = pick(payload, {"id", "mime_type", "sha256", "caption", "filename", "voice", "animated", "url"});
  } else if (msg.type == "location") {
    r["location"] = pick(payload, {"latitude", "longitude", "name", "address", "url"});
  } else if (msg.type == "contacts") {
    Json cards = Json::array();
    for (const Json& card : array(m, "contacts")) {
      if (cards.size() < kMaxItems && card.is_object()) {
        cards.push_back(pick(card, {"name", "phones", "emails", "org", "urls", "addresses", "birthday"}));
      }
    }
    r["contacts"] = std::move(cards);
  } else if (msg.type == "reaction") {
    r["reaction"] = pick(payload, {"message_id", "emoji"});
  } else if (msg.type == "order") {
    r["order"] = pick(payload, {"catalog_id", "text", "product_items"});
  }
  if (const auto referral = m.find("referral"); referral != m.end() && referral->is_object()) {
    r["referral"] = pick(*referral, {"source_url", "source_id", "source_type", "headline", "body", "ctwa_clid"});
  }
  if (Json errors = errors_of(m); !errors.empty()) {
    r["errors"] = std::move(errors);
  }
  msg.record = std::move(r);
  out.messages.push_back(std::move(msg));
}

void read_status(const Json& s, WebhookDelivery& out) {
  StatusUpdate st;
  st.id = str(s, "id");
  st.status = str(s, "status");
  if (st.id.empty() || st.status.empty()) {
    return;
  }
  st.recipient_id = str(s, "recipient_id");
  st.timestamp_s = seconds(s, "timestamp");
  st.errors = errors_of(s);
  Json r{{"id", st.id}, {"status", st.status}, {"recipient_id", st.recipient_id}, {"timestamp", st.timestamp_s}};
  if (!st.errors.empty()) {
    r["errors"] = st.errors;
  }
  if (const auto conv = s.find("conversation"); conv != s.end() && conv->is_object()) {
    r["conversation"] = pick(*conv, {"id", "expiration_timestamp", "origin"});
  }
  if (const auto pricing = s.find("pricing"); pricing != s.end() && pricing->is_object()) {
    r["pricing"] = pick(*pricing, {"billable", "pricing_model", "category"});
  }
  if (const std::string data = str(s, "biz_opaque_callback_data"); !data.empty()) {
    r["biz_opaque_callback_data"] = data;
  }
  st.record = std::move(r);
  out.statuses.push_back(std::move(st));
}

}  // namespace

WebhookDelivery parse_webhook_payload(std::string_view raw) {
  const Json doc = Json::parse(raw, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    throw WebhookPayloadError("the webhook body is not a JSON object");
  }
  WebhookDelivery out;
  for (const Json& entry : array(doc, "entry")) {
    for (const Json& change : array(entry, "changes")) {
      const Json& value = child(change, "value");
      if (!value.is_object()) {
        continue;
      }
      for (const Json& contact : array(value, "contacts")) {
        const std::string wa_id = str(contact, "wa_id");
        const std::string name = str(child(contact, "profile"), "name");
        if (!wa_id.empty() && !name.empty() && out.profiles.size() < kMaxItems) {
          out.profiles[wa_id] = name;
        }
      }
      for (const Json& m : array(value, "messages")) {
        if (out.messages.size() < kMaxItems) {
          read_message(m, out.profiles, out);
        }
      }
      for (const Json& s : array(value, "statuses")) {
        if (out.statuses.size() < kMaxItems) {
          read_status(s, out);
        }
      }
    }
  }
  return out;
}

}  // namespace linkhub::whatsapp
