#include "order_input.hpp"

#include "order_store.hpp"
#include "text_fold.hpp"

#include <algorithm>

namespace linkhub::catalog {

using sdk::Json;

namespace {

std::string quoted(const char* key) {
  return std::string("`") + key + "`";
}

}  // namespace

void require_object(const Json& input, const std::string& step) {
  if (!input.is_object()) {
    FieldErrors errors;
    errors.add("the input", "must be a JSON object, found " + describe(input));
    errors.throw_if_any(step, "input");
  }
}

std::optional<std::string> read_text(const Json& input, const char* key, size_t max_chars, FieldErrors& errors,
                                     bool required) {
  const auto it = input.find(key);
  std::string value;
  if (it != input.end() && !it->is_null()) {
    if (!it->is_string()) {
      errors.add(quoted(key), "must be a string, found " + describe(*it));
      return std::nullopt;
    }
    value = trim_space(it->get<std::string>());
  }
  if (value.empty()) {
    if (required) {
      errors.add(quoted(key), "is required (a non-empty string)");
    }
    return std::nullopt;
  }
  if (const size_t chars = utf8_length(value); chars > max_chars) {
    errors.add(quoted(key), "is " + std::to_string(chars) + " characters long; at most " + std::to_string(max_chars) +
                                " are allowed");
    return std::nullopt;
  }
  return value;
}

std::optional<int64_t> read_integer(const Json& input, const char* key, int64_t min, int64_t max, FieldErrors& errors,
                                    bool required) {
  const auto it = input.find(key);
  const std::string range = "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
  if (it == input.end() || it->is_null()) {
    if (required) {
      errors.add(quoted(key), "is required (" + range + ")");
    }
    return std::nullopt;
  }
  if (!it->is_number_integer() || it->get<int64_t>() < min || it->get<int64_t>() > max) {
    errors.add(quoted(key), "must be " + range + ", found " + describe(*it));
    return std::nullopt;
  }
  return it->get<int64_t>();
}

std::optional<std::string> read_wa_id(const Json& input, const char* key, FieldErrors& errors, bool required) {
  auto text = read_text(input, key, 40, errors, required);
  if (!text) {
    return std::nullopt;
  }
  std::string digits = text->front() == '+' ? text->substr(1) : *text;
  const bool all_digits = std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!all_digits || digits.size() < 5 || digits.size() > 20) {
    errors.add(quoted(key), "must be a WhatsApp id: the customer's number in digits, such as \"15551234567\", found " +
                                describe(input.at(key)));
    return std::nullopt;
  }
  return digits;
}

std::optional<std::string> read_status(const Json& input, FieldErrors& errors, bool required) {
  auto status = read_text(input, "status", 40, errors, required);
  if (!status) {
    return std::nullopt;
  }
  const auto& known = order_statuses();
  if (std::find(known.begin(), known.end(), *status) == known.end()) {
    errors.add("`status`",
               "must be one of requested, confirmed, cancelled, fulfilled, found " + describe(input.at("status")));
    return std::nullopt;
  }
  return status;
}

std::optional<int64_t> read_order_id(const Json& input, FieldErrors& errors) {
  const auto it = input.find("id");
  if (it == input.end() || it->is_null()) {
    errors.add("`id`", "is required (the order's id, or its number such as \"LH-000042\")");
    return std::nullopt;
  }
  if (it->is_number_integer() && it->get<int64_t>() >= 1) {
    return it->get<int64_t>();
  }
  if (it->is_string()) {
    if (const auto id = order_id_from_number(trim_space(it->get<std::string>()))) {
      return id;
    }
  }
  errors.add("`id`", "must be an order id (a whole number from 1) or number (\"LH-000042\"), found " + describe(*it));
  return std::nullopt;
}

Json order_id_schema() {
  return {{"type", {"integer", "string"}},
          {"minimum", 1},
          {"maxLength", 40},
          {"description", "The order's id (42) or number (\"LH-000042\")"}};
}

Json order_schema() {
  const Json money = {{"type", "object"},
                      {"properties", {{"amount", {{"type", "number"}}}, {"currency", {{"type", "string"}}}}},
                      {"required", {"amount", "currency"}}};
  const Json change = {{"type", "object"},
                       {"properties",
                        {{"status", {{"type", "string"}}},
                         {"at_ms", {{"type", "integer"}}},
                         {"note", {{"type", {"string", "null"}}}},
                         {"by", {{"type", {"string", "null"}}}}}},
                       {"required", {"status", "at_ms", "note", "by"}}};
  return {{"type", "object"},
          {"properties",
           {{"id", {{"type", "integer"}}},
            {"number", {{"type", "string"}, {"description", "LH- and the id, at least 6 digits: LH-000042"}}},
            {"product_id", {{"type", "integer"}}},
            {"product_title", {{"type", {"string", "null"}}, {"description", "The product's title at order time"}}},
            {"quantity", {{"type", "integer"}}},
            {"variant", {{"type", {"string", "null"}}}},
            {"unit_price", money},
            {"total", money},
            {"customer_wa_id", {{"type", "string"}}},
            {"customer_name", {{"type", {"string", "null"}}}},
            {"status", {{"type", "string"}, {"enum", order_statuses()}}},
            {"history", {{"type", "array"}, {"items", change}, {"description", "Every status, oldest first"}}},
            {"created_ms", {{"type", "integer"}}},
            {"updated_ms", {{"type", "integer"}}},
            {"run_id", {{"type", {"string", "null"}}, {"description", "The run that created it"}}}}},
          {"required",
           {"id", "number", "product_id", "product_title", "quantity", "variant", "unit_price", "total",
            "customer_wa_id", "customer_name", "status", "history", "created_ms", "updated_ms"}}};
}

Json order_output_schema() {
  return {{"type", "object"}, {"properties", {{"order", order_schema()}}}, {"required", {"order"}}};
}

void throw_unknown_order(const std::string& step, int64_t id) {
  throw sdk::StepError(sdk::errors::not_found,
                       step + ": no order with id " + std::to_string(id) + " (" + order_number(id) + ")", false,
                       {{"step", step}, {"order_id", id}});
}

}  // namespace linkhub::catalog
