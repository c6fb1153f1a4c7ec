#pragma once
// The order steps: a customer's order of a catalog product (catalog.order_create),
// reading one or a page of them, and moving one through its statuses.
// Every step answers {order: ...} (order_json) or, for the list, {orders, next_cursor}.

#include <linkhub/plugin.hpp>

namespace linkhub::catalog {

class OrderCreateStep : public sdk::Step {
 public:
  static constexpr const char* name = "order_create";
  static constexpr const char* description =
      "Records a customer's order of a product with the price it has now (status requested) and gives it a "
      "number such as LH-000042. Exactly once per idempotency key: a retried or resumed step gets the same order.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

class OrderGetStep : public sdk::Step {
 public:
  static constexpr const char* name = "order_get";
  static constexpr const char* description =
      "One order by its id (42) or number (\"LH-000042\"), with its status history; not_found when there is none.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

class OrderListStep : public sdk::Step {
 public:
  static constexpr const char* name = "order_list";
  static constexpr const char* description =
      "Orders newest first, filtered by status, customer or product, a page at a time (cursor paging).";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

class OrderUpdateStep : public sdk::Step {
 public:
  static constexpr const char* name = "order_update";
  static constexpr const char* description =
      "Moves an order to a new status (requested -> confirmed or cancelled, confirmed -> fulfilled or cancelled) "
      "and appends the change to its history; any other change is a conflict (reason invalid_transition).";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::catalog
