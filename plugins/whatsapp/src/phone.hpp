#pragma once
// E.164 phone numbers as WhatsApp takes them: a country code and number of 8
// to 15 digits in all, the first not 0. People write them with '+', spaces,
// dashes, dots and brackets; the Cloud API and wa.me want the digits alone.

#include <optional>
#include <string>
#include <string_view>

namespace linkhub::whatsapp {

// The digits of `text` ("+1 (555) 123-4567" -> "15551234567"), or nullopt
// with `why` set when it is not an E.164 number.
std::optional<std::string> e164_digits(std::string_view text, std::string& why);

}  // namespace linkhub::whatsapp
