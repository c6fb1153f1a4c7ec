// libFuzzer: any bytes as the target of GET /api/v1/orders and
// /api/v1/conversations[/{wa_id}] (path, query parameters, cursors), as an
// order id, and as a plugin's failure or output for those routes: a step
// input or a 4xx ApiError, never a crash.
#include "http/body.hpp"
#include "http/conversations.hpp"
#include "http/orders.hpp"
#include "http/query.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkhub::http;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto check = [](const auto& result) {
    if (!result.ok() && (result.error().status < 400 || result.error().status > 499)) {
      __builtin_trap();  // a parser must only ever refuse with a client error
    }
  };
  if (auto target = parse_target(text)) {
    check(order_list_input(*target));
    check(conversations_input(*target));
    const std::string wa_id = target->segments.empty() ? std::string() : target->segments.back();
    check(conversation_input(wa_id, *target));
  }
  check(order_id_param(text));
  check(conversation_input(text, Target{}));
  // The plugins' answers are checked, never trusted: any JSON gives a verdict.
  const auto json = parse_json(text);
  const linkhub::Json details = json.ok() ? *json : linkhub::Json();
  for (const char* code : {"invalid_input", "not_found", "conflict", "invalid_transition", "bad_cursor"}) {
    order_failure(StepFailure{code, text, details, false});
    conversation_failure(StepFailure{code, text, details, false});
  }
  if (json.ok()) {
    order_output_problem(*json);
    order_list_output_problem(*json);
    conversations_output_problem(*json);
    conversation_output_problem(*json);
  }
  return 0;
}
