// catalog.order_get, catalog.order_list and catalog.order_update (order_create
// has a file of its own).
#include "order_steps.hpp"

#include "clock.hpp"
#include "fingerprint.hpp"
#include "idempotency.hpp"
#include "order_input.hpp"
#include "order_store.hpp"
#include "search_cursor.hpp"
#include "step_support.hpp"

namespace linkhub::catalog {

using sdk::Json;

namespace {

constexpr const char* kGet = "catalog.order_get";
constexpr const char* kList = "catalog.order_list";
constexpr const char* kUpdate = "catalog.order_update";
constexpr int64_t kDefaultListLimit = 20;
constexpr int64_t kMaxListLimit = 100;
constexpr const char* kListSort = "orders_newest";

}  // namespace

Json OrderGetStep::input_schema() {
  return {{"type", "object"},
          {"properties", {{"id", order_id_schema()}}},
          {"required", {"id"}},
          {"additionalProperties", false}};
}

Json OrderGetStep::output_schema() {
  return order_output_schema();
}

Json OrderGetStep::run(sdk::Context& ctx, const Json& input) {
  require_object(input, kGet);
  FieldErrors errors;
  check_known_fields(input, {"id"}, errors);
  const auto id = read_order_id(input, errors);
  errors.throw_if_any(kGet, "input");
  CatalogDatabase& db = catalog_database(ctx, kGet);
  return db.read([&](soci::session& sql) {
    const auto order = OrderStore(sql, db.dialect()).find(*id, false);
    if (!order) {
      throw_unknown_order(kGet, *id);
    }
    return Json{{"order", order_json(*order)}};
  });
}

Json OrderListStep::input_schema() {
  return {
      {"type", "object"},
      {"properties",
       {{"status",
         {{"type", {"string", "null"}}, {"enum", {"requested", "confirmed", "cancelled", "fulfilled", nullptr}}}},
        {"customer_wa_id", {{"type", {"string", "null"}}, {"description", "Only this customer's orders"}}},
        {"product_id", {{"type", {"integer", "null"}}, {"minimum", 1}, {"description", "Only orders of this product"}}},
        {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxListLimit}, {"default", kDefaultListLimit}}},
        {"cursor",
         {{"type", {"string", "null"}}, {"description", "The next_cursor of the previous page, unchanged"}}}}},
      {"additionalProperties", false}};
}

Json OrderListStep::output_schema() {
  return {{"type", "object"},
          {"properties",
           {{"orders", {{"type", "array"}, {"items", order_schema()}}},
            {"next_cursor",
             {{"type", {"string", "null"}}, {"description", "Pass as `cursor` for the next page; null on the last"}}}}},
          {"required", {"orders", "next_cursor"}}};
}

Json OrderListStep::run(sdk::Context& ctx, const Json& input) {
  require_object(input, kList);
  FieldErrors errors;
  check_known_fields(input, {"status", "customer_wa_id", "product_id", "limit", "cursor"}, errors);
  OrderFilter filter;
  filter.status = read_status(input, errors, false);
  filter.customer_wa_id = read_wa_id(input, "customer_wa_id", errors, false);
  filter.product_id = read_product_id(input, errors, false);
  filter.limit =
      static_cast<size_t>(read_integer(input, "limit", 1, kMaxListLimit, errors, false).value_or(kDefaultListLimit));
  const auto cursor = read_text(input, "cursor", 2048, errors);
  errors.throw_if_any(kList, "input");
  // A cursor belongs to its filters: another filter with it would skip or repeat orders.
  const std::string fingerprint =
      json_fingerprint({{"status", filter.status ? Json(*filter.status) : Json()},
                        {"customer", filter.customer_wa_id ? Json(*filter.customer_wa_id) : Json()},
                        {"product", filter.product_id ? Json(*filter.product_id) : Json()}});
  if (cursor) {
    filter.before_id = decode_cursor(*cursor, kListSort, fingerprint, kList).id;
  }
  CatalogDatabase& db = catalog_database(ctx, kList);
  return db.read([&](soci::session& sql) {
    const std::vector<Order> orders = OrderStore(sql, db.dialect()).list(filter);
    Json out = {{"orders", Json::array()}, {"next_cursor", nullptr}};
    for (size_t i = 0; i < orders.size() && i < filter.limit; ++i) {
      out["orders"].push_back(order_json(orders[i]));
    }
    if (orders.size() > filter.limit) {
      const int64_t last = orders[filter.limit - 1].id;
      out["next_cursor"] = encode_cursor({last, last}, kListSort, fingerprint);
    }
    return out;
  });
}

Json OrderUpdateStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"id", order_id_schema()},
            {"status", {{"type", "string"}, {"enum", {"requested", "confirmed", "cancelled", "fulfilled"}}}},
            {"note", {{"type", {"string", "null"}}, {"maxLength", kMaxOrderNoteChars}}},
            {"by",
             {{"type", {"string", "null"}},
              {"maxLength", kMaxOrderNameChars},
              {"description", "Who made the change (a user, a workflow); kept in the history"}}}}},
          {"required", {"id", "status"}},
          {"additionalProperties", false}};
}

Json OrderUpdateStep::output_schema() {
  return order_output_schema();
}

Json OrderUpdateStep::run(sdk::Context& ctx, const Json& input) {
  require_object(input, kUpdate);
  FieldErrors errors;
  check_known_fields(input, {"id", "status", "note", "by"}, errors);
  const auto id = read_order_id(input, errors);
  const auto status = read_status(input, errors, true);
  OrderChange change;
  change.note = read_text(input, "note", kMaxOrderNoteChars, errors);
  change.by = read_text(input, "by", kMaxOrderNameChars, errors);
  errors.throw_if_any(kUpdate, "input");
  change.status = *status;

  CatalogDatabase& db = catalog_database(ctx, kUpdate);
  const std::string key(ctx.idempotency_key());
  return db.write([&](soci::session& sql) {
    AppliedKey applied(sql, key, kUpdate, input);
    if (auto previous = applied.claim()) {
      return *previous;
    }
    OrderStore orders(sql, db.dialect());
    auto order = orders.find(*id, true);
    if (!order) {
      throw_unknown_order(kUpdate, *id);
    }
    if (!order_transition_allowed(order->status, change.status)) {
      throw sdk::StepError(sdk::errors::conflict,
                           std::string(kUpdate) + ": order " + order_number(order->id) + " is " + order->status +
                               " and cannot become " + change.status +
                               " (requested -> confirmed or cancelled; confirmed -> fulfilled or cancelled)",
                           false,
                           {{"step", kUpdate},
                            {"reason", "invalid_transition"},
                            {"order_id", order->id},
                            {"from", order->status},
                            {"to", change.status}});
    }
    change.at_ms = std::max(now_ms(), order->updated_ms);  // a history never goes back in time
    orders.change_status(order->id, change);
    order->status = change.status;
    order->updated_ms = change.at_ms;
    order->history.push_back(change);
    const Json out = {{"order", order_json(*order)}};
    applied.record(out);
    return out;
  });
}

}  // namespace linkhub::catalog
