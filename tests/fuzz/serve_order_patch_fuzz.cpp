// libFuzzer: any bytes as the body of PATCH /api/v1/orders/{id} (parsed as
// the route does, then turned into catalog.order_update's input): an input
// or a 4xx ApiError, never a crash.
#include "http/body.hpp"
#include "http/orders.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkhub::http;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto check = [](const auto& result) {
    if (!result.ok() && (result.error().status < 400 || result.error().status > 499)) {
      __builtin_trap();
    }
  };
  const auto body = parse_json(text);
  check(body);
  if (!body.ok()) {
    return 0;
  }
  for (const char* id : {"1", "LH-000042"}) {
    const auto order = order_id_param(id);
    if (!order.ok()) {
      __builtin_trap();  // both are valid ids
    }
    const auto input = order_patch_input(*order, *body, "user:fuzz");
    check(input);
    if (input.ok()) {
      input->dump(-1, ' ', false, linkhub::Json::error_handler_t::replace);  // what goes to the plugin
    }
  }
  return 0;
}
