#include <linkhub/engine/json_schema.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <regex>

namespace linkhub {

namespace {

enum TypeBit : unsigned {
  kNull = 1,
  kBoolean = 2,
  kInteger = 4,
  kNumber = 8,
  kString = 16,
  kArray = 32,
  kObject = 64,
  kAny = 127,
};

std::optional<unsigned> type_bit(const std::string& name) {
  static const std::map<std::string, unsigned> kTypes{{"null", kNull},     {"boolean", kBoolean}, {"integer", kInteger},
                                                      {"number", kNumber}, {"string", kString},   {"array", kArray},
                                                      {"object", kObject}};
  auto it = kTypes.find(name);
  if (it == kTypes.end()) {
    return std::nullopt;
  }
  return it->second;
}

bool is_integral(const Json& v) {
  if (v.is_number_integer()) {
    return true;
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    return std::isfinite(d) && d == std::floor(d);
  }
  return false;
}

bool matches_type(unsigned types, const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return types & kNull;
    case Json::value_t::boolean:
      return types & kBoolean;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return types & (kInteger | kNumber);
    case Json::value_t::number_float:
      return (types & kNumber) || ((types & kInteger) && is_integral(v));
    case Json::value_t::string:
      return types & kString;
    case Json::value_t::array:
      return types & kArray;
    case Json::value_t::object:
      return types & kObject;
    default:
      return false;
  }
}

std::string type_names(unsigned types) {
  static const std::pair<unsigned, const char*> kNames[] = {
      {kString, "a string"},  {kNumber, "a number"}, {kInteger, "an integer"}, {kBoolean, "a boolean"},
      {kObject, "an object"}, {kArray, "an array"},  {kNull, "null"}};
  std::vector<std::string> names;
  for (auto [bit, name] : kNames) {
    if ((types & bit) && !(bit == kInteger && (types & kNumber))) {
      names.push_back(name);
    }
  }
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    out += i == 0 ? "" : (i + 1 == names.size() ? " or " : ", ");
    out += names[i];
  }
  return out;
}

// JSON Schema lengths count characters (code points), not UTF-8 bytes.
size_t code_points(const std::string& s) {
  size_t n = 0;
  for (const unsigned char c : s) {
    n += (c & 0xC0) != 0x80 ? 1 : 0;
  }
  return n;
}

std::string escape_pointer_token(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string describe_json_type(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return std::string("a boolean (") + (value.get<bool>() ? "true" : "false") + ")";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "a number (" + value.dump() + ")";
    case Json::value_t::string: {
      std::string s = value.get<std::string>();
      if (s.size() > 40) {
        size_t cut = 37;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
          --cut;  // not inside a UTF-8 character
        }
        s = s.substr(0, cut) + "...";
      }
      // Strings from plugins or bodies may still be bad UTF-8: replace, never throw.
      return "a string (" + Json(s).dump(-1, ' ', false, Json::error_handler_t::replace) + ")";
    }
    case Json::value_t::array:
      return "an array of " + std::to_string(value.size());
    case Json::value_t::object:
      return "an object";
    default:
      return "an unknown value";
  }
}

namespace {

struct SchemaNode {
  unsigned types = kAny;
  std::map<std::string, std::unique_ptr<SchemaNode>, std::less<>> properties;
  std::vector<std::string> required;
  bool additional_allowed = true;
  std::unique_ptr<SchemaNode> additional;  // schema for additional properties, when given
  std::unique_ptr<SchemaNode> items;
  std::optional<Json> enum_values;
  std::optional<Json> const_value;
  std::optional<double> minimum, maximum;
  std::optional<size_t> min_length, max_length, min_items, max_items;
  std::optional<std::regex> pattern;
  std::string pattern_text;
  std::vector<std::unique_ptr<SchemaNode>> any_of, one_of;
  std::optional<Json> default_value;
};

Result<std::unique_ptr<SchemaNode>> compile_node(const Json& schema, const std::string& where) {
  auto node = std::make_unique<SchemaNode>();
  if (schema.is_boolean()) {
    node->types = schema.get<bool>() ? static_cast<unsigned>(kAny) : 0u;
    return node;
  }
  if (!schema.is_object()) {
    return Error{"schema at '" + where + "' must be an object or a boolean, found " + describe_json_type(schema)};
  }
  auto fail = [&](const std::string& what) { return Error{"schema at '" + where + "': " + what}; };
  if (auto it = schema.find("type"); it != schema.end()) {
    node->types = 0;
    const Json list = it->is_array() ? *it : Json::array({*it});
    for (const auto& t : list) {
      auto bit = t.is_string() ? type_bit(t.get<std::string>()) : std::nullopt;
      if (!bit) {
        return fail("unknown type " + t.dump());
      }
      node->types |= *bit;
    }
  }
  if (auto it = schema.find("properties"); it != schema.end()) {
    if (!it->is_object()) {
      return fail("'properties' must be an object");
    }
    for (const auto& [name, sub] : it->items()) {
      auto child = compile_node(sub, where + "/properties/" + name);
      if (!child) {
        return child.error();
      }
      node->properties.emplace(name, std::move(*child));
    }
  }
  if (auto it = schema.find("required"); it != schema.end()) {
    if (!it->is_array()) {
      return fail("'required' must be an array of names");
    }
    for (const auto& r : *it) {
      if (!r.is_string()) {
        return fail("'required' must be an array of names");
      }
      node->required.push_back(r.get<std::string>());
    }
  }
  if (auto it = schema.find("additionalProperties"); it != schema.end()) {
    if (it->is_boolean()) {
      node->additional_allowed = it->get<bool>();
    } else {
      auto child = compile_node(*it, where + "/additionalProperties");
      if (!child) {
        return child.error();
      }
      node->additional = std::move(*child);
    }
  }
  if (auto it = schema.find("items"); it != schema.end()) {
    auto child = compile_node(*it, where + "/items");
    if (!child) {
      return child.error();
    }
    node->items = std::move(*child);
  }
  if (auto it = schema.find("enum"); it != schema.end()) {
    if (!it->is_array()) {
      return fail("'enum' must be an array");
    }
    node->enum_values = *it;
  }
  if (auto it = schema.find("const"); it != schema.end()) {
    node->const_value = *it;
  }
  auto number = [&](const char* key, std::optional<double>& out) -> std::optional<Error> {
    if (auto it = schema.find(key); it != schema.end()) {
      if (!it->is_number()) {
        return fail(std::string("'") + key + "' must be a number");
      }
      out = it->get<double>();
    }
    return std::nullopt;
  };
  auto count = [&](const char* key, std::optional<size_t>& out) -> std::optional<Error> {
    if (auto it = schema.find(key); it != schema.end()) {
      if (!it->is_number_integer() || it->get<int64_t>() < 0) {
        return fail(std::string("'") + key + "' must be a non-negative integer");
      }
      out = it->get<size_t>();
    }
    return std::nullopt;
  };
  for (auto e :
       {number("minimum", node->minimum), number("maximum", node->maximum), count("minLength", node->min_length),
        count("maxLength", node->max_length), count("minItems", node->min_items), count("maxItems", node->max_items)}) {
    if (e) {
      return *e;
    }
  }
  if (auto it = schema.find("pattern"); it != schema.end()) {
    if (!it->is_string()) {
      return fail("'pattern' must be a string");
    }
    try {
      node->pattern = std::regex(it->get<std::string>(), std::regex::ECMAScript);
      node->pattern_text = it->get<std::string>();
    } catch (const std::regex_error& e) {
      return fail("'pattern' is not a valid regular expression: " + std::string(e.what()));
    }
  }
  for (auto [key, list] : {std::pair{"anyOf", &node->any_of}, std::pair{"oneOf", &node->one_of}}) {
    if (auto it = schema.find(key); it != schema.end()) {
      if (!it->is_array() || it->empty()) {
        return fail(std::string("'") + key + "' must be a non-empty array of schemas");
      }
      for (size_t k = 0; k < it->size(); ++k) {
        auto child = compile_node((*it)[k], where + "/" + key + "/" + std::to_string(k));
        if (!child) {
          return child.error();
        }
        list->push_back(std::move(*child));
      }
    }
  }
  if (auto it = schema.find("default"); it != schema.end()) {
    node->default_value = *it;
  }
  return node;
}

// Where a value sits, as the chain of names and indexes from the root: its
// JSON pointer is written out only for a violation (building one for every
// value checked was most of a valid step's input and output checks).
struct Where {
  const Where* parent = nullptr;
  const std::string* name = nullptr;  // an object member, or else
  size_t index = 0;                   // an array item (the root has neither)

  std::string pointer() const {
    if (parent == nullptr) {
      return "";
    }
    return parent->pointer() + "/" + (name != nullptr ? escape_pointer_token(*name) : std::to_string(index));
  }
};

void validate_node(const SchemaNode& node, const Json& value, const Where& where, std::vector<SchemaViolation>& out) {
  if (!matches_type(node.types, value)) {
    out.push_back({where.pointer(), "type",
                   node.types == 0 ? "no value is allowed here"
                                   : "expected " + type_names(node.types) + ", found " + describe_json_type(value)});
    return;
  }
  if (node.const_value && value != *node.const_value) {
    out.push_back({where.pointer(), "const", "expected " + node.const_value->dump() + ", found " + value.dump()});
  }
  if (node.enum_values) {
    bool found = false;
    for (const auto& e : *node.enum_values) {
      found = found || e == value;
    }
    if (!found) {
      std::string options;
      for (const auto& e : *node.enum_values) {
        options += (options.empty() ? "" : ", ") + e.dump();
      }
      out.push_back({where.pointer(), "enum", "expected one of " + options + ", found " + value.dump()});
    }
  }
  if (value.is_number()) {
    const double d = value.get<double>();
    if (node.minimum && d < *node.minimum) {
      out.push_back(
          {where.pointer(), "minimum", "expected at least " + Json(*node.minimum).dump() + ", found " + value.dump()});
    }
    if (node.maximum && d > *node.maximum) {
      out.push_back(
          {where.pointer(), "maximum", "expected at most " + Json(*node.maximum).dump() + ", found " + value.dump()});
    }
  }
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    const size_t length = code_points(s);
    if (node.min_length && length < *node.min_length) {
      out.push_back(
          {where.pointer(), "minLength",
           "expected at least " + std::to_string(*node.min_length) + " characters, found " + std::to_string(length)});
    }
    if (node.max_length && length > *node.max_length) {
      out.push_back(
          {where.pointer(), "maxLength",
           "expected at most " + std::to_string(*node.max_length) + " characters, found " + std::to_string(length)});
    }
    if (node.pattern && !std::regex_search(s, *node.pattern)) {
      out.push_back({where.pointer(), "pattern",
                     "expected text matching /" + node.pattern_text + "/, found " + describe_json_type(value)});
    }
  }
  if (value.is_array()) {
    if (node.min_items && value.size() < *node.min_items) {
      out.push_back(
          {where.pointer(), "minItems",
           "expected at least " + std::to_string(*node.min_items) + " items, found " + std::to_string(value.size())});
    }
    if (node.max_items && value.size() > *node.max_items) {
      out.push_back(
          {where.pointer(), "maxItems",
           "expected at most " + std::to_string(*node.max_items) + " items, found " + std::to_string(value.size())});
    }
    if (node.items) {
      for (size_t k = 0; k < value.size(); ++k) {
        validate_node(*node.items, value[k], Where{&where, nullptr, k}, out);
      }
    }
  }
  if (value.is_object()) {
    for (const auto& name : node.required) {
      if (!value.contains(name)) {
        out.push_back({Where{&where, &name}.pointer(), "required", "'" + name + "' is required"});
      }
    }
    for (const auto& [name, child] : value.items()) {
      const Where child_where{&where, &name};
      if (auto it = node.properties.find(name); it != node.properties.end()) {
        validate_node(*it->second, child, child_where, out);
      } else if (node.additional) {
        validate_node(*node.additional, child, child_where, out);
      } else if (!node.additional_allowed) {
        std::string known;
        for (const auto& [k, v] : node.properties) {
          known += (known.empty() ? "" : ", ") + k;
        }
        out.push_back({child_where.pointer(), "unknown-field",
                       "unknown field '" + name + "'" + (known.empty() ? "" : " (expected one of: " + known + ")")});
      }
    }
  }
  if (!node.any_of.empty()) {
    bool any = false;
    std::vector<SchemaViolation> first;
    for (const auto& alt : node.any_of) {
      std::vector<SchemaViolation> v;
      validate_node(*alt, value, where, v);
      if (v.empty()) {
        any = true;
        break;
      }
      if (first.empty()) {
        first = std::move(v);
      }
    }
    if (!any) {
      out.push_back({where.pointer(), "anyOf", "matches none of the allowed forms (first: " + first[0].message + ")"});
    }
  }
  if (!node.one_of.empty()) {
    size_t matches = 0;
    for (const auto& alt : node.one_of) {
      std::vector<SchemaViolation> v;
      validate_node(*alt, value, where, v);
      matches += v.empty() ? 1 : 0;
    }
    if (matches != 1) {
      out.push_back({where.pointer(), "oneOf",
                     matches == 0 ? "matches none of the allowed forms"
                                  : "matches " + std::to_string(matches) + " of the forms, expected exactly one"});
    }
  }
}

void defaults_node(const SchemaNode& node, Json& value) {
  if (!value.is_object()) {
    return;
  }
  for (const auto& [name, child] : node.properties) {
    auto it = value.find(name);
    if (it == value.end()) {
      if (child->default_value) {
        value[name] = *child->default_value;
      }
    } else {
      defaults_node(*child, *it);
    }
  }
}

}  // namespace

const std::vector<std::string>& supported_schema_keywords() {
  static const std::vector<std::string> kKeywords{"type",     "properties", "required",  "additionalProperties",
                                                  "items",    "enum",       "const",     "minimum",
                                                  "maximum",  "minLength",  "maxLength", "minItems",
                                                  "maxItems", "pattern",    "anyOf",     "oneOf"};
  return kKeywords;
}

const std::vector<std::string>& annotation_schema_keywords() {
  static const std::vector<std::string> kAnnotations{"$schema",     "$id",      "$comment", "title",
                                                     "description", "default",  "examples", "format",
                                                     "deprecated",  "readOnly", "writeOnly"};
  return kAnnotations;
}

namespace {

void find_unsupported(const Json& schema, const std::string& pointer, std::vector<UnsupportedKeyword>& out) {
  if (!schema.is_object()) {
    return;
  }
  const auto& supported = supported_schema_keywords();
  const auto& annotations = annotation_schema_keywords();
  for (const auto& [key, value] : schema.items()) {
    if (std::find(supported.begin(), supported.end(), key) == supported.end() &&
        std::find(annotations.begin(), annotations.end(), key) == annotations.end()) {
      out.push_back({key, pointer});
    }
  }
  if (const auto it = schema.find("properties"); it != schema.end() && it->is_object()) {
    for (const auto& [name, sub] : it->items()) {
      find_unsupported(sub, pointer + "/properties/" + escape_pointer_token(name), out);
    }
  }
  for (const char* key : {"additionalProperties", "items"}) {
    if (const auto it = schema.find(key); it != schema.end()) {
      find_unsupported(*it, pointer + "/" + key, out);
    }
  }
  for (const char* key : {"anyOf", "oneOf"}) {
    if (const auto it = schema.find(key); it != schema.end() && it->is_array()) {
      for (size_t k = 0; k < it->size(); ++k) {
        find_unsupported((*it)[k], pointer + "/" + key + "/" + std::to_string(k), out);
      }
    }
  }
}

}  // namespace

std::vector<UnsupportedKeyword> unsupported_schema_keywords(const Json& schema) {
  std::vector<UnsupportedKeyword> out;
  find_unsupported(schema, "", out);
  return out;
}

struct JsonSchema::Impl {
  Json source;
  std::unique_ptr<SchemaNode> root;
};

JsonSchema::JsonSchema() : impl_(std::make_unique<Impl>()) {
  impl_->root = std::make_unique<SchemaNode>();
}
JsonSchema::~JsonSchema() = default;
JsonSchema::JsonSchema(JsonSchema&&) noexcept = default;
JsonSchema& JsonSchema::operator=(JsonSchema&&) noexcept = default;

Result<JsonSchema> JsonSchema::compile(const Json& schema) {
  auto root = compile_node(schema, "");
  if (!root) {
    return root.error();
  }
  JsonSchema out;
  out.impl_->source = schema;
  out.impl_->root = std::move(*root);
  return out;
}

std::vector<SchemaViolation> JsonSchema::validate(const Json& value) const {
  std::vector<SchemaViolation> out;
  validate_node(*impl_->root, value, Where{}, out);
  return out;
}

void JsonSchema::apply_defaults(Json& value) const {
  defaults_node(*impl_->root, value);
}

const Json& JsonSchema::source() const {
  return impl_->source;
}

}  // namespace linkhub
