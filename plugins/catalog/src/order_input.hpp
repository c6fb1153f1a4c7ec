#pragma once
// Reading the order steps' inputs: the checks every one of them shares, and
// the JSON Schema of an order as they return it.

#include "field_errors.hpp"

#include <linkhub/plugin.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace linkhub::catalog {

constexpr size_t kMaxOrderNoteChars = 1000;
constexpr size_t kMaxOrderNameChars = 200;

// Fails with "`input` must be a JSON object" unless it is one.
void require_object(const sdk::Json& input, const std::string& step);

// The trimmed string at input[key] (nullopt when absent, null or empty);
// a problem when it is not a string, longer than `max_chars`, or required and missing.
std::optional<std::string> read_text(const sdk::Json& input, const char* key, size_t max_chars, FieldErrors& errors,
                                     bool required = false);

// The whole number at input[key] from `min` to `max`; nullopt when absent (required: a problem).
std::optional<int64_t> read_integer(const sdk::Json& input, const char* key, int64_t min, int64_t max,
                                    FieldErrors& errors, bool required);

// A WhatsApp id: digits only (a leading '+' is dropped), 5 to 20 of them.
std::optional<std::string> read_wa_id(const sdk::Json& input, const char* key, FieldErrors& errors, bool required);

// One of order_statuses(), or nullopt (absent, or a problem).
std::optional<std::string> read_status(const sdk::Json& input, FieldErrors& errors, bool required);

// The order `id`: a whole number from 1, or an order number such as "LH-000042".
std::optional<int64_t> read_order_id(const sdk::Json& input, FieldErrors& errors);

// The JSON Schema of `id` in order_get and order_update.
sdk::Json order_id_schema();
// {order: <order>} and the order itself.
sdk::Json order_schema();
sdk::Json order_output_schema();

// A permanent not_found error naming the order.
[[noreturn]] void throw_unknown_order(const std::string& step, int64_t id);

}  // namespace linkhub::catalog
