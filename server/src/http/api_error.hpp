#pragma once
// The API's error answer, {"error": {"code", "message", "details"}}, with its
// HTTP status. Parsers and handlers return these (ApiResult) instead of
// throwing, so every failure path is visible where it happens.

#include <linkhub/engine/json.hpp>

#include <chrono>
#include <string>
#include <utility>
#include <variant>

namespace linkhub::http {

struct ApiError {
  int status = 500;
  std::string code;     // stable snake_case id a client can branch on: "malformed_json", "unknown_run", ...
  std::string message;  // a sentence: what was wrong, expected versus found
  Json details = Json::object();
};

// {"error": {"code", "message", "details"}}
Json error_body(const ApiError& error);

ApiError bad_request(std::string code, std::string message, Json details = Json::object());
ApiError not_found(std::string code, std::string message, Json details = Json::object());
ApiError conflict(std::string code, std::string message, Json details = Json::object());
ApiError unprocessable(std::string code, std::string message, Json details = Json::object());
ApiError internal_error(std::string message);
// 503 database_unreachable: the run database is away for now (a restart, a
// failover, a lock); the answer carries Retry-After (details.retry_after_s).
ApiError database_unreachable(std::chrono::milliseconds retry_in = std::chrono::milliseconds(0));

// A value of the wrong JSON type: names the field, what was expected and what was found.
ApiError wrong_type(const std::string& field, const std::string& expected, const Json& found);
// "an object", "a string", "null", ... for messages.
std::string describe_json_type(const Json& value);

template <class T>
class ApiResult {
 public:
  ApiResult(T value) : v_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  ApiResult(ApiError error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  const ApiError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, ApiError> v_;
};

}  // namespace linkhub::http
