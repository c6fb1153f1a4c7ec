#include "http/body.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

namespace linkhub::http {
namespace {

std::string lower_trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// The deepest nesting of arrays and objects, outside strings. Runs before the
// parser so a 1 MiB "[[[[..." never becomes a value that recurses when freed or printed.
size_t nesting_depth(std::string_view text) {
  size_t depth = 0;
  size_t deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// nlohmann's parser keeps the last of two equal keys; a body that says
// "inputs" twice is ambiguous (a proxy or another parser may read the first),
// so the parse callback stops at the second one.
class DuplicateKeys {
 public:
  struct Found {
    std::string key;
    std::string at;  // the JSON pointer of the object holding it ("" for the top)
  };

  bool operator()(int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        stack_.push_back(Frame{event == Json::parse_event_t::object_start, child_pointer(), {}, {}, 0});
        break;
      case Json::parse_event_t::key: {
        Frame& top = stack_.back();
        const std::string& key = parsed.get_ref<const std::string&>();
        if (!top.keys.insert(key).second) {
          throw Found{key, top.pointer};
        }
        top.key = key;
        break;
      }
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        stack_.pop_back();
        element_done();
        break;
      case Json::parse_event_t::value:
        element_done();
        break;
    }
    return true;
  }

 private:
  struct Frame {
    bool object = false;
    std::string pointer;
    std::set<std::string> keys;
    std::string key;   // an object's current key
    size_t index = 0;  // an array's current index
  };

  std::string child_pointer() const {
    if (stack_.empty()) {
      return "";
    }
    const Frame& top = stack_.back();
    if (!top.object) {
      return top.pointer + "/" + std::to_string(top.index);
    }
    std::string token;
    for (char c : top.key) {
      token += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
    }
    return top.pointer + "/" + token;
  }

  void element_done() {
    if (!stack_.empty() && !stack_.back().object) {
      ++stack_.back().index;
    }
  }

  std::vector<Frame> stack_;
};

bool is_blank(std::string_view body) {
  return std::all_of(body.begin(), body.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

// Unknown fields are refused so a typo ("input" for "inputs") is not silently ignored.
std::optional<ApiError> only_fields(const Json& object, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string names;
      for (auto name : allowed) {
        names += (names.empty() ? "'" : ", '") + std::string(name) + "'";
      }
      return bad_request("unknown_field", "unknown field '" + key + "' (expected " + names + ")", Json{{"field", key}});
    }
  }
  return std::nullopt;
}

// A field that must be a string; empty strings are refused unless `may_be_empty`.
// The value is never quoted back: it may be a password.
ApiResult<std::string> string_field(const Json& object, const std::string& field, const std::string& what,
                                    bool required, bool may_be_empty = false) {
  if (!object.contains(field) || object[field].is_null()) {
    if (required) {
      return bad_request("missing_field", "field '" + field + "' is required: " + what, Json{{"field", field}});
    }
    return std::string();
  }
  const Json& value = object[field];
  if (!value.is_string()) {
    return wrong_type(field, "a string (" + what + ")", value);
  }
  if (!may_be_empty && value.get_ref<const std::string&>().empty()) {
    return bad_request("empty_field", "field '" + field + "': expected " + what + ", found an empty string",
                       Json{{"field", field}});
  }
  return value.get<std::string>();
}

}  // namespace

ApiResult<LoginBody> parse_login_body(std::string_view body) {
  auto object = parse_json_object(body);
  if (!object) {
    return object.error();
  }
  if (auto unknown = only_fields(*object, {"username", "password"})) {
    return *unknown;
  }
  auto username = string_field(*object, "username", "the user name", true);
  if (!username) {
    return username.error();
  }
  auto password = string_field(*object, "password", "the password", true);
  if (!password) {
    return password.error();
  }
  return LoginBody{std::move(*username), std::move(*password)};
}

ApiResult<std::string> parse_refresh_body(std::string_view body) {
  auto object = parse_json_object(body);
  if (!object) {
    return object.error();
  }
  if (auto unknown = only_fields(*object, {"refresh_token"})) {
    return *unknown;
  }
  return string_field(*object, "refresh_token", "the refresh_token from the login or the last refresh", true);
}

ApiResult<KeyBody> parse_key_body(std::string_view body) {
  auto object = parse_json_object(body);
  if (!object) {
    return object.error();
  }
  if (auto unknown = only_fields(*object, {"role", "name"})) {
    return *unknown;
  }
  auto role = string_field(*object, "role", "viewer, operator or admin", true);
  if (!role) {
    return role.error();
  }
  auto name = string_field(*object, "name", "what the key is for", false, true);
  if (!name) {
    return name.error();
  }
  return KeyBody{std::move(*role), std::move(*name)};
}

ApiResult<NewUserBody> parse_new_user_body(std::string_view body) {
  auto object = parse_json_object(body);
  if (!object) {
    return object.error();
  }
  if (auto unknown = only_fields(*object, {"name", "role", "password"})) {
    return *unknown;
  }
  NewUserBody out;
  for (auto [field, what, into] :
       {std::tuple{"name", "the user name", &out.name}, std::tuple{"role", "viewer, operator or admin", &out.role},
        std::tuple{"password", "the new user's password", &out.password}}) {
    auto value = string_field(*object, field, what, true);
    if (!value) {
      return value.error();
    }
    *into = std::move(*value);
  }
  return out;
}

ApiResult<UserChangeBody> parse_user_change_body(std::string_view body) {
  auto object = parse_json_object(body);
  if (!object) {
    return object.error();
  }
  if (auto unknown = only_fields(*object, {"role", "disabled", "password"})) {
    return *unknown;
  }
  UserChangeBody out;
  for (auto [field, what, into] : {std::tuple{"role", "viewer, operator or admin", &out.role},
                                   std::tuple{"password", "the new password", &out.password}}) {
    if (object->contains(field) && !(*object)[field].is_null()) {
      auto value = string_field(*object, field, what, true);
      if (!value) {
        return value.error();
      }
      *into = std::move(*value);
    }
  }
  if (object->contains("disabled") && !(*object)["disabled"].is_null()) {
    const Json& disabled = (*object)["disabled"];
    if (!disabled.is_boolean()) {
      return wrong_type("disabled", "true or false", disabled);
    }
    out.disabled = disabled.get<bool>();
  }
  if (!out.role && !out.disabled && !out.password) {
    return bad_request("missing_field", "nothing to change: send 'role', 'disabled' or 'password'",
                       Json{{"field", "role"}});
  }
  return out;
}

MediaType classify_media_type(std::string_view content_type) {
  const std::string type = lower_trimmed(content_type.substr(0, content_type.find(';')));
  if (type.empty()) {
    return MediaType::None;
  }
  if (type == "application/json" ||
      (type.rfind("application/", 0) == 0 && type.size() > 5 && type.compare(type.size() - 5, 5, "+json") == 0)) {
    return MediaType::Json;
  }
  if (type == "application/yaml" || type == "application/x-yaml" || type == "text/yaml" || type == "text/x-yaml" ||
      type == "text/plain") {
    return MediaType::Yaml;
  }
  return MediaType::Other;
}

ApiResult<Json> parse_json(std::string_view body) {
  if (nesting_depth(body) > kMaxJsonDepth) {
    return bad_request(
        "too_deep", "the JSON body nests arrays and objects deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  try {
    return Json::parse(body.begin(), body.end(), DuplicateKeys());
  } catch (const DuplicateKeys::Found& dup) {
    const std::string key = dup.key.substr(0, 64);
    const std::string at = dup.at.empty() ? "/" : dup.at.substr(0, 200);
    return bad_request("duplicate_key", "duplicate key \"" + key + "\" at " + at + ": give each key once",
                       Json{{"key", key}, {"at", at}});
  } catch (const Json::parse_error& e) {
    return bad_request("malformed_json", "the body is not valid JSON (at byte " + std::to_string(e.byte) + ")",
                       Json{{"offset", e.byte}});
  } catch (const Json::exception&) {
    // Found by serve_body_fuzz: a number too large for a double is out_of_range, not a parse_error.
    return bad_request("malformed_json", "the body is not usable JSON (a number out of range?)");
  }
}

ApiResult<Json> parse_json_object(std::string_view body) {
  auto parsed = parse_json(body);
  if (!parsed) {
    return parsed.error();
  }
  if (!parsed->is_object()) {
    return bad_request("wrong_type", "the body must be a JSON object, found " + describe_json_type(*parsed),
                       Json{{"field", ""}, {"expected", "an object"}, {"found", describe_json_type(*parsed)}});
  }
  return parsed;
}

ApiResult<TriggerBody> parse_trigger_body(std::string_view body) {
  TriggerBody out;
  if (is_blank(body)) {
    return out;
  }
  auto object = parse_json_object(body);
  if (!object) {
    return object.error();
  }
  if (auto unknown = only_fields(*object, {"inputs"})) {
    return *unknown;
  }
  if (object->contains("inputs")) {
    Json& inputs = (*object)["inputs"];
    if (!inputs.is_object()) {
      return wrong_type("inputs", "an object", inputs);
    }
    out.inputs = std::move(inputs);
  }
  return out;
}

ApiResult<RetryBody> parse_retry_body(std::string_view body) {
  RetryBody out;
  if (is_blank(body)) {
    return out;
  }
  auto object = parse_json_object(body);
  if (!object) {
    return object.error();
  }
  if (auto unknown = only_fields(*object, {"from"})) {
    return *unknown;
  }
  if (object->contains("from") && !(*object)["from"].is_null()) {
    const Json& from = (*object)["from"];
    if (!from.is_string()) {
      return wrong_type("from", "a string (a step id)", from);
    }
    out.from = from.get<std::string>();
    if (out.from.empty()) {
      return bad_request("empty_field", "field 'from': expected a step id, found an empty string",
                         Json{{"field", "from"}});
    }
  }
  return out;
}

ApiResult<ValidateBody> parse_validate_body(std::string_view body, MediaType type) {
  ValidateBody out;
  if (type != MediaType::Json) {
    out.yaml = std::string(body);
    return out;
  }
  auto object = parse_json_object(body);
  if (!object) {
    return object.error();
  }
  if (auto unknown = only_fields(*object, {"yaml", "file"})) {
    return *unknown;
  }
  if (!object->contains("yaml")) {
    return bad_request("missing_field", "field 'yaml' is required: the workflow's YAML text", Json{{"field", "yaml"}});
  }
  const Json& yaml = (*object)["yaml"];
  if (!yaml.is_string()) {
    return wrong_type("yaml", "a string (the workflow's YAML text)", yaml);
  }
  out.yaml = yaml.get<std::string>();
  if (object->contains("file")) {
    const Json& file = (*object)["file"];
    if (!file.is_string()) {
      return wrong_type("file", "a string (a file name for the diagnostics)", file);
    }
    if (!file.get<std::string>().empty()) {
      out.file = file.get<std::string>();
    }
  }
  return out;
}

ApiResult<std::string> parse_idempotency_key(std::string_view value) {
  const bool visible = std::all_of(value.begin(), value.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
  if (value.empty() || value.size() > 200 || !visible) {
    return bad_request("bad_idempotency_key",
                       "header Idempotency-Key: expected 1 to 200 visible ASCII characters without spaces",
                       Json{{"header", "Idempotency-Key"}});
  }
  return std::string(value);
}

}  // namespace linkhub::http
