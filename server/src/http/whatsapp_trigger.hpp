#pragma once
// `triggers: - whatsapp: {on: message, type: text, text: "(?i)^(hi|hello)"}`:
// which workflows an inbound WhatsApp message starts. A message from a
// contact whose conversation is waiting goes to that run instead
// (handlers_whatsapp.cpp); opted-out contacts start nothing.

#include <linkhub/engine/diagnostic.hpp>
#include <linkhub/engine/json.hpp>
#include <linkhub/engine/workflow.hpp>

#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace linkhub::http {

struct WhatsappTrigger {
  std::string on = "message";      // message | status
  std::vector<std::string> types;  // the message types it takes (text, interactive, button, image...); empty: all
  std::optional<std::regex> text;  // the message text (or the reply's title) must contain a match
};

// The workflow's whatsapp triggers; malformed ones are left out (whatsapp_trigger_problems says why).
std::vector<WhatsappTrigger> whatsapp_triggers(const Json& triggers);

// What is wrong with each whatsapp trigger of `workflow`, at its place in the file.
Diagnostics whatsapp_trigger_problems(const Workflow& workflow);

// The text a trigger's pattern is matched against: the message's text, a
// reply button's or list row's title, a template button's text; else empty.
std::string whatsapp_message_text(const Json& message);

// Whether `message` (an item of whatsapp.receive's `messages`) is for this trigger.
bool whatsapp_trigger_matches(const WhatsappTrigger& trigger, const Json& message);

}  // namespace linkhub::http
