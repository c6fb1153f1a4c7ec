#pragma once
// The Result/Error pair every library of the host returns: the engine
// (<linkhub/engine/result.hpp> includes this) and the Lua sandbox, which the
// lua plugin links. It lives apart from the engine's include folder so the
// sandbox can share it without exposing engine headers to a plugin
// (tests/include_rule).

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <variant>

namespace linkhub {

// A failure to report to a user: a sentence saying what, where, expected,
// found; a stable code for programs to branch on (error_codes.hpp; empty when
// nobody classified it) and optional details (a JSON object or null).
struct Error {
  std::string message;
  std::string code;
  nlohmann::json details;
};

// Expected-style result used at module boundaries inside the host.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace linkhub
