#include "message_summary.hpp"

namespace linkhub::whatsapp {

using Json = nlohmann::json;

namespace {

// body[a][b]... as text; empty when any part is missing or not text.
std::string text_at(const Json& body, std::initializer_list<const char*> path) {
  const Json* at = &body;
  for (const char* key : path) {
    if (!at->is_object()) {
      return {};
    }
    const auto it = at->find(key);
    if (it == at->end()) {
      return {};
    }
    at = &*it;
  }
  return at->is_string() ? at->get<std::string>() : std::string();
}

std::string first_of(std::initializer_list<std::string> texts) {
  for (const std::string& t : texts) {
    if (!t.empty()) {
      return t;
    }
  }
  return {};
}

std::string inbound(const std::string& type, const Json& r) {
  if (type == "text") {
    return text_at(r, {"text"});
  }
  if (type == "interactive" || type == "button") {
    return first_of({text_at(r, {"button", "title"}), text_at(r, {"button", "text"}), text_at(r, {"list", "title"})});
  }
  if (type == "image" || type == "video" || type == "document") {
    return first_of({text_at(r, {type.c_str(), "caption"}), text_at(r, {type.c_str(), "filename"})});
  }
  if (type == "location") {
    return first_of({text_at(r, {"location", "name"}), text_at(r, {"location", "address"})});
  }
  if (type == "reaction") {
    return text_at(r, {"reaction", "emoji"});
  }
  if (type == "order") {
    return text_at(r, {"order", "text"});
  }
  return {};
}

std::string outbound(const std::string& kind, const Json& b) {
  if (kind == "text") {
    return text_at(b, {"text", "body"});
  }
  if (kind == "image" || kind == "document") {
    return first_of({text_at(b, {kind.c_str(), "caption"}), text_at(b, {kind.c_str(), "filename"})});
  }
  if (kind == "buttons" || kind == "list" || kind == "product") {
    return text_at(b, {"interactive", "body", "text"});
  }
  if (kind == "template") {
    // The template's name and its body parameters: the words the customer saw, as far as we know them.
    std::string out = "[template " + text_at(b, {"template", "name"}) + "]";
    const Json& components = b.is_object() && b.contains("template") && b["template"].is_object()
                                 ? b["template"].value("components", Json::array())
                                 : Json::array();
    for (const Json& c : components) {
      if (!c.is_object() || c.value("type", "") != "body" || !c.contains("parameters") || !c["parameters"].is_array()) {
        continue;
      }
      for (const Json& p : c["parameters"]) {
        if (const std::string t = text_at(p, {"text"}); !t.empty()) {
          out += " " + t;
        }
      }
    }
    return out;
  }
  return {};
}

}  // namespace

std::string message_summary(const std::string& direction, const std::string& type, const Json& body) {
  const std::string text = direction == "in" ? inbound(type, body) : outbound(type, body);
  return text.empty() ? "[" + type + "]" : text;
}

}  // namespace linkhub::whatsapp
