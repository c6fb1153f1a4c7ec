// libFuzzer: any bytes as the body of POST /api/v1/users or PATCH
// /api/v1/users/{name}: values or a 400 ApiError, never a crash; and no
// refusal quotes the password it was sent (checked by sending the same body
// again with a marker as its password).
#include "http/body.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

const std::string kMarker = "Zq9-password-marker-Zq9";

bool quotes(const linkhub::http::ApiError& e, const std::string& secret) {
  return e.message.find(secret) != std::string::npos ||
         e.details.dump(-1, ' ', false, linkhub::Json::error_handler_t::replace).find(secret) != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkhub::http;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto check = [](const auto& result, const std::string& secret) {
    if (result.ok()) {
      return;
    }
    if (result.error().status != 400) {
      __builtin_trap();
    }
    if (!secret.empty() && quotes(result.error(), secret)) {
      __builtin_trap();  // a refusal quoted the password back
    }
  };
  check(parse_new_user_body(text), "");
  check(parse_user_change_body(text), "");
  auto json = parse_json(text);
  if (json.ok() && json->is_object() && json->contains("password")) {
    (*json)["password"] = kMarker;
    const std::string marked = json->dump(-1, ' ', false, linkhub::Json::error_handler_t::replace);
    check(parse_new_user_body(marked), kMarker);
    check(parse_user_change_body(marked), kMarker);
  }
  return 0;
}
