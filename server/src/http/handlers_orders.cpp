// /api/v1/orders: the catalog plugin's orders, through its steps
// (catalog.order_list, .order_get, .order_update) invoked by the plugin host.
// The server reads no order table itself; without the plugin these answer 503.
#include "http/auth.hpp"
#include "http/handlers.hpp"
#include "http/orders.hpp"
#include "http/step_call.hpp"

namespace linkhub::http {
namespace {

ApiResult<Json> order_step(Call& call, const std::string& uses, const Json& input, const OutputCheck& problem_of) {
  return invoke_checked_step(call, uses, input, problem_of, order_failure);
}

}  // namespace

Reply list_orders(Call& call) {
  auto input = order_list_input(call.target);
  if (!input) {
    return Reply::error(input.error());
  }
  auto output = order_step(call, "catalog.order_list", *input, order_list_output_problem);
  if (!output) {
    return Reply::error(output.error());
  }
  return Reply::json(
      200, Json{{"orders", std::move((*output)["orders"])}, {"next_cursor", std::move((*output)["next_cursor"])}});
}

Reply get_order(Call& call) {
  auto id = order_id_param(call.param("id"));
  if (!id) {
    return Reply::error(id.error());
  }
  auto output = order_step(call, "catalog.order_get", Json{{"id", *id}}, order_output_problem);
  if (!output) {
    return Reply::error(output.error());
  }
  return Reply::json(200, std::move((*output)["order"]));
}

Reply update_order(Call& call) {
  auto id = order_id_param(call.param("id"));
  if (!id) {
    return Reply::error(id.error());
  }
  auto body = call.parsed_body(parse_json);
  if (!body) {
    return Reply::error(body.error());
  }
  const std::string by = call.principal != nullptr ? call.principal->label() : "";
  auto input = order_patch_input(*id, *body, by);
  if (!input) {
    return Reply::error(input.error());
  }
  auto output = order_step(call, "catalog.order_update", *input, order_output_problem);
  if (!output) {
    return Reply::error(output.error());
  }
  return Reply::json(200, std::move((*output)["order"]));
}

}  // namespace linkhub::http
