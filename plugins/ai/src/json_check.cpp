#include "json_check.hpp"

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>

namespace linkhub::ai {
namespace {

using sdk::Json;

std::string found(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::object:
      return "an object";
    default:
      return "a number (" + v.dump().substr(0, 40) + ")";
  }
}

bool is_type(const Json& v, const std::string& type) {
  if (type == "string")
    return v.is_string();
  if (type == "number")
    return v.is_number();
  if (type == "integer") {
    return v.is_number_integer() || (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>());
  }
  if (type == "boolean")
    return v.is_boolean();
  if (type == "object")
    return v.is_object();
  if (type == "array")
    return v.is_array();
  if (type == "null")
    return v.is_null();
  return true;  // an unknown type name checks nothing, like the engine
}

std::string check(const Json& schema, const Json& v, const std::string& at) {
  if (!schema.is_object()) {
    return {};
  }
  if (const auto t = schema.find("type"); t != schema.end()) {
    bool ok = false;
    std::string names;
    for (const Json& name : t->is_array() ? *t : Json::array({*t})) {
      ok = ok || is_type(v, name.get<std::string>());
      names += (names.empty() ? "" : " or ") + name.get<std::string>();
    }
    if (!ok) {
      return at + ": expected " + names + ", found " + found(v);
    }
  }
  if (const auto e = schema.find("enum"); e != schema.end() && e->is_array()) {
    bool listed = false;
    for (const Json& option : *e) {
      listed = listed || option == v;
    }
    if (!listed) {
      return at + ": expected one of " + e->dump() + ", found " + v.dump().substr(0, 60);
    }
  }
  if (v.is_number()) {
    const double x = v.get<double>();
    if (const auto m = schema.find("minimum"); m != schema.end() && x < m->get<double>()) {
      return at + ": " + v.dump() + " is below the minimum " + m->dump();
    }
    if (const auto m = schema.find("maximum"); m != schema.end() && x > m->get<double>()) {
      return at + ": " + v.dump() + " is above the maximum " + m->dump();
    }
  }
  if (v.is_string()) {
    const size_t n = v.get<std::string>().size();
    if (const auto m = schema.find("minLength"); m != schema.end() && n < m->get<size_t>()) {
      return at + ": the string is shorter than " + m->dump();
    }
    if (const auto m = schema.find("maxLength"); m != schema.end() && n > m->get<size_t>()) {
      return at + ": the string is longer than " + m->dump();
    }
    // ECMAScript syntax, as JSON Schema says; only the step schemas' own patterns get here.
    if (const auto p = schema.find("pattern");
        p != schema.end() && p->is_string() &&
        !std::regex_search(v.get<std::string>(), std::regex(p->get<std::string>()))) {
      return at + ": \"" + v.get<std::string>().substr(0, 40) + "\" does not match " + p->get<std::string>();
    }
  }
  if (v.is_array()) {
    if (const auto m = schema.find("minItems"); m != schema.end() && v.size() < m->get<size_t>()) {
      return at + ": fewer than " + m->dump() + " items";
    }
    if (const auto m = schema.find("maxItems"); m != schema.end() && v.size() > m->get<size_t>()) {
      return at + ": more than " + m->dump() + " items";
    }
    if (const auto items = schema.find("items"); items != schema.end()) {
      for (size_t i = 0; i < v.size(); ++i) {
        if (std::string why = check(*items, v[i], at + "/" + std::to_string(i)); !why.empty()) {
          return why;
        }
      }
    }
  }
  if (v.is_object()) {
    if (const auto required = schema.find("required"); required != schema.end()) {
      for (const Json& name : *required) {
        if (!v.contains(name.get<std::string>())) {
          return at + ": the field \"" + name.get<std::string>() + "\" is missing";
        }
      }
    }
    const auto properties = schema.find("properties");
    const auto extra = schema.find("additionalProperties");
    for (const auto& [key, value] : v.items()) {
      if (properties != schema.end() && properties->contains(key)) {
        if (std::string why = check(properties->at(key), value, at + "/" + key); !why.empty()) {
          return why;
        }
      } else if (extra != schema.end() && extra->is_boolean() && !extra->get<bool>()) {
        return at + ": unknown field \"" + key.substr(0, 60) + "\"";
      }
    }
  }
  return {};
}

std::set<std::string> required_of(const Json& schema) {
  std::set<std::string> out;
  if (const auto r = schema.find("required"); r != schema.end() && r->is_array()) {
    for (const Json& name : *r) {
      out.insert(name.get<std::string>());
    }
  }
  return out;
}

Json nullable(Json schema) {
  if (const auto t = schema.find("type"); t != schema.end()) {
    if (t->is_string() && *t != "null") {
      *t = Json::array({*t, "null"});
    } else if (t->is_array() && std::find(t->begin(), t->end(), "null") == t->end()) {
      t->push_back("null");
    }
  } else if (const auto any = schema.find("anyOf"); any != schema.end()) {
    any->push_back({{"type", "null"}});
  }
  return schema;
}

}  // namespace

Json strict_schema(const Json& schema) {
  if (!schema.is_object()) {
    return schema;
  }
  Json out = schema;
  out.erase("examples");
  out.erase("default");
  if (const auto items = out.find("items"); items != out.end()) {
    *items = strict_schema(*items);
  }
  if (const auto any = out.find("anyOf"); any != out.end() && any->is_array()) {
    for (Json& option : *any) {
      option = strict_schema(option);
    }
  }
  if (const auto properties = out.find("properties"); properties != out.end() && properties->is_object()) {
    const std::set<std::string> required = required_of(schema);
    Json all = Json::array();
    for (auto& [key, property] : properties->items()) {
      property = required.count(key) > 0 ? strict_schema(property) : nullable(strict_schema(property));
      all.push_back(key);
    }
    out["required"] = std::move(all);
    out["additionalProperties"] = false;
  }
  return out;
}

void drop_optional_nulls(const Json& schema, Json& value) {
  if (!schema.is_object()) {
    return;
  }
  if (value.is_array()) {
    if (const auto items = schema.find("items"); items != schema.end()) {
      for (Json& item : value) {
        drop_optional_nulls(*items, item);
      }
    }
    return;
  }
  const auto properties = schema.find("properties");
  if (!value.is_object() || properties == schema.end()) {
    return;
  }
  const std::set<std::string> required = required_of(schema);
  for (const auto& [key, property] : properties->items()) {
    const auto it = value.find(key);
    if (it == value.end()) {
      continue;
    }
    if (it->is_null() && required.count(key) == 0) {
      value.erase(it);
    } else {
      drop_optional_nulls(property, *it);
    }
  }
}

std::string schema_violation(const sdk::Json& schema, const sdk::Json& value) {
  std::string why = check(schema, value, "");
  if (why.rfind(": ", 0) == 0) {
    why = "/" + why;  // the root
  }
  return why;
}

}  // namespace linkhub::ai
