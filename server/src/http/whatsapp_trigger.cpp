#include "http/whatsapp_trigger.hpp"

namespace linkhub::http {
namespace {

constexpr const char* kShape = "whatsapp: expected {on: message|status, type: TYPE or [TYPES], text: REGEX}";

// One trigger, or why it is malformed: (JSON pointer below the trigger, message).
struct Parsed {
  std::optional<WhatsappTrigger> trigger;
  std::vector<std::pair<std::string, std::string>> problems;
};

Parsed parse(const Json& spec) {
  Parsed out;
  if (spec.is_null()) {
    out.trigger = WhatsappTrigger{};  // `- whatsapp:` alone: every message
    return out;
  }
  if (!spec.is_object()) {
    out.problems.emplace_back("", kShape);
    return out;
  }
  WhatsappTrigger t;
  for (const auto& [key, value] : spec.items()) {
    if (key == "on") {
      if (value != "message" && value != "status") {
        out.problems.emplace_back("/on", "whatsapp.on: expected message or status, found " + value.dump());
      } else {
        t.on = value.get<std::string>();
      }
    } else if (key == "type") {
      const Json list = value.is_string() ? Json::array({value}) : value;
      const bool strings = list.is_array() && !list.empty() && std::all_of(list.begin(), list.end(), [](const Json& v) {
                             return v.is_string() && !v.get<std::string>().empty();
                           });
      if (!strings) {
        out.problems.emplace_back("/type",
                                  "whatsapp.type: expected a message type (text, interactive, button, "
                                  "image, ...) or a list of them, found " +
                                      value.dump());
      } else {
        t.types = list.get<std::vector<std::string>>();
      }
    } else if (key == "text") {
      if (!value.is_string()) {
        out.problems.emplace_back("/text", "whatsapp.text: expected a regular expression, found " + value.dump());
        continue;
      }
      std::string pattern = value.get<std::string>();
      auto flags = std::regex::ECMAScript | std::regex::optimize;
      // (?i) is how most engines spell case-insensitive; std::regex takes a flag instead.
      if (pattern.rfind("(?i)", 0) == 0) {
        pattern.erase(0, 4);
        flags |= std::regex::icase;
      }
      try {
        t.text = std::regex(pattern, flags);
      } catch (const std::regex_error& e) {
        out.problems.emplace_back("/text",
                                  "whatsapp.text: not a valid regular expression (" + std::string(e.what()) + ")");
      }
    } else {
      out.problems.emplace_back("/" + key, "unknown whatsapp trigger key '" + key + "' (expected on, type, text)");
    }
  }
  if (out.problems.empty()) {
    out.trigger = std::move(t);
  }
  return out;
}

template <class F>
void each_whatsapp(const Json& triggers, F&& f) {
  if (!triggers.is_array()) {
    return;
  }
  for (size_t i = 0; i < triggers.size(); ++i) {
    const Json& t = triggers[i];
    if (t.is_object() && t.contains("whatsapp")) {
      f(i, t["whatsapp"]);
    }
  }
}

}  // namespace

std::vector<WhatsappTrigger> whatsapp_triggers(const Json& triggers) {
  std::vector<WhatsappTrigger> out;
  each_whatsapp(triggers, [&](size_t, const Json& spec) {
    if (auto parsed = parse(spec); parsed.trigger) {
      out.push_back(std::move(*parsed.trigger));
    }
  });
  return out;
}

Diagnostics whatsapp_trigger_problems(const Workflow& workflow) {
  Diagnostics out;
  each_whatsapp(workflow.triggers, [&](size_t i, const Json& spec) {
    const std::string base = "/triggers/" + std::to_string(i) + "/whatsapp";
    for (const auto& [pointer, message] : parse(spec).problems) {
      out.push_back(Diagnostic{workflow.file, workflow.position(base + pointer), "", "invalid-trigger", message});
    }
  });
  return out;
}

std::string whatsapp_message_text(const Json& message) {
  const auto text_at = [&](const char* object, const char* field) -> std::string {
    const auto it = message.find(object);
    if (it == message.end() || !it->is_object()) {
      return "";
    }
    const auto f = it->find(field);
    return f != it->end() && f->is_string() ? f->get<std::string>() : "";
  };
  if (auto it = message.find("text"); it != message.end()) {
    if (it->is_string()) {
      return it->get<std::string>();
    }
    if (std::string body = text_at("text", "body"); !body.empty()) {
      return body;
    }
  }
  for (const auto& [object, field] : {std::pair{"button", "text"}, {"button", "title"}, {"list", "title"}}) {
    if (std::string t = text_at(object, field); !t.empty()) {
      return t;
    }
  }
  return "";
}

bool whatsapp_trigger_matches(const WhatsappTrigger& trigger, const Json& message) {
  if (trigger.on != "message") {
    return false;
  }
  if (!trigger.types.empty()) {
    const std::string type = message.value("type", "");
    if (std::find(trigger.types.begin(), trigger.types.end(), type) == trigger.types.end()) {
      return false;
    }
  }
  return !trigger.text || std::regex_search(whatsapp_message_text(message), *trigger.text);
}

}  // namespace linkhub::http
