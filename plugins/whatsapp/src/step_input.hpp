#pragma once
// Reading optional fields of a step's input with the limits the schema
// states, so a host that skipped the schema check still gets a clear
// invalid_input naming the field rather than a surprise.

#include <linkhub/plugin.hpp>

#include <string>

namespace linkhub::whatsapp {

// input[field] as a whole number in [min, max]; `fallback` when absent or null.
int int_field(const sdk::Json& input, const char* field, int fallback, int min, int max, const std::string& step);

// input[field] as text of at most `max_chars` bytes; empty when absent or null.
std::string text_field(const sdk::Json& input, const char* field, size_t max_chars, const std::string& step);

}  // namespace linkhub::whatsapp
