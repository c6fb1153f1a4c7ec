#pragma once
// Request bodies into values, with no HTTP library involved: the fuzz target
// (tests/fuzz/serve_body_fuzz.cpp) feeds these any bytes. Every failure is a
// 400 ApiError that names the field and says expected versus found.

#include "http/api_error.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace linkhub::http {

// Deeper JSON is refused before parsing: it would only recurse when stored or printed.
constexpr size_t kMaxJsonDepth = 64;

enum class MediaType { None, Json, Yaml, Other };
// From a Content-Type header value: parameters (charset) and case are ignored.
MediaType classify_media_type(std::string_view content_type);

// Any JSON document (400 malformed_json with the byte offset, 400 too_deep).
ApiResult<Json> parse_json(std::string_view body);
// A JSON object (400 when it is another type).
ApiResult<Json> parse_json_object(std::string_view body);

// POST /workflows/{name}/runs: {"inputs": {...}}; an empty body means no inputs.
struct TriggerBody {
  Json inputs = Json::object();
};
ApiResult<TriggerBody> parse_trigger_body(std::string_view body);

// POST /runs/{id}/retry: {"from": "step"}, or an empty body.
struct RetryBody {
  std::string from;
};
ApiResult<RetryBody> parse_retry_body(std::string_view body);

// POST /workflows/validate: YAML text as is, or JSON {"yaml": "...", "file": "name.yaml"}.
struct ValidateBody {
  std::string yaml;
  std::string file = "workflow.yaml";  // the name diagnostics carry
};
ApiResult<ValidateBody> parse_validate_body(std::string_view body, MediaType type);

// POST /auth/login: {"username", "password"} (both non-empty strings).
struct LoginBody {
  std::string username;
  std::string password;
};
ApiResult<LoginBody> parse_login_body(std::string_view body);

// POST /auth/refresh and /auth/logout: {"refresh_token"}.
ApiResult<std::string> parse_refresh_body(std::string_view body);

// POST /keys: {"role", "name"} (name optional).
struct KeyBody {
  std::string role;
  std::string name;
};
ApiResult<KeyBody> parse_key_body(std::string_view body);

// POST /users: {"name", "role", "password"} (all required). The password is
// never quoted back in an error.
struct NewUserBody {
  std::string name;
  std::string role;
  std::string password;
};
ApiResult<NewUserBody> parse_new_user_body(std::string_view body);

// PATCH /users/{name}: {"role"?, "disabled"?, "password"?}, at least one.
struct UserChangeBody {
  std::optional<std::string> role;
  std::optional<bool> disabled;
  std::optional<std::string> password;
};
ApiResult<UserChangeBody> parse_user_change_body(std::string_view body);

// The Idempotency-Key header: 1 to 200 visible ASCII characters.
ApiResult<std::string> parse_idempotency_key(std::string_view value);

}  // namespace linkhub::http
