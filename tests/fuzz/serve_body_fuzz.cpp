// libFuzzer: any bytes as a request to `linkhub serve` (target, bodies,
// headers, cursors) must give a value or a 4xx ApiError, never a crash.
#include "http/body.hpp"
#include "http/products.hpp"
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
  check(parse_trigger_body(text));
  check(parse_retry_body(text));
  check(parse_validate_body(text, MediaType::Json));
  check(parse_idempotency_key(text));
  check(product_id_param(text));
  // Any plugin failure maps to some answer.
  for (const char* code : {"invalid_input", "conflict", "not_found"}) {
    const auto details = parse_json(text);
    catalog_failure(linkhub::http::StepFailure{code, text, details.ok() ? *details : linkhub::Json(), false});
  }
  check(parse_login_body(text));
  check(parse_refresh_body(text));
  check(parse_key_body(text));
  if (auto json = parse_json(text); json.ok()) {
    json->dump(-1, ' ', false, linkhub::Json::error_handler_t::replace);  // what the store does with inputs
    check(product_patch_input(1, *json));
    // Plugin output is checked, never trusted: any JSON gives a verdict, not a crash.
    search_output_problem(*json);
    get_output_problem(*json, 1);
    update_output_problem(*json, 1);
    delete_output_problem(*json, 1);
  }
  classify_media_type(text);
  if (auto target = parse_target(text)) {
    check(int_param(*target, "limit", 50, 1, 500));
    check(duration_param(*target, "wait", std::chrono::seconds(60)));
    check(product_search_input(*target));
  }
  if (auto cursor = decode_cursor(text)) {
    if (decode_cursor(encode_cursor(*cursor)).value_or(Cursor{}).id != cursor->id) {
      __builtin_trap();  // a cursor must survive its own round trip
    }
  }
  return 0;
}
