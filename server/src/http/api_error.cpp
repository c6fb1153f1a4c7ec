#include "http/api_error.hpp"

#include <algorithm>

namespace linkhub::http {

Json error_body(const ApiError& error) {
  return Json{{"error", {{"code", error.code}, {"message", error.message}, {"details", error.details}}}};
}

ApiError bad_request(std::string code, std::string message, Json details) {
  return ApiError{400, std::move(code), std::move(message), std::move(details)};
}

ApiError not_found(std::string code, std::string message, Json details) {
  return ApiError{404, std::move(code), std::move(message), std::move(details)};
}

ApiError conflict(std::string code, std::string message, Json details) {
  return ApiError{409, std::move(code), std::move(message), std::move(details)};
}

ApiError unprocessable(std::string code, std::string message, Json details) {
  return ApiError{422, std::move(code), std::move(message), std::move(details)};
}

ApiError internal_error(std::string message) {
  return ApiError{500, "internal_error", std::move(message), Json::object()};
}

ApiError database_unreachable(std::chrono::milliseconds retry_in) {
  // Whole seconds, at least 1: the next connection attempt, rounded up.
  const long long seconds = std::max(1LL, static_cast<long long>((retry_in.count() + 999) / 1000));
  return ApiError{503, "database_unreachable",
                  "the run database does not answer at the moment (it may be restarting); retry in " +
                      std::to_string(seconds) + " s",
                  Json{{"retry_after_s", seconds}}};
}

std::string describe_json_type(const Json& value) {
  switch (value.type()) {
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "an integer";
    case Json::value_t::number_float:
      return "a number";
    case Json::value_t::null:
      return "null";
    default:
      return "something else";
  }
}

ApiError wrong_type(const std::string& field, const std::string& expected, const Json& found) {
  return bad_request("wrong_type",
                     "field '" + field + "': expected " + expected + ", found " + describe_json_type(found),
                     Json{{"field", field}, {"expected", expected}, {"found", describe_json_type(found)}});
}

}  // namespace linkhub::http
