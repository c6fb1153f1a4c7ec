#include "http/products.hpp"

#include <linkhub/engine/error_codes.hpp>
#include <linkhub/engine/suggest.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace linkhub::http {
namespace {

enum class Kind { Text, Price, Limit };

struct SearchParameter {
  const char* api;      // the query parameter
  const char* catalog;  // catalog.search's input
  Kind kind;
};

// The API's names where they differ from the catalog's: `category` is the
// path prefix a person types, `category_id` the taxonomy id.
constexpr std::array<SearchParameter, 12> kSearchParameters = {{
    {"q", "query", Kind::Text},
    {"category", "category_path", Kind::Text},
    {"category_id", "category", Kind::Text},
    {"min_price", "price_min", Kind::Price},
    {"max_price", "price_max", Kind::Price},
    {"currency", "currency", Kind::Text},
    {"author", "author", Kind::Text},
    {"language", "language", Kind::Text},
    {"source", "source", Kind::Text},
    {"sort", "sort", Kind::Text},
    {"limit", "limit", Kind::Limit},
    {"cursor", "cursor", Kind::Text},
}};
constexpr const char* kIncludeTotal = "include_total";
constexpr int64_t kMaxLimit = 100;
constexpr double kMaxPrice = 1e12;

const std::vector<std::string>& editable_fields() {
  static const std::vector<std::string> fields = {"title", "description", "price", "category", "tags"};
  return fields;
}

ApiError bad_parameter(const std::string& name, const std::string& problem) {
  return bad_request("bad_parameter", "query parameter '" + name + "': " + problem, Json{{"parameter", name}});
}

std::string shown(const std::string& text) {
  return "'" + text.substr(0, 64) + (text.size() > 64 ? "...'" : "'");
}

ApiResult<double> price_value(const std::string& name, const std::string& text) {
  const std::string problem = "expected an amount from 0 to 1e12 such as 19.99, found " + shown(text);
  if (text.empty() || text.size() > 40 || std::isspace(static_cast<unsigned char>(text.front()))) {
    return bad_parameter(name, problem);
  }
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(value) || value < 0 || value > kMaxPrice) {
    return bad_parameter(name, problem);
  }
  return value;
}

// The API name of a catalog.search input, for errors the catalog reports.
std::string api_parameter(const std::string& catalog_name) {
  for (const auto& p : kSearchParameters) {
    if (catalog_name == p.catalog) {
      return p.api;
    }
  }
  return catalog_name;
}

// A details array of strings; anything else in it is left out.
std::vector<std::string> strings_of(const Json& details, const char* key) {
  std::vector<std::string> out;
  if (details.is_object() && details.contains(key) && details[key].is_array()) {
    for (const Json& v : details[key]) {
      if (v.is_string()) {
        out.push_back(v.get<std::string>());
      }
    }
  }
  return out;
}

std::string string_of(const Json& details, const char* key) {
  return details.is_object() && details.contains(key) && details[key].is_string() ? details[key].get<std::string>()
                                                                                  : "";
}

std::string product_problem(const Json& product, const std::string& where) {
  if (!product.is_object()) {
    return where + " is " + describe_json_type(product) + ", not a product object";
  }
  const auto has = [&](const char* key, bool (Json::*is)() const noexcept) {
    return product.contains(key) && (product[key].*is)();
  };
  if (!has("product_id", &Json::is_number_integer) || product["product_id"].get<int64_t>() < 1) {
    return where + ".product_id is not a whole number from 1";
  }
  for (const char* key : {"source", "video_id"}) {
    if (!has(key, &Json::is_string)) {
      return where + "." + key + " is not a string";
    }
  }
  if (!has("version", &Json::is_number_integer)) {
    return where + ".version is not a whole number";
  }
  if (product.contains("price") && !product["price"].is_null() && !product["price"].is_object()) {
    return where + ".price is neither an object nor null";
  }
  return "";
}

std::string found_product_problem(const Json& output, int64_t product_id) {
  if (!output.is_object() || !output.contains("found") || !output["found"].is_boolean()) {
    return "the output has no boolean `found`";
  }
  if (!output["found"].get<bool>()) {
    return "";
  }
  const Json product = output.value("product", Json());
  if (auto problem = product_problem(product, "product"); !problem.empty()) {
    return problem;
  }
  if (product["product_id"].get<int64_t>() != product_id) {
    return "asked for product " + std::to_string(product_id) + ", got product " +
           std::to_string(product["product_id"].get<int64_t>());
  }
  return "";
}

}  // namespace

const std::vector<std::string>& product_search_parameters() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& p : kSearchParameters) {
      out.emplace_back(p.api);
    }
    out.emplace_back(kIncludeTotal);
    return out;
  }();
  return names;
}

ApiResult<Json> product_search_input(const Target& target) {
  const auto& known = product_search_parameters();
  for (const auto& [name, value] : target.query) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (const auto& k : known) {
        list += (list.empty() ? "" : ", ") + k;
      }
      return bad_request("unknown_parameter",
                         "query parameter '" + name.substr(0, 64) + "' is not one this route takes" +
                             did_you_mean(name, known) + "; it takes " + list,
                         Json{{"parameter", name}});
    }
  }
  Json input = Json::object();
  for (const auto& p : kSearchParameters) {
    const auto it = target.query.find(p.api);
    if (it == target.query.end()) {
      continue;
    }
    switch (p.kind) {
      case Kind::Text:
        if (!it->second.empty()) {  // "?cursor=" is the first page, as if left out
          input[p.catalog] = it->second;
        }
        break;
      case Kind::Price: {
        auto value = price_value(p.api, it->second);
        if (!value) {
          return value.error();
        }
        input[p.catalog] = *value;
        break;
      }
      case Kind::Limit: {
        auto value = int_param(target, p.api, 20, 1, kMaxLimit);
        if (!value) {
          return value.error();
        }
        input[p.catalog] = *value;
        break;
      }
    }
  }
  if (input.contains("price_min") && input.contains("price_max") &&
      input["price_min"].get<double>() > input["price_max"].get<double>()) {
    return bad_parameter("min_price", "is above max_price (" + target.query.at("min_price") + " > " +
                                          target.query.at("max_price") + ")");
  }
  if (const auto it = target.query.find(kIncludeTotal); it != target.query.end()) {
    if (it->second != "true" && it->second != "false") {
      return bad_parameter(kIncludeTotal, "expected true or false, found " + shown(it->second));
    }
    input[kIncludeTotal] = it->second == "true";
  }
  return input;
}

ApiResult<int64_t> product_id_param(const std::string& text) {
  auto id = int_value("path parameter 'id'", text, 1, INT64_MAX);
  if (!id) {
    ApiError error = id.error();
    error.message = "path parameter 'id': expected a product id (a whole number from 1), found " + shown(text);
    error.details = Json{{"parameter", "id"}};
    return error;
  }
  return id;
}

ApiResult<Json> product_patch_input(int64_t product_id, const Json& patch) {
  if (!patch.is_object()) {
    return wrong_type("(body)", "a JSON object of the fields to change", patch);
  }
  const auto& editable = editable_fields();
  Json input{{"product_id", product_id}};
  for (const auto& [field, value] : patch.items()) {
    if (std::find(editable.begin(), editable.end(), field) == editable.end()) {
      return bad_request("unknown_field",
                         "field '" + field.substr(0, 64) + "' cannot be edited" + did_you_mean(field, editable) +
                             "; the editable fields are title, description, price, category and tags",
                         Json{{"field", field}, {"editable", editable}});
    }
    if (field == "title" || field == "description") {
      if (!value.is_string() && !value.is_null()) {
        return wrong_type(field, "a string or null", value);
      }
    } else if (field == "price") {
      if (!value.is_object() && !value.is_null()) {
        return wrong_type(field, "an object {\"amount\", \"currency\"} or null", value);
      }
    } else if (field == "category") {
      if (!value.is_object() && !value.is_null()) {
        return wrong_type(field, "an object {\"id\", \"path\"} or null", value);
      }
    } else if (field == "tags") {
      if (value.is_null()) {
        input[field] = Json::array();  // null removes, as in a JSON merge patch: no tags
        continue;
      }
      if (!value.is_array()) {
        return wrong_type(field, "an array of strings or null", value);
      }
      for (size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string()) {
          return wrong_type("tags[" + std::to_string(i) + "]", "a string", value[i]);
        }
      }
    }
    input[field] = value;
  }
  if (input.size() == 1) {
    return bad_request("empty_patch",
                       "the body changes nothing: give at least one of title, description, price, category, tags",
                       Json{{"editable", editable}});
  }
  return input;
}

std::optional<ApiError> catalog_failure(const StepFailure& failure) {
  // The catalog's details (plugins/catalog/README.md): reason, step, kind,
  // fields (catalog names) and problems (sentences naming them in backticks).
  const Json& d = failure.details;
  const std::string reason = string_of(d, "reason");
  if (failure.code == error_codes::conflict && reason == "idempotency_key_reused") {
    return conflict("idempotency_key_reused", failure.message, Json{{"header", "Idempotency-Key"}});
  }
  if (failure.code != error_codes::invalid_input) {
    return std::nullopt;
  }
  if (reason == "bad_cursor") {
    return bad_request("bad_cursor", "query parameter 'cursor': " + string_of(d, "problem"),
                       Json{{"parameter", "cursor"}});
  }
  const std::string step = string_of(d, "step");
  const std::vector<std::string> fields = strings_of(d, "fields");
  if (step == "catalog.search") {
    std::string text;
    for (const std::string& problem : strings_of(d, "problems")) {
      text += (text.empty() ? "" : "; ") + problem;
    }
    for (const auto& field : fields) {
      // The catalog's names in the text become the API's: `price_min` -> 'min_price'.
      const std::string from = "`" + field + "`";
      const std::string to = "'" + api_parameter(field) + "'";
      for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
      }
    }
    Json details = Json::object();
    if (!fields.empty()) {
      details["parameter"] = api_parameter(fields.front());
    }
    return bad_request("bad_parameter", "bad search: " + (text.empty() ? failure.message : text), details);
  }
  Json details{{"step", step}};
  if (!fields.empty()) {
    details["field"] = fields.front();
    details["fields"] = fields;
  }
  const std::string kind = string_of(d, "kind");
  if (kind == "product" || kind == "price") {
    return unprocessable("invalid_product", failure.message, details);
  }
  return bad_request("invalid_input", failure.message, details);
}

std::string search_output_problem(const Json& output) {
  if (!output.is_object() || !output.contains("items") || !output["items"].is_array()) {
    return "the output has no `items` array";
  }
  const Json& items = output["items"];
  for (size_t i = 0; i < items.size(); ++i) {
    if (auto problem = product_problem(items[i], "items[" + std::to_string(i) + "]"); !problem.empty()) {
      return problem;
    }
  }
  if (!output.contains("next_cursor") || !(output["next_cursor"].is_string() || output["next_cursor"].is_null())) {
    return "`next_cursor` is neither a string nor null";
  }
  if (output.contains("total") && !output["total"].is_number_integer()) {
    return "`total` is not a whole number";
  }
  return "";
}

std::string get_output_problem(const Json& output, int64_t product_id) {
  if (auto problem = found_product_problem(output, product_id); !problem.empty()) {
    return problem;
  }
  if (output["found"].get<bool>() && output["product"].contains("price_history") &&
      !output["product"]["price_history"].is_array()) {
    return "product.price_history is not an array";
  }
  return "";
}

std::string update_output_problem(const Json& output, int64_t product_id) {
  return found_product_problem(output, product_id);
}

std::string delete_output_problem(const Json& output, int64_t product_id) {
  if (!output.is_object() || !output.contains("deleted") || !output["deleted"].is_boolean()) {
    return "the output has no boolean `deleted`";
  }
  if (output.value("product_id", Json()) != Json(product_id)) {
    return "asked to delete product " + std::to_string(product_id) + ", the answer is about another";
  }
  return "";
}

}  // namespace linkhub::http
