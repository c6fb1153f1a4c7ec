#pragma once
// One line of text for a stored message, as a conversation list shows it:
// what the customer typed or tapped, or what was sent. Inbound messages are
// stored as whatsapp.receive's records, outbound ones as the Cloud API's
// request bodies, so each direction has its own reading. Pure: no I/O.

#include <nlohmann/json.hpp>

#include <string>

namespace linkhub::whatsapp {

// `direction` is "in" or "out", `type` the stored type (a message type for
// inbound, whatsapp.send's kind for outbound), `body` the stored JSON.
// Never empty: a message with no words reads as "[image]", "[location]" ...
std::string message_summary(const std::string& direction, const std::string& type, const nlohmann::json& body);

}  // namespace linkhub::whatsapp
