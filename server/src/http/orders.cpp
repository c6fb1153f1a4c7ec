#include "http/orders.hpp"

#include <linkhub/engine/error_codes.hpp>
#include <linkhub/engine/suggest.hpp>

#include <algorithm>

namespace linkhub::http {
namespace {

constexpr int64_t kMaxLimit = 100;

std::string string_of(const Json& details, const char* key) {
  return details.is_object() && details.contains(key) && details[key].is_string() ? details[key].get<std::string>()
                                                                                  : "";
}

// catalog.order_list's input names -> the API's query parameters, in messages.
std::string api_names(std::string text) {
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"`customer_wa_id`", "'customer'"},
                                 {"`product_id`", "'product'"},
                                 {"`status`", "'status'"},
                                 {"`limit`", "'limit'"},
                                 {"`cursor`", "'cursor'"}}) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
  }
  return text;
}

std::string order_problem(const Json& order, const std::string& where) {
  if (!order.is_object()) {
    return where + " is " + describe_json_type(order) + ", not an order object";
  }
  if (!order.contains("id") || !order["id"].is_number_integer()) {
    return where + ".id is not a whole number";
  }
  for (const char* key : {"number", "status", "customer_wa_id"}) {
    if (!order.contains(key) || !order[key].is_string()) {
      return where + "." + key + " is not a string";
    }
  }
  if (!order.contains("history") || !order["history"].is_array()) {
    return where + ".history is not an array";
  }
  return "";
}

}  // namespace

const std::vector<std::string>& order_list_parameters() {
  static const std::vector<std::string> names = {"status", "customer", "product", "limit", "cursor"};
  return names;
}

ApiResult<Json> order_list_input(const Target& target) {
  Json input = Json::object();
  const auto text = [&](const char* name) -> std::string {
    const auto it = target.query.find(name);
    return it == target.query.end() ? "" : it->second;
  };
  if (const std::string status = text("status"); !status.empty()) {
    if (status != "requested" && status != "confirmed" && status != "cancelled" && status != "fulfilled") {
      return bad_request("bad_parameter",
                         "query parameter 'status': expected requested, confirmed, cancelled or fulfilled, found '" +
                             status.substr(0, 64) + "'",
                         Json{{"parameter", "status"}});
    }
    input["status"] = status;
  }
  if (const std::string customer = text("customer"); !customer.empty()) {
    input["customer_wa_id"] = customer;
  }
  if (const std::string product = text("product"); !product.empty()) {
    auto id = int_value("query parameter 'product'", product, 1, INT64_MAX);
    if (!id) {
      return bad_request("bad_parameter",
                         "query parameter 'product': expected a product id (a whole number from 1), found '" +
                             product.substr(0, 64) + "'",
                         Json{{"parameter", "product"}});
    }
    input["product_id"] = *id;
  }
  auto limit = int_param(target, "limit", 20, 1, kMaxLimit);
  if (!limit) {
    return limit.error();
  }
  input["limit"] = *limit;
  if (const std::string cursor = text("cursor"); !cursor.empty()) {
    input["cursor"] = cursor;
  }
  return input;
}

ApiResult<Json> order_id_param(const std::string& text) {
  if (auto id = int_value("path parameter 'id'", text, 1, INT64_MAX)) {
    return Json(*id);
  }
  // An order number: the catalog checks it (and answers 400 for a malformed one).
  if (text.size() >= 4 && text.size() <= 40 && (text[0] == 'L' || text[0] == 'l')) {
    return Json(text);
  }
  return bad_request(
      "bad_parameter",
      "path parameter 'id': expected an order id (a whole number from 1) or number (LH-000042), found '" +
          text.substr(0, 64) + "'",
      Json{{"parameter", "id"}});
}

ApiResult<Json> order_patch_input(const Json& id, const Json& body, const std::string& by) {
  if (!body.is_object()) {
    return wrong_type("(body)", "a JSON object {\"status\", \"note\"}", body);
  }
  const std::vector<std::string> fields = {"status", "note"};
  for (const auto& [field, value] : body.items()) {
    if (std::find(fields.begin(), fields.end(), field) == fields.end()) {
      return bad_request("unknown_field",
                         "field '" + field.substr(0, 64) + "' is not one an order change takes" +
                             did_you_mean(field, fields) + "; it takes status and note",
                         Json{{"field", field}});
    }
  }
  if (!body.contains("status")) {
    return bad_request("missing_field", "field 'status' is required: confirmed, cancelled or fulfilled",
                       Json{{"field", "status"}});
  }
  if (!body["status"].is_string()) {
    return wrong_type("status", "a string (confirmed, cancelled, fulfilled)", body["status"]);
  }
  if (body.contains("note") && !body["note"].is_string() && !body["note"].is_null()) {
    return wrong_type("note", "a string or null", body["note"]);
  }
  Json input{{"id", id}, {"status", body["status"]}};
  if (body.contains("note") && body["note"].is_string()) {
    input["note"] = body["note"];
  }
  if (!by.empty()) {
    input["by"] = by.substr(0, 200);
  }
  return input;
}

std::optional<ApiError> order_failure(const StepFailure& failure) {
  const Json& d = failure.details;
  const std::string reason = string_of(d, "reason");
  if (failure.code == error_codes::not_found) {
    Json details = Json::object();
    if (d.is_object() && d.contains("order_id")) {
      details["order_id"] = d["order_id"];
    }
    return not_found("unknown_order", failure.message, details);
  }
  if (failure.code == error_codes::conflict && reason == "invalid_transition") {
    return conflict("invalid_transition", failure.message,
                    Json{{"from", string_of(d, "from")}, {"to", string_of(d, "to")}});
  }
  if (failure.code != error_codes::invalid_input) {
    return std::nullopt;
  }
  if (reason == "bad_cursor") {
    return bad_request("bad_cursor", "query parameter 'cursor': " + string_of(d, "problem"),
                       Json{{"parameter", "cursor"}});
  }
  std::string field;
  if (d.is_object() && d.contains("fields") && d["fields"].is_array() && !d["fields"].empty() &&
      d["fields"][0].is_string()) {
    field = d["fields"][0].get<std::string>();
  }
  if (string_of(d, "step") == "catalog.order_list") {
    // A filter the catalog refused is a query parameter, named as the API names it.
    const std::string parameter = field == "customer_wa_id" ? "customer" : field == "product_id" ? "product" : field;
    return bad_request("bad_parameter", api_names(failure.message), Json{{"parameter", parameter}});
  }
  return bad_request("invalid_input", api_names(failure.message),
                     field.empty() ? Json::object() : Json{{"field", field}});
}

std::string order_output_problem(const Json& output) {
  if (!output.is_object() || !output.contains("order")) {
    return "the output has no `order`";
  }
  return order_problem(output["order"], "order");
}

std::string order_list_output_problem(const Json& output) {
  if (!output.is_object() || !output.contains("orders") || !output["orders"].is_array()) {
    return "the output has no `orders` array";
  }
  for (size_t i = 0; i < output["orders"].size(); ++i) {
    if (auto problem = order_problem(output["orders"][i], "orders[" + std::to_string(i) + "]"); !problem.empty()) {
      return problem;
    }
  }
  if (!output.contains("next_cursor") || !(output["next_cursor"].is_string() || output["next_cursor"].is_null())) {
    return "`next_cursor` is neither a string nor null";
  }
  return "";
}

}  // namespace linkhub::http
