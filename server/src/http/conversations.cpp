#include "http/conversations.hpp"

#include <linkhub/engine/error_codes.hpp>

#include <algorithm>

namespace linkhub::http {
namespace {

constexpr int64_t kMaxLimit = 100;
constexpr int64_t kDefaultLimit = 50;
constexpr size_t kMaxQuery = 200;
constexpr size_t kMaxWaIdDigits = 20;

ApiError bad_parameter(const std::string& name, const std::string& problem) {
  return bad_request("bad_parameter", "parameter '" + name + "': " + problem, Json{{"parameter", name}});
}

std::string text_of(const Json& object, const char* key) {
  if (!object.is_object()) {
    return {};
  }
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

ApiResult<int64_t> limit_of(const Target& target) {
  return int_param(target, "limit", kDefaultLimit, 1, kMaxLimit);
}

std::string query_value(const Target& target, const std::string& name) {
  const auto it = target.query.find(name);
  return it == target.query.end() ? std::string() : it->second;
}

bool is_message_list(const Json& messages) {
  return messages.is_array() && std::all_of(messages.begin(), messages.end(), [](const Json& m) {
           return m.is_object() && m.contains("id") && m["id"].is_string() && m.contains("direction") &&
                  m.contains("at_ms") && m["at_ms"].is_number_integer();
         });
}

}  // namespace

ApiResult<Json> conversations_input(const Target& target) {
  auto limit = limit_of(target);
  if (!limit) {
    return limit.error();
  }
  Json input{{"limit", *limit}};
  if (const std::string q = query_value(target, "q"); !q.empty()) {
    if (q.size() > kMaxQuery) {
      return bad_parameter("q", "at most " + std::to_string(kMaxQuery) + " bytes");
    }
    input["q"] = q;
  }
  if (const std::string cursor = query_value(target, "cursor"); !cursor.empty()) {
    input["cursor"] = cursor;
  }
  return input;
}

ApiResult<Json> conversation_input(const std::string& wa_id, const Target& target) {
  const bool digits = !wa_id.empty() && wa_id.size() <= kMaxWaIdDigits &&
                      std::all_of(wa_id.begin(), wa_id.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) {
    return bad_parameter("wa_id",
                         "a WhatsApp id is digits only, the number with its country code and no '+' "
                         "(15551234567)");
  }
  auto limit = limit_of(target);
  if (!limit) {
    return limit.error();
  }
  Json input{{"wa_id", wa_id}, {"limit", *limit}};
  if (const std::string before = query_value(target, "before"); !before.empty()) {
    input["before"] = before;
  }
  return input;
}

std::optional<ApiError> conversation_failure(const StepFailure& failure) {
  const Json& d = failure.details;
  if (failure.code == error_codes::not_found && d.is_object() && d.contains("wa_id")) {
    return not_found("unknown_contact",
                     "no conversation with " + text_of(d, "wa_id") +
                         ": nobody with that number wrote to, or was sent to from, this number",
                     Json{{"wa_id", d["wa_id"]}});
  }
  if (failure.code != error_codes::invalid_input) {
    return std::nullopt;
  }
  const std::string field = text_of(d, "field");
  if (text_of(d, "reason") == "bad_cursor") {
    return bad_request("bad_cursor", "query parameter '" + field + "': " + text_of(d, "problem"),
                       Json{{"parameter", field}});
  }
  if (!field.empty()) {
    return bad_parameter(field, failure.message);
  }
  return std::nullopt;
}

std::string conversations_output_problem(const Json& output) {
  if (!output.is_object() || !output.contains("conversations") || !output["conversations"].is_array()) {
    return "no conversations array";
  }
  for (const Json& c : output["conversations"]) {
    if (!c.is_object() || text_of(c, "wa_id").empty()) {
      return "a conversation without a wa_id";
    }
  }
  if (!output.contains("next_cursor") || !(output["next_cursor"].is_null() || output["next_cursor"].is_string())) {
    return "next_cursor is neither text nor null";
  }
  return {};
}

std::string conversation_output_problem(const Json& output) {
  if (!output.is_object() || !output.contains("contact") || text_of(output["contact"], "wa_id").empty()) {
    return "no contact with a wa_id";
  }
  if (!output.contains("messages") || !is_message_list(output["messages"])) {
    return "messages is not a list of messages with id, direction and at_ms";
  }
  if (!output.contains("next_before") || !(output["next_before"].is_null() || output["next_before"].is_string())) {
    return "next_before is neither text nor null";
  }
  return {};
}

}  // namespace linkhub::http
