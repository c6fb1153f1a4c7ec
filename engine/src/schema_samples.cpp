#include <linkhub/engine/schema_samples.hpp>

#include <linkhub/engine/json_schema.hpp>

#include <algorithm>
#include <cmath>

namespace linkhub::schema_samples {
namespace {

constexpr int kMaxDepth = 8;  // schemas nest; a recursive one must not loop

std::vector<std::string> declared_types(const Json& schema) {
  std::vector<std::string> out;
  if (!schema.is_object()) {
    return out;
  }
  const auto it = schema.find("type");
  if (it == schema.end()) {
    if (schema.contains("properties") || schema.contains("required")) {
      out.push_back("object");
    } else if (schema.contains("items")) {
      out.push_back("array");
    }
    return out;
  }
  for (const auto& t : it->is_array() ? *it : Json::array({*it})) {
    if (t.is_string()) {
      out.push_back(t.get<std::string>());
    }
  }
  return out;
}

bool accepts(const Json& schema, const Json& value) {
  auto compiled = JsonSchema::compile(schema);
  return compiled && compiled->validate(value).empty();
}

size_t bound(const Json& schema, const char* key, size_t fallback) {
  const auto it = schema.find(key);
  return it != schema.end() && it->is_number_unsigned() ? it->get<size_t>() : fallback;
}

std::optional<Json> sample(const Json& schema, int depth);

std::optional<Json> sample_of_type(const Json& schema, const std::string& type, int depth) {
  if (type == "null") {
    return Json(nullptr);
  }
  if (type == "boolean") {
    return Json(false);
  }
  if (type == "integer" || type == "number") {
    double value = 1;
    if (const auto it = schema.find("minimum"); it != schema.end() && it->is_number()) {
      value = std::ceil(it->get<double>());
    } else if (const auto max = schema.find("maximum"); max != schema.end() && max->is_number()) {
      value = std::min(1.0, std::floor(max->get<double>()));
    }
    return Json(static_cast<int64_t>(value));
  }
  if (type == "string") {
    return Json(std::string(std::max<size_t>(bound(schema, "minLength", 1), 1), 'a'));
  }
  if (type == "array") {
    Json out = Json::array();
    const size_t n = bound(schema, "minItems", 0);
    if (n > 0) {
      auto item = sample(schema.value("items", Json::object()), depth + 1);
      if (!item) {
        return std::nullopt;
      }
      for (size_t k = 0; k < n; ++k) {
        out.push_back(*item);
      }
    }
    return out;
  }
  if (type == "object") {
    Json out = Json::object();
    const Json properties = schema.value("properties", Json::object());
    for (const auto& name : schema.value("required", Json::array())) {
      if (!name.is_string()) {
        continue;
      }
      const auto key = name.get<std::string>();
      auto value = properties.contains(key) ? sample(properties[key], depth + 1) : std::optional<Json>("a");
      if (!value) {
        return std::nullopt;
      }
      out[key] = std::move(*value);
    }
    return out;
  }
  return std::nullopt;
}

std::optional<Json> sample(const Json& schema, int depth) {
  if (depth > kMaxDepth) {
    return std::nullopt;
  }
  if (schema.is_boolean()) {
    return schema.get<bool>() ? std::optional<Json>(Json::object()) : std::nullopt;
  }
  if (!schema.is_object()) {
    return std::nullopt;
  }
  for (const char* key : {"const", "default"}) {
    if (const auto it = schema.find(key); it != schema.end()) {
      return *it;
    }
  }
  for (const char* key : {"examples", "enum"}) {
    if (const auto it = schema.find(key); it != schema.end() && it->is_array() && !it->empty()) {
      return it->front();
    }
  }
  std::optional<Json> base;
  for (const auto& type : declared_types(schema)) {
    if ((base = sample_of_type(schema, type, depth))) {
      break;
    }
  }
  if (!base && declared_types(schema).empty()) {
    base = Json::object();
  }
  if (base && accepts(schema, *base)) {
    return base;
  }
  // An anyOf / oneOf (of `required` lists, say): add what one alternative needs.
  for (const char* key : {"anyOf", "oneOf"}) {
    const auto it = schema.find(key);
    if (it == schema.end() || !it->is_array()) {
      continue;
    }
    for (const auto& alternative : *it) {
      Json merged_schema = schema;
      merged_schema.erase(key);
      for (const auto& [k, v] : alternative.items()) {
        if (k == "required" && merged_schema.contains("required") && v.is_array()) {
          for (const auto& r : v) {
            merged_schema["required"].push_back(r);
          }
        } else {
          merged_schema[k] = v;
        }
      }
      auto candidate = sample(merged_schema, depth + 1);
      if (candidate && accepts(schema, *candidate)) {
        return candidate;
      }
    }
  }
  return base;
}

// A value whose JSON type is not among `types`.
Json other_type(const std::vector<std::string>& types) {
  auto has = [&](const char* t) { return std::find(types.begin(), types.end(), t) != types.end(); };
  if (!has("object")) {
    return Json{{"unexpected", "object"}};
  }
  if (!has("string")) {
    return Json("not the declared type");
  }
  return Json::array({1, 2});
}

const std::string kAlphabet = "abcXYZ019 _-./:?&=%@#\"\\\n\t{}[]";
const char* const kOddStrings[] = {
    "", "null", "-1", "1e999", "https://", "../../etc/passwd", "\xc3\xa9t\xc3\xa9", "\xe2\x80\xae", "%s%n", "a\x01z"};

Json random_string(std::mt19937_64& rng) {
  if (rng() % 3 == 0) {
    return Json(std::string(kOddStrings[rng() % std::size(kOddStrings)]));
  }
  std::string s(rng() % 40, ' ');
  for (auto& c : s) {
    c = kAlphabet[rng() % kAlphabet.size()];
  }
  return Json(s);
}

Json random_number(std::mt19937_64& rng) {
  static const Json kNumbers[] = {0,   -1,   1,     2147483648LL,           -9223372036854775807LL,
                                  1.5, -0.0, 1e300, 18446744073709551615ULL};
  return rng() % 2 == 0 ? kNumbers[rng() % std::size(kNumbers)] : Json(static_cast<int64_t>(rng() % 2001) - 1000);
}

Json random_value(std::mt19937_64& rng, int depth) {
  const unsigned kind = static_cast<unsigned>(rng() % (depth >= 4 ? 5 : 7));
  switch (kind) {
    case 0:
      return Json(nullptr);
    case 1:
      return Json(rng() % 2 == 0);
    case 2:
      return random_number(rng);
    case 3:
    case 4:
      return random_string(rng);
    case 5: {
      Json out = Json::array();
      for (size_t k = rng() % 5; k > 0; --k) {
        out.push_back(random_value(rng, depth + 1));
      }
      return out;
    }
    default: {
      Json out = Json::object();
      for (size_t k = rng() % 5; k > 0; --k) {
        out[random_string(rng).get<std::string>()] = random_value(rng, depth + 1);
      }
      return out;
    }
  }
}

// A random value of one of the types the schema declares (any when none).
Json random_of_schema(std::mt19937_64& rng, const Json& schema) {
  const auto types = declared_types(schema);
  if (types.empty() || rng() % 4 == 0) {
    return random_value(rng, 1);
  }
  const std::string& type = types[rng() % types.size()];
  if (type == "string") {
    return random_string(rng);
  }
  if (type == "integer" || type == "number") {
    return random_number(rng);
  }
  if (type == "boolean") {
    return Json(rng() % 2 == 0);
  }
  if (type == "array") {
    Json out = Json::array();
    for (size_t k = rng() % 4; k > 0; --k) {
      out.push_back(random_of_schema(rng, schema.value("items", Json::object())));
    }
    return out;
  }
  if (type == "object") {
    return random_value(rng, 3);
  }
  return Json(nullptr);
}

}  // namespace

std::optional<Json> valid_sample(const Json& schema) {
  return sample(schema, 0);
}

std::vector<BrokenInput> broken_inputs(const Json& schema, const Json& valid) {
  std::vector<BrokenInput> out;
  if (!schema.is_object() || !valid.is_object()) {
    return out;
  }
  const Json properties = schema.value("properties", Json::object());
  for (const auto& name : schema.value("required", Json::array())) {
    if (name.is_string() && valid.contains(name.get<std::string>())) {
      Json input = valid;
      input.erase(name.get<std::string>());
      out.push_back({"'" + name.get<std::string>() + "' is missing (required)", std::move(input)});
    }
  }
  if (properties.is_object()) {
    for (const auto& [name, property] : properties.items()) {
      const auto types = declared_types(property);
      if (types.empty() || property.contains("anyOf") || property.contains("oneOf")) {
        continue;  // any type may do: nothing to break by type alone
      }
      Json input = valid;
      input[name] = other_type(types);
      out.push_back({"'" + name + "' has the wrong type (" + input[name].dump() + ")", std::move(input)});
    }
  }
  if (const auto it = schema.find("additionalProperties"); it != schema.end() && *it == false) {
    Json input = valid;
    input["linkhub_check_unknown_field"] = 1;
    out.push_back({"an unknown property is added (additionalProperties is false)", std::move(input)});
  }
  const auto types = declared_types(schema);
  if (std::find(types.begin(), types.end(), "array") == types.end()) {
    out.push_back({"the input is an array, not an object", Json::array({valid})});
  }
  return out;
}

Json random_input(std::mt19937_64& rng, const Json& schema, const Json& valid) {
  if (rng() % 2 == 0 || !valid.is_object()) {
    return random_value(rng, 0);
  }
  Json input = valid;
  const Json properties = schema.value("properties", Json::object());
  if (properties.is_object()) {
    for (const auto& [name, property] : properties.items()) {
      const auto roll = rng() % 3;
      if (roll == 0) {
        input[name] = random_of_schema(rng, property);
      } else if (roll == 1) {
        input.erase(name);
      }
    }
  }
  return input;
}

}  // namespace linkhub::schema_samples
