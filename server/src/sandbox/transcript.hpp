#pragma once
// An outbound Cloud API message as a person reads it on the phone: the text,
// an image or document with its caption, reply buttons as [Title], a list's
// rows, a product card's picture, a template's name and parameters.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace linkhub::sandbox {

// The lines of one message (at least one), without a speaker prefix.
std::vector<std::string> render_message(const nlohmann::json& body);

// "shop < first line" and the next lines indented under it.
std::string transcript_entry(const std::string& speaker, const std::vector<std::string>& lines);

}  // namespace linkhub::sandbox
